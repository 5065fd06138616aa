"""The assessment: inputs, protection, scoring, rank ranges and sentences in one call, which the page,
the CLI (`python -m tnt_dash priorities`), the export view "priorities" and the weekly brief's top 5
(`top_threats`) all use, so they agree. This is the mission's analytic judgement, not a measurement."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .. import presented
from ..config import suppression_threshold
from ..scope import Scope
from ..suppression import COMPLEMENTARY_MARK, primary_mark
from . import records
from .explain import sentence, table
from .params import AREA_LEVELS, TOP_THREATS_WEEKS, Weights
from .risk import score, sensitivity

PUBLISHED = ("victims", "vulnerable")     # the victim counts a row publishes (vulnerable is part of victims)


@dataclass(frozen=True)
class Assessment:
    frame: pd.DataFrame       # one row per area × market, in rank order, with sentence and rank range
    start: date
    end: date
    level: str
    weights: Weights
    gitoc_imported: bool
    suppressed: bool          # small victim counts hidden for this profile and destination


def assess(con, scope: Scope, level: str = "adm1", weights: Weights = Weights(), explain: int | None = None,
           top: int | None = None, publish: int | None = None) -> Assessment:
    """Priority, its parts, rank, confidence, rank range under ±20 % weights, and a sentence per row.

    `explain` limits the sentences to the first rows (the rest get None): writing one costs more
    than scoring it, and a screen shows the top of the ranking only. None explains every row.
    `publish` gives victim counts (victims_shown, vulnerable_shown) to the first rows only, the
    rest None, for a screen that shows them for those rows alone (the priorities page, in its 100
    explained sentences). They are protected as a table of their own, the cautious reading, as
    with `top`.

    `top` returns the first rows only, for a caller that publishes nothing else (the brief's top 5).
    Ranks still count every row, and the small-count protection then covers those rows as a table
    of their own, taking their sums as published, which is the cautious reading."""
    if level not in AREA_LEVELS:
        raise ValueError(f"level must be one of {', '.join(AREA_LEVELS)}, not {level!r}")
    profile, destination = scope.profile, scope.destination
    raw = records.inputs(con, scope.filters, profile, scope.lang, level)
    # pandas deep-copies a frame's attrs on every operation: keep them aside while scoring.
    meta, raw.attrs = raw.attrs, {}
    suppress = scope.must_suppress
    # The victim counts as this profile may see them, for every row, carried through the scoring
    # beside the counts it scores.
    shown = presented.protect_victims(raw, profile, destination, part="vulnerable") if len(raw) else raw
    raw = raw.assign(**{f"{c}_shown": shown[c].to_numpy() if len(raw) else [] for c in PUBLISHED})
    if suppress and len(raw):
        # Scored on the counts as published: the harm factor of a row scored on hidden counts gave
        # them back (a leak audit recovered all 161 hidden cells of a shared view from the first
        # model's harm; docs/priority.md).
        raw = raw.assign(**{c: published_counts(shown[c], suppression_threshold()) for c in PUBLISHED})
    scored = score(raw, weights, protected=suppress)
    n = len(scored)
    # The rank ranges of the rows kept only (`top`), each still ranked against every row.
    ranges = sensitivity(scored, weights, rows=None if top is None else max(0, top))
    if top is not None:
        scored = scored.head(max(0, top)).copy()
    scored["rank_min"], scored["rank_max"] = ranges["rank_min"], ranges["rank_max"]
    if publish is not None:
        # Counts for the first rows only: a screen that shows them there alone.
        for column in PUBLISHED:
            scored[f"{column}_shown"] = scored[f"{column}_shown"].astype(object).where(
                np.arange(len(scored)) < max(0, publish), None)
    t = scope.t
    explained = scored if explain is None else scored.head(max(0, explain))
    # (to_dict of no rows still walks every column: the brief explains none of its five.)
    rows = explained.to_dict("records") if len(explained) else []
    scored["sentence"] = [sentence(t, row, n, meta["gitoc_imported"]) for row in rows] \
        + [None] * (len(scored) - len(explained))
    scored.attrs = {}   # dates in attrs cannot go to Arrow; the Assessment carries them
    return Assessment(frame=scored, start=meta["start"], end=meta["end"], level=level, weights=weights,
                      gitoc_imported=meta["gitoc_imported"], suppressed=suppress)


def published_counts(shown, k: int) -> np.ndarray:
    """Counts for scoring that say no more than the protected table: a shown count as it is, a
    "<k" cell as k/2 and an "x" cell (k or more, hidden so that a "<k" cannot be worked out) as k."""
    primary = primary_mark(k)
    return np.array([k / 2 if v == primary else float(k) if v == COMPLEMENTARY_MARK else float(v)
                     for v in shown], dtype=float)


def top_threats(con, scope: Scope, end: date, n: int = 5, weights: Weights = Weights()) -> pd.DataFrame:
    """The weekly brief's top `n`: admin-1 × market scored over the 16 weeks ending on `end`, cyber
    threats at the level where they exist (their country, or transnational / online).

    Keeps the brief's columns: incidents_4w (last 4 weeks) and incidents_prior (the 12 before)."""
    window = scope.filters.with_dates(end - timedelta(weeks=TOP_THREATS_WEEKS) + timedelta(days=1), end)
    result = assess(con, scope.with_filters(window).to("export"), "adm1", weights, explain=0, top=n)
    top = result.frame.rename(columns={"area": "admin1_code", "recent_4w": "incidents_4w",
                                       "prior": "incidents_prior"})
    return top.reset_index(drop=True)


def view(con, scope: Scope, level: str = "adm1", weights: Weights = Weights()) -> presented.View:
    t = scope.t
    result = assess(con, scope, level, weights)
    return presented.View("priorities", t.gettext("Threat priorities (analytic judgement of the mission, not a "
                                                  "measurement)"), table(result, t))
