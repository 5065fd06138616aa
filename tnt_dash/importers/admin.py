"""What the Data page calls: every function checks the profile first, so the rule lives here, not in the page."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd

from ..i18n import N_
from . import detect, ledger, pipeline, releasability
from .fields import FIELDS
from .pipeline import ImportRefused

PREVIEW_ROWS = 20


def require(profile) -> None:
    if not profile.data_admin:
        raise ImportRefused(N_("Imports, the quarantine and the audit trail are for the analyst profile only."))


def save_upload(name: str, data: bytes) -> Path:
    """Write an upload to a private temporary file; the pipeline reads files, never executes them."""
    limit = detect.max_bytes()
    if len(data) > limit:
        raise detect.FileUnreadable(N_("The file is {size} MB; the limit is {limit} MB (TNT_IMPORT_MAX_MB)."),
                                    size=f"{len(data) / 1048576:.1f}", limit=f"{limit / 1048576:g}")
    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in (".csv", ".txt", ".xlsx", ".xlsm") else ".bin"
    handle = tempfile.NamedTemporaryFile(prefix="tnt-upload-", suffix=suffix, delete=False)
    with handle:
        handle.write(data)
    return Path(handle.name)


def preview(profile, path: Path, name: str, fmt: str) -> pd.DataFrame:
    """The first rows of the file as read (every cell as text), for a look before validating."""
    require(profile)
    source, _data = detect.read_source(path, name)
    kind = detect.detect(source) if fmt == "auto" else fmt
    items, _warnings = pipeline.MODULES[kind].read(source, _English())
    rows = [{"row": i.row, **{k: "" if v is None else str(v) for k, v in i.raw.items() if not k.startswith("_")}}
            for i in items[:PREVIEW_ROWS]]
    return pd.DataFrame(rows)


class _English:
    # Preview warnings are not shown, so their language does not matter.
    lang = "en"

    @staticmethod
    def gettext(message: str) -> str:
        return message


def validate(db_path, profile, path: Path, name: str, fmt: str, t):
    require(profile)
    return pipeline.run_import(db_path, path, fmt=fmt, dry_run=True, t=t, display_name=name)


def commit(db_path, profile, path: Path, name: str, fmt: str, t, user: str | None):
    require(profile)
    return pipeline.run_import(db_path, path, fmt=fmt, t=t, display_name=name, user=user)


def rollback(db_path, profile, batch_id: str, user: str | None) -> dict:
    require(profile)
    return ledger.rollback(db_path, batch_id, user=user)


def resubmit(db_path, profile, corrections: dict, t, user: str | None):
    require(profile)
    return ledger.resubmit(db_path, corrections, t=t, user=user)


def discard(db_path, profile, ids: list[str], user: str | None) -> int:
    require(profile)
    return ledger.discard(db_path, ids, user=user)


def release(db_path, profile, ids: list[str], codes: list[str], mode: str, user: str | None,
            originator: str | None = None, originator_iso3: str | None = None) -> dict:
    require(profile)
    return releasability.release(db_path, ids, releasable_to=codes, originator=originator,
                                 originator_iso3=originator_iso3, mode=mode, user=user)


def release_preview(con, profile, ids: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    require(profile)
    return releasability.preview(con, list(ids))


def host_states(con, profile) -> dict[str, tuple[str, str, str]]:
    """ISO3 -> (ISO3, English name, French name) for the host-State picker: mission host States first."""
    require(profile)
    rows = con.execute("""
        SELECT c.iso3, c.name_en, c.name_fr, c.iso3 IN (SELECT host_iso3 FROM missions) AS host
        FROM countries c ORDER BY host DESC, c.iso3""").fetchall()
    return {iso3: (iso3, en, fr) for iso3, en, fr, _host in rows}


def batches(con, profile) -> pd.DataFrame:
    require(profile)
    return ledger.batches(con)


def audit(con, profile) -> pd.DataFrame:
    require(profile)
    return ledger.audit_trail(con)


def quality(con, profile) -> dict:
    require(profile)
    return ledger.data_quality(con)


def narratives_to_review(con, profile) -> pd.DataFrame:
    """Stored records whose narrative may identify a person (screening.py): ids and kinds, no text."""
    require(profile)
    from . import screening
    return screening.stored_flags(con)


def place_names_to_review(con, profile) -> pd.DataFrame:
    require(profile)
    return ledger.place_names_to_review(con)


def quarantine_batches(con, profile) -> list[tuple[str, str, int]]:
    require(profile)
    return con.execute("""
        SELECT q.batch_id, coalesce(b.file_name, ''), count(*) FROM quarantine q
        LEFT JOIN import_batches b USING (batch_id) WHERE q.status = 'open'
        GROUP BY ALL ORDER BY max(q.created_at) DESC""").fetchall()


def quarantine_table(con, profile, batch_id: str, limit: int = 500) -> pd.DataFrame:
    """One batch's open rows as an editable grid: the raw cells as text, plus the reasons."""
    require(profile)
    rows = con.execute("""SELECT quarantine_id, row_number, raw, errors FROM quarantine
                          WHERE status = 'open' AND batch_id = ? ORDER BY row_number LIMIT ?""",
                       [batch_id, limit]).fetchall()
    records = []
    for qid, row, raw, errors in rows:
        cells = json.loads(raw)
        reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in json.loads(errors))
        records.append({"quarantine_id": qid, "row": row, "reasons": reasons,
                        **{k: "" if v is None else (json.dumps(v) if isinstance(v, list) else str(v))
                           for k, v in cells.items()}})
    return pd.DataFrame(records)


def corrections_from(frame: pd.DataFrame) -> dict[str, dict]:
    fixed = {}
    for record in frame.to_dict(orient="records"):
        qid = record.pop("quarantine_id")
        record.pop("row", None)
        record.pop("reasons", None)
        extra = record.pop("_extra_cells", None)
        cells = {k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v) for k, v in record.items()}
        if extra:
            cells["_extra_cells"] = json.loads(extra) if isinstance(extra, str) and extra.startswith("[") else extra
        fixed[qid] = cells
    return fixed


def dictionary(t) -> pd.DataFrame:
    _ = t.gettext
    return pd.DataFrame([{_("Column (English)"): name, _("Column (French)"): french,
                          _("Required"): _("yes") if required else _("no"), _("Meaning"): _(description)}
                         for name, (french, required, description) in FIELDS.items()])
