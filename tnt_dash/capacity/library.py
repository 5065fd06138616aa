"""The good-practice library: documents that outlive the staff who wrote them.

Documents (PDF, DOCX, Markdown) are stored in DuckDB with their bytes (BLOB), the text
extracted on upload, tags (markets, missions, language, free tags) and a marking (TLP and
UN classification). Every listing, search and download applies the access profile's record
rule from access.py to the document's marking, exactly as for incidents: the shared
profile sees TLP:CLEAR/GREEN + UNCLASSIFIED only, the Gender Officer up to CONFIDENTIAL.

Search is plain SQL (ILIKE over title, tags and extracted text): DuckDB's full-text
extension would have to be downloaded, and this app runs offline.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .. import store
from ..access import CLASSIFICATION_ORDER, TLP_ORDER, Profile

MAX_BYTES = 20 * 1024 * 1024
MAX_DOCX_XML = 50 * 1024 * 1024     # uncompressed word/document.xml: guards against zip bombs
LANGUAGES = ("en", "fr", "ar", "es", "pt", "other")
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".md": "text/markdown", ".markdown": "text/markdown",
}
_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

DDL = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,            -- first 16 hex digits of the content's SHA-256
    title VARCHAR NOT NULL,
    filename VARCHAR NOT NULL,
    media_type VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    markets VARCHAR[] NOT NULL,
    missions VARCHAR[] NOT NULL,
    tags VARCHAR[] NOT NULL,
    tlp VARCHAR NOT NULL,
    classification VARCHAR NOT NULL,
    body_text VARCHAR NOT NULL,
    content BLOB NOT NULL,
    size_bytes BIGINT NOT NULL,
    added_at TIMESTAMP NOT NULL DEFAULT current_timestamp::TIMESTAMP,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);
"""


class DocumentError(ValueError):
    """A document that cannot be added: wrong type, unreadable, too large, bad marking or tags."""


def ensure_tables(con) -> None:
    con.execute(DDL)


def table_present(con) -> bool:
    cur = con.cursor()
    try:
        return cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'documents'"
                           ).fetchone()[0] == 1
    finally:
        cur.close()


# --- Text extraction ------------------------------------------------------------------------------

def extract_text(filename: str, data: bytes) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in (".md", ".markdown"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{filename}: a Markdown file must be UTF-8 text") from exc
    if suffix == ".pdf":
        return _pdf_text(filename, data)
    if suffix == ".docx":
        return _docx_text(filename, data)
    raise DocumentError(f"{filename}: only PDF, DOCX and Markdown (.md) documents can be added")


def _pdf_text(filename: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{filename}: the PDF is encrypted; add an unprotected copy")
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except PdfReadError as exc:
        raise DocumentError(f"{filename}: not a readable PDF ({exc})") from exc


def _docx_text(filename: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML:
                raise DocumentError(f"{filename}: the document's text part is too large")
            xml = archive.read(info)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DocumentError(f"{filename}: not a Word (.docx) document") from exc
    try:
        # defusedxml refuses entity expansion and external references (billion laughs, XXE).
        root = SafeET.fromstring(xml)
    except SafeET.ParseError as exc:
        raise DocumentError(f"{filename}: the Word document's XML cannot be read ({exc})") from exc
    except DefusedXmlException as exc:
        raise DocumentError(f"{filename}: the Word document declares XML entities, which are refused") from exc
    paragraphs = []
    for paragraph in root.iter(f"{_WORD_NS}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(f"{_WORD_NS}t")))
    return "\n".join(paragraphs)


# --- Writing --------------------------------------------------------------------------------------

@dataclass
class Added:
    doc_id: str
    title: str
    characters: int
    replaced: bool


def _codes(values, allowed: set[str], what: str) -> list[str]:
    items = sorted({v.strip() for v in (values or []) if v and v.strip()})
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise DocumentError(f"unknown {what}: {', '.join(unknown)}")
    return items


def add_document_to(db_path, filename: str, data: bytes, **marking) -> "Added":
    """add_document on the store at `db_path`, through the one writer's door (store.connect_writer):
    the Capacity building page and `docs add` both come through here. A busy store is a StoreError."""
    con = store.connect_writer(db_path)
    try:
        return add_document(con, filename, data, **marking)
    finally:
        con.close()


def add_document(con, filename: str, data: bytes, *, tlp: str, classification: str, title: str | None = None,
                 language: str = "en", markets=(), missions=(), tags=(), synthetic: bool = False) -> Added:
    """Validate the marking and tags, extract the text, and store the document (one transaction)."""
    ensure_tables(con)
    if tlp not in TLP_ORDER:
        raise DocumentError(f"unknown TLP marking {tlp!r}; expected one of {', '.join(TLP_ORDER)}")
    if classification not in CLASSIFICATION_ORDER:
        raise DocumentError(f"unknown classification {classification!r}; expected one of "
                            f"{', '.join(CLASSIFICATION_ORDER)}")
    if language not in LANGUAGES:
        raise DocumentError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    if not data:
        raise DocumentError(f"{filename}: the file is empty")
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{filename}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    suffix = Path(filename).suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise DocumentError(f"{filename}: only PDF, DOCX and Markdown (.md) documents can be added")
    markets = _codes(markets, {r[0] for r in con.execute("SELECT code FROM markets").fetchall()}, "market")
    missions = _codes(missions, {r[0] for r in con.execute("SELECT code FROM missions").fetchall()}, "mission")
    tags = sorted({t.strip().lower() for t in tags if t and t.strip()})
    text = extract_text(filename, data)
    title = (title or "").strip() or _title_from(text) or Path(filename).stem
    doc_id = hashlib.sha256(data).hexdigest()[:16]
    with store.transaction(con):
        replaced = con.execute("SELECT count(*) FROM documents WHERE doc_id = ?", [doc_id]).fetchone()[0] > 0
        con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
        con.execute("""INSERT INTO documents (doc_id, title, filename, media_type, language, markets, missions, tags,
                                              tlp, classification, body_text, content, size_bytes, synthetic)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [doc_id, title[:300], Path(filename).name, MEDIA_TYPES[suffix], language, markets, missions, tags,
                     tlp, classification, text, data, len(data), synthetic])
    return Added(doc_id=doc_id, title=title, characters=len(text), replaced=replaced)


def _title_from(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return None


# --- Reading --------------------------------------------------------------------------------------

LIST_COLUMNS = ["doc_id", "title", "filename", "language", "markets", "missions", "tags", "tlp", "classification",
                "size_bytes", "added_at", "snippet"]


def search(con, profile: Profile, text: str = "", limit: int = 200) -> pd.DataFrame:
    """Documents the profile may see whose title, tags or text contain every word of `text`.

    An empty `text` lists them all, newest first. Each word is bound as a parameter.
    """
    if not table_present(con):
        return pd.DataFrame(columns=LIST_COLUMNS)
    words = [w for w in re.split(r"\s+", (text or "").strip()) if w][:10]
    clauses, params = [profile.marking_where()], []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(d.title ILIKE ? ESCAPE '\\' OR array_to_string(d.tags, ' ') ILIKE ? ESCAPE '\\' "
                       "OR array_to_string(d.markets, ' ') ILIKE ? ESCAPE '\\' OR d.body_text ILIKE ? ESCAPE '\\')")
        params.extend([pattern] * 4)
    first = words[0] if words else ""
    cur = con.cursor()
    try:
        frame = cur.execute(f"""
            SELECT doc_id, title, filename, language, markets, missions, tags, tlp, classification, size_bytes,
                   added_at,
                   CASE WHEN ? = '' THEN left(body_text, 160)
                        ELSE substr(body_text, greatest(1, strpos(lower(body_text), lower(?)) - 60), 180) END AS snippet
            FROM documents d WHERE {' AND '.join(clauses)}
            ORDER BY added_at DESC, title LIMIT ?""", [first, first, *params, int(limit)]).df()
    finally:
        cur.close()
    frame["snippet"] = [_snippet(s, title) for s, title in zip(frame["snippet"], frame["title"])]
    return frame


def _snippet(text: str | None, title: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"(^|\n)#+\s*", r"\1", text or "")).strip()
    return text[len(title):].strip() if text.startswith(title) else text


def get_document(con, profile: Profile, doc_id: str) -> tuple[str, str, bytes] | None:
    """(filename, media type, bytes) if the profile may see the document, else None."""
    if not table_present(con):
        return None
    cur = con.cursor()
    try:
        row = cur.execute(f"SELECT filename, media_type, content FROM documents d WHERE d.doc_id = ? AND {profile.marking_where()}",
                          [doc_id]).fetchone()
    finally:
        cur.close()
    return (row[0], row[1], bytes(row[2])) if row else None


def count(con, profile: Profile) -> int:
    if not table_present(con):
        return 0
    cur = con.cursor()
    try:
        return cur.execute(f"SELECT count(*) FROM documents d WHERE {profile.marking_where()}").fetchone()[0]
    finally:
        cur.close()
