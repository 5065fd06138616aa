"""The cyber-incident code lists (reference/cyber_*.csv): modus operandi, channel and reporting source,
with English and French labels and definitions. The importer validates against them, the page labels
with them. Small files, read once per process."""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from ..config import REFERENCE_DIR

LISTS = {"modus": "cyber_modus.csv", "channel": "cyber_channels.csv", "report_source": "cyber_report_sources.csv"}


@dataclass(frozen=True)
class Code:
    code: str
    label_en: str
    label_fr: str
    definition_en: str
    definition_fr: str
    source: str

    def label(self, lang: str) -> str:
        return self.label_fr if lang == "fr" else self.label_en

    def definition(self, lang: str) -> str:
        return self.definition_fr if lang == "fr" else self.definition_en


@functools.lru_cache(maxsize=None)
def codes(kind: str) -> tuple[Code, ...]:
    """The list `kind` ("modus", "channel" or "report_source") in file order."""
    try:
        name = LISTS[kind]
    except KeyError:
        raise ValueError(f"unknown cyber code list {kind!r}; expected one of {', '.join(LISTS)}") from None
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return tuple(Code(**row) for row in csv.DictReader(handle))


def labels(kind: str, lang: str) -> dict[str, str]:
    return {c.code: c.label(lang) for c in codes(kind)}


def lookup(kind: str) -> dict[str, str]:
    """Every accepted spelling (code, English or French label, case and accents as written, lower-cased)
    to its code: an import may name a code or its label in either language."""
    out = {}
    for c in codes(kind):
        for key in (c.code, c.label_en, c.label_fr):
            out[key.strip().lower()] = c.code
    return out
