"""The Data page's small rules, kept out of the page: the upload limit it announces, how many rows
a batch stored, which batches it offers to undo, when a release change withdraws every release,
and the slice of the release log it shows. What it reads and writes goes through admin.py."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import releases
from . import detect

SHOWN_ROWS = 500     # rows of a record list or of the release log drawn on the page
# The batch kinds the page offers to roll back.
ROLLBACK_KINDS = ("native", "acled", "hxl", "gitoc", "unodc", "release")


def upload_limit_mb() -> int:
    """The upload widget's limit in whole megabytes (at least 1), from TNT_IMPORT_MAX_MB."""
    return max(1, detect.max_bytes() // (1024 * 1024))


def stored(report) -> int:
    """Rows of a batch now in the store: new, updated or found unchanged."""
    return report.inserted + report.updated + report.unchanged


def rollback_choices(batches: pd.DataFrame) -> list[str]:
    """Committed batches of a kind the page can undo, in the order listed (newest first)."""
    return [b for b, k, s in zip(batches["batch_id"], batches["kind"], batches["status"])
            if s == "committed" and k in ROLLBACK_KINDS]


def withdraws(mode: str, codes: list[str]) -> bool:
    """Replacing the list of host States with no State withdraws every release of the records."""
    return mode == "replace" and not codes


def release_log(con, db_path: Path | str) -> pd.DataFrame:
    """The newest entries of the release log (releases.read), without their internal id."""
    return releases.read(con, db_path).head(SHOWN_ROWS).drop(columns=["entry_id"])
