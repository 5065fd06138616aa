"""What the user configures for capacity building: the assessment criteria and the budget lines
(CSV files under tnt_dash/reference/), read and checked before anything uses them."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .definitions import AREAS, BUDGET_CSV, CRITERIA_CSV


class ConfigError(ValueError):
    """A configuration file (criteria, budget) that the user edited cannot be read."""


def _read_config(path: Path, required: tuple[str, ...], numeric: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ConfigError(f"{path.name}: missing column(s) {', '.join(missing)}")
    if frame["code"].duplicated().any():
        raise ConfigError(f"{path.name}: duplicate code(s) {', '.join(frame.loc[frame['code'].duplicated(), 'code'])}")
    for column in numeric:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[values.isna() | (values < 0), "code"].tolist()
        if bad:
            raise ConfigError(f"{path.name}: {column} must be a number ≥ 0 (rows {', '.join(bad)})")
        frame[column] = values.astype(float)
    return frame


def load_criteria(path: Path | None = None) -> pd.DataFrame:
    """The assessment criteria the user defines: code, area (pki | crime_intel), labels, max_score."""
    path = Path(path or CRITERIA_CSV)
    frame = _read_config(path, ("code", "area", "label_en", "label_fr", "max_score"), ("max_score",))
    bad = sorted(set(frame["area"]) - set(AREAS))
    if bad:
        raise ConfigError(f"{path.name}: area must be one of {', '.join(AREAS)} (got {', '.join(bad)})")
    if (frame["max_score"] <= 0).any():
        raise ConfigError(f"{path.name}: max_score must be above 0")
    return frame


def load_budget(path: Path | None = None) -> pd.DataFrame:
    """The budget by line, as configured: code, labels, amount_usd."""
    return _read_config(Path(path or BUDGET_CSV), ("code", "label_en", "label_fr", "amount_usd"), ("amount_usd",))
