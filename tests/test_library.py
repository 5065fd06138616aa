"""The good-practice library: markings respected under each profile, search, text extraction."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from fpdf import FPDF

from tnt_dash import access, cli, seed, store
from tnt_dash.capacity import demo, library
from .conftest import SHARED_CAF

MARKINGS = {   # file -> (TLP, classification); each carries a unique word in its body text
    "green.md": ("TLP:GREEN", "UNCLASSIFIED"),
    "clear.md": ("TLP:CLEAR", "UNCLASSIFIED"),
    "amber.md": ("TLP:AMBER", "UNCLASSIFIED"),
    "conf.md": ("TLP:GREEN", "CONFIDENTIAL"),
    "strict.md": ("TLP:CLEAR", "STRICTLY CONFIDENTIAL"),
}


def word(name: str) -> str:
    return f"ZQX{name.split('.')[0].upper()}CANARY"


@pytest.fixture
def lib(tmp_path):
    path = tmp_path / "lib.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    for name, (tlp, classification) in MARKINGS.items():
        text = f"# Practice {name}\n\nCommunity policing note with the word {word(name)} inside.\n"
        library.add_document(con, name, text.encode(), tlp=tlp, classification=classification,
                             markets=["arms_trafficking"], missions=["MINUSCA"], tags=[f"tag-{name[:3]}"])
    yield con
    con.close()


def visible_words(con, profile, text="") -> set[str]:
    return {w for w in (word(n) for n in MARKINGS)
            if any(w in (s or "") for s in library.search(con, profile, text)["snippet"])}


def test_shared_profile_sees_only_clear_green_unclassified(lib):
    listing = library.search(lib, SHARED_CAF)
    assert sorted(listing["filename"]) == ["clear.md", "green.md"]
    assert visible_words(lib, SHARED_CAF) == {word("green.md"), word("clear.md")}
    # Searching for a restricted document's own word finds nothing, not even a count.
    for name in ("amber.md", "conf.md", "strict.md"):
        assert library.search(lib, SHARED_CAF, word(name)).empty
        doc_id = library.search(lib, access.ANALYST, word(name))["doc_id"].iloc[0]
        assert library.get_document(lib, SHARED_CAF, doc_id) is None
    assert library.count(lib, SHARED_CAF) == 2


def test_gender_profile_up_to_confidential(lib):
    assert sorted(library.search(lib, access.GENDER)["filename"]) == ["amber.md", "clear.md", "conf.md", "green.md"]
    assert library.count(lib, access.ANALYST) == 5


def test_search_finds_a_document_by_a_word_in_its_text(lib):
    found = library.search(lib, access.ANALYST, word("conf.md").lower())
    assert found["filename"].tolist() == ["conf.md"]
    assert word("conf.md") in found["snippet"].iloc[0]
    assert len(library.search(lib, access.ANALYST, "community policing")) == 5     # every word must appear
    assert library.search(lib, access.ANALYST, "community nowhere").empty
    assert library.search(lib, access.ANALYST, "tag-str")["filename"].tolist() == ["strict.md"]
    assert library.search(lib, access.ANALYST, "100%").empty                          # % is a literal, not a wildcard


def test_docx_and_pdf_text_is_extracted_and_searchable(lib):
    document = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Lessons on </w:t></w:r><w:r><w:t>'
                'roadblock extortion</w:t></w:r></w:p><w:p><w:r><w:t>Second paragraph</w:t></w:r></w:p>'
                '</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", document)
    assert library.extract_text("x.docx", buffer.getvalue()) == "Lessons on roadblock extortion\nSecond paragraph"
    added = library.add_document(lib, "x.docx", buffer.getvalue(), tlp="TLP:GREEN", classification="UNCLASSIFIED")
    assert added.title == "Lessons on roadblock extortion"
    assert library.search(lib, SHARED_CAF, "roadblock")["doc_id"].tolist() == [added.doc_id]

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Mobile money fraud typologies")
    data = bytes(pdf.output())
    added = library.add_document(lib, "fraud.pdf", data, tlp="TLP:AMBER", classification="UNCLASSIFIED",
                                 language="fr", tags=["fraud"])
    assert library.search(lib, access.ANALYST, "typologies")["doc_id"].tolist() == [added.doc_id]
    assert library.search(lib, SHARED_CAF, "typologies").empty
    assert library.get_document(lib, access.ANALYST, added.doc_id) == ("fraud.pdf", "application/pdf", data)


def test_docx_with_entities_is_refused():
    bomb = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&b;</w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", bomb)
    with pytest.raises(library.DocumentError, match="entities"):
        library.extract_text("bomb.docx", buffer.getvalue())


@pytest.mark.parametrize("kwargs, message", [
    (dict(tlp="TLP:PINK", classification="UNCLASSIFIED"), "unknown TLP"),
    (dict(tlp="TLP:GREEN", classification="SECRET"), "unknown classification"),
    (dict(tlp="TLP:GREEN", classification="UNCLASSIFIED", markets=["gold"]), "unknown market: gold"),
    (dict(tlp="TLP:GREEN", classification="UNCLASSIFIED", missions=["XYZ"]), "unknown mission: XYZ"),
])
def test_bad_marking_or_tags_rejected(lib, kwargs, message):
    with pytest.raises(library.DocumentError, match=message):
        library.add_document(lib, "n.md", b"# Note", **kwargs)
    assert library.count(lib, access.ANALYST) == 5


def test_bad_files_rejected(lib):
    with pytest.raises(library.DocumentError, match="only PDF, DOCX and Markdown"):
        library.add_document(lib, "n.exe", b"MZ", tlp="TLP:GREEN", classification="UNCLASSIFIED")
    with pytest.raises(library.DocumentError, match="not a Word"):
        library.add_document(lib, "n.docx", b"not a zip", tlp="TLP:GREEN", classification="UNCLASSIFIED")
    with pytest.raises(library.DocumentError, match="not a readable PDF"):
        library.add_document(lib, "n.pdf", b"%PDF-broken", tlp="TLP:GREEN", classification="UNCLASSIFIED")


def test_cli_docs_add_and_search(tmp_path, capsys, monkeypatch):
    path = tmp_path / "cli.duckdb"
    seed.build(path, demo_rows=None)
    note = tmp_path / "note.md"
    note.write_text("# Border post practice\n\nJoint patrols at the ferry crossing.\n", encoding="utf-8")
    args = ["--db", str(path), "docs", "add", str(note), "--tlp", "TLP:AMBER", "--classification", "UNCLASSIFIED",
            "--tags", "ferry", "border"]
    assert cli.main(args) == 0
    assert "Border post practice" in capsys.readouterr().out
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    assert cli.main(["--db", str(path), "docs", "search", "ferry", "--json"]) == 0
    assert [d["title"] for d in json.loads(capsys.readouterr().out)] == ["Border post practice"]
    monkeypatch.setenv("TNT_PROFILE", "shared")
    assert cli.main(["--db", str(path), "docs", "search", "ferry", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert cli.main(["--db", str(path), "docs", "add", str(note), "--tlp", "GREEN", "--classification", "X"]) == 2
    assert "unknown TLP" in capsys.readouterr().err


def test_store_without_documents_table(tmp_path):
    path = tmp_path / "old.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path, read_only=True)
    try:
        assert library.search(con, access.ANALYST, "x").empty and library.count(con, access.ANALYST) == 0
        assert library.get_document(con, access.ANALYST, "abc") is None
    finally:
        con.close()


def test_shared_page_lists_only_releasable_documents(demo_env, monkeypatch):
    from streamlit.testing.v1 import AppTest
    app = str(library.__file__).rsplit("/tnt_dash/", 1)[0] + "/app.py"
    restricted = [title for _f, tlp, classification, *_rest in demo.DEMO_DOCUMENTS
                  if not (tlp in ("TLP:CLEAR", "TLP:GREEN") and classification == "UNCLASSIFIED")
                  for title in [_rest[-1].splitlines()[0].lstrip("# ")]]
    assert len(restricted) == 2
    # The capacity page is mission-internal (no shared screen shows it); the library's own rule
    # still gives a shared profile the releasable documents only.
    con = store.connect(demo_env, read_only=True)
    try:
        titles = " ".join(library.search(con, SHARED_CAF).to_csv() for _ in [0])
        assert library.count(con, SHARED_CAF) == 2 and not any(title in titles for title in restricted)
    finally:
        con.close()
    for profile, expected in (("analyst", 4),):
        monkeypatch.setenv("TNT_PROFILE", profile)
        at = AppTest.from_file(app, default_timeout=60)
        at.run()
        at.switch_page("pages/capacity.py").run()
        assert not at.exception, [e.message for e in at.exception]
        shown = " ".join(df.value.to_csv() for df in at.dataframe)
        assert sum(title in shown for title in restricted) == 2
        assert any(len(df.value) == expected and "Marking" in df.value.columns for df in at.dataframe)
