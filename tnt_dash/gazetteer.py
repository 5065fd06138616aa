"""The gazetteer: which admin-1 area a name means, in a country, today.

It knows each current area's names (English, French), the other spellings ACLED, OCHA, ISO 3166-2
and users write (admin1_aliases), and the former units the reference held before (admin1_former)
with the current areas that replaced them (admin1_successors). A former unit with one successor
resolves to it; one that was split (Katanga, Orientale...) resolves to the successor containing
the record's coordinates, and without coordinates keeps its flagged former code, so a record is
never moved to a guessed province and never loses its place.

Every importer, the store's migration and `python -m tnt_dash geo resolve` resolve through here.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from .names import admin1_key

# How a name was matched, in the order a reader trusts them.
BY_NAME = "name"                  # a current area's own English or French name
BY_ALIAS = "alias"                # another spelling of a current area
BY_SUCCESSOR = "successor"        # a former unit's only successor, or the one holding the coordinates
BY_FORMER = "former"              # a split former unit and no coordinates to choose: its flagged code


@dataclass(frozen=True)
class Match:
    code: str
    iso3: str
    name_en: str
    name_fr: str
    spelling: str          # the name or alias that matched
    how: str
    former_code: str | None = None   # the former unit the spelling named, when it named one

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "iso3": self.iso3, "name_en": self.name_en, "name_fr": self.name_fr,
                "matched": self.spelling, "how": self.how, "former_code": self.former_code}


@dataclass(frozen=True)
class Candidate:
    code: str
    iso3: str
    name_en: str
    spelling: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "iso3": self.iso3, "name_en": self.name_en, "spelling": self.spelling,
                "score": round(self.score, 2)}


@dataclass
class Gazetteer:
    areas: dict[str, tuple[str, str, str, bool]]                 # code -> (iso3, name_en, name_fr, current)
    spellings: dict[tuple[str, str], tuple[str, str, str]]       # (iso3, key) -> (code, spelling, how)
    successors: dict[str, tuple[str, ...]]                       # former code -> current codes
    _con: duckdb.DuckDBPyConnection | None = None
    _outlines: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection) -> "Gazetteer":
        # `con` itself, not a cursor: a cursor is another connection, blind to the transaction a
        # caller (the store's geography refresh, an import) holds open on `con`.
        areas = {code: (iso3, en, fr, current) for code, iso3, en, fr, current in con.execute(
            "SELECT code, iso3, name_en, name_fr, current FROM admin1_named").fetchall()}
        spellings: dict[tuple[str, str], tuple[str, str, str]] = {}
        # Current names first: they win over an alias or a former unit spelled the same way
        # (Équateur and Kasaï-Oriental kept their names and codes when their provinces split).
        for code, iso3, en, fr in con.execute("SELECT code, iso3, name_en, name_fr FROM admin1").fetchall():
            for name in (en, fr):
                spellings.setdefault((iso3, admin1_key(name)), (code, name, BY_NAME))
        rows = con.execute("""SELECT a.code, n.iso3, a.alias FROM admin1_aliases a
                              JOIN admin1_named n ON n.code = a.code ORDER BY n.current DESC, a.code""").fetchall()
        rows += con.execute("SELECT code, iso3, name FROM admin1_former ORDER BY code").fetchall()
        for code, iso3, alias in rows:
            spellings.setdefault((iso3, admin1_key(alias)), (code, alias, BY_ALIAS))
        successors: dict[str, tuple[str, ...]] = {}
        for old, new in con.execute(
                "SELECT old_code, successor_code FROM admin1_successors ORDER BY old_code, successor_code").fetchall():
            successors[old] = successors.get(old, ()) + (new,)
        return cls(areas, spellings, successors, con)

    def lookup(self, iso3: str | None, name: Any, lat: float | None = None, lon: float | None = None) -> Match | None:
        """The area `name` means in country `iso3`, or None if no spelling matches."""
        text = str(name).strip() if name is not None else ""
        if not iso3 or not text:
            return None
        found = self.spellings.get((iso3, admin1_key(text)))
        if found is None:
            return None
        code, spelling, how = found
        return self._current(code, spelling, how, lat, lon)

    def lookup_anywhere(self, name: Any, lat: float | None = None, lon: float | None = None) -> list[Match]:
        """Every country's area that `name` means (one per country), for a name given without one."""
        key = admin1_key(name)
        countries = sorted({iso3 for (iso3, spelled) in self.spellings if spelled == key})
        return [m for m in (self.lookup(iso3, name, lat, lon) for iso3 in countries) if m is not None]

    def successors_of(self, code: str) -> tuple[str, ...]:
        return self.successors.get(code, ())

    def lookup_code(self, code: str, lat: float | None = None, lon: float | None = None) -> Match | None:
        """A code as a record carries it: a current code as is, a former one through its successors."""
        if code not in self.areas:
            return None
        iso3, en, _fr, _current = self.areas[code]
        return self._current(code, en, BY_NAME, lat, lon)

    def _current(self, code: str, spelling: str, how: str, lat, lon) -> Match:
        iso3, en, fr, current = self.areas[code]
        if current:
            return Match(code, iso3, en, fr, spelling, how)
        successors = self.successors.get(code, ())
        chosen = successors[0] if len(successors) == 1 else self._containing(successors, lat, lon)
        if chosen is None:
            return Match(code, iso3, en, fr, spelling, BY_FORMER, former_code=code)
        s_iso3, s_en, s_fr, _ = self.areas[chosen]
        return Match(chosen, s_iso3, s_en, s_fr, spelling, BY_SUCCESSOR, former_code=code)

    def _containing(self, codes: tuple[str, ...], lat, lon) -> str | None:
        if lat is None or lon is None or not codes:
            return None
        from shapely.geometry import Point, shape
        from shapely.prepared import prep
        missing = [c for c in codes if c not in self._outlines]
        if missing and self._con is not None:
            for code, geometry in self._con.execute(
                    "SELECT code, geometry FROM boundaries WHERE level = 'adm1' AND list_contains(?, code)",
                    [missing]).fetchall():
                self._outlines[code] = prep(shape(json.loads(geometry)))
        point = Point(float(lon), float(lat))
        inside = [c for c in codes if c in self._outlines and self._outlines[c].contains(point)]
        return inside[0] if len(inside) == 1 else None

    def suggest(self, name: Any, iso3: str | None = None, limit: int = 5) -> list[Candidate]:
        """The spellings nearest to `name` (in `iso3` if given), best first, one per area."""
        key = admin1_key(name)
        scored: dict[str, Candidate] = {}
        for (country, spelled_key), (code, spelling, _how) in self.spellings.items():
            if iso3 and country != iso3:
                continue
            score = difflib.SequenceMatcher(None, key, spelled_key).ratio()
            if score >= 0.5 and (code not in scored or score > scored[code].score):
                scored[code] = Candidate(code, country, self.areas[code][1], spelling, score)
        return sorted(scored.values(), key=lambda c: (-c.score, c.code))[:limit]


def remap_former_codes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Move records coded to a former unit to its current successor: the only one, or the one
    holding the record's coordinates. Records of a split unit without coordinates inside one
    successor keep their flagged former code. Returns counts {moved, kept}; the caller holds the
    transaction and refreshes the rollups."""
    gazetteer = Gazetteer.from_store(con)
    # A point placed at the former unit's centroid (precision 3) says nothing about which part of
    # it the record belongs to: such coordinates do not choose a successor.
    rows = con.execute("""SELECT incident_id, admin1_code,
                                 CASE WHEN geo_precision = 3 THEN NULL ELSE lat END,
                                 CASE WHEN geo_precision = 3 THEN NULL ELSE lon END FROM incidents
                          WHERE admin1_code IN (SELECT code FROM admin1_former)""").fetchall()
    moves = []
    for incident_id, code, lat, lon in rows:
        match = gazetteer.lookup_code(code, lat, lon)
        if match is not None and match.code != code:
            moves.append((incident_id, match.code))
    if moves:
        con.execute("CREATE OR REPLACE TEMP TABLE _admin1_moves (incident_id VARCHAR, admin1_code VARCHAR)")
        con.executemany("INSERT INTO _admin1_moves VALUES (?, ?)", moves)
        con.execute("""UPDATE incidents SET admin1_code = m.admin1_code
                       FROM _admin1_moves m WHERE incidents.incident_id = m.incident_id""")
        con.execute("DROP TABLE _admin1_moves")
    return {"moved": len(moves), "kept": len(rows) - len(moves)}
