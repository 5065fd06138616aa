"""The whole brief for one ISO week under one access profile: every number the page, the slides,
the PDF, the workbook and the CLI show, computed once so they cannot disagree.

Each part (key figures, changes, anomalies, priorities, victims, incidents, notes) is its own module;
`weekly_brief` runs them side by side and gathers them in a `Brief`. The brief ignores the date
filter of the sidebar: the week, and the baselines before it, decide the dates. Victim counts are
suppressed for profiles that require it (Profile.must_suppress), and a suppressed key figure carries
no change; incident counts are not victim counts and are shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

import pandas as pd

from .. import presented, queries
from ..capacity.queries import SCOPE_FIELDS
from ..capacity.tables import parity_summary
from ..filters import reads_only
from ..i18n import I18n
from ..parallel import run_parts
from ..scope import Scope
from ..suppression import OTHER_KEY
from .anomalies import flagged
from .changes import area_market_changes
from .definitions import LEVELS
from .incidents import hotspots, notable
from .kpis import key_figures
from .notes import Notes, for_brief
from .priorities import priority_sentence, top_threats
from .summary import sentences
from .victims import by_sex_and_age
from .weeks import iso_week


@dataclass(frozen=True)
class Brief:
    week: date                   # Monday of the ISO week
    level: str                   # 'adm1' | 'country'
    lang: str
    destination: str             # 'screen' | 'export'
    suppressed: bool             # small victim counts are hidden for this profile and destination
    kpis: pd.DataFrame           # kpi, value, previous, change_prev, baseline_mean, change_4w
    weekly: pd.DataFrame         # week, incidents for the 13 weeks ending on the week
    changes: pd.DataFrame        # area, area_label, market, market_label, week_count, mean_4w, change_4w, ...
    anomalies: pd.DataFrame      # admin1_code, area_label, market, market_label, observed, expected, p, q, model, sentence
    anomaly_tests: int           # how many series had enough data to be tested
    priorities: pd.DataFrame     # rank, area_label, market_label, incidents_4w, incidents_prior, trend, score
    incidents: pd.DataFrame      # queries.incident_list for the week, highest harm first (no victim
                                 # counts where suppressed: incidents.notable)
    victims: pd.DataFrame        # market, market_label, women..unknown, victims; total row last (protected)
    victims_withheld: bool       # the breakdown could not be published safely
    hotspots: pd.DataFrame       # queries.admin1_totals for the week (protected)
    summary: list[str] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)   # capacity building: gender parity
    victims_grouped: int = 0     # markets grouped into one OTHER_KEY row so the rest could be shown
    notes: Notes = field(default_factory=Notes)   # the analyst's judgements (notes.py); none on a shared screen
    notes_by: dict | None = None                  # who wrote them, when
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)   # notes.follow_up
    suppressed_notes: bool = False                # a host State's brief: notes are not part of it

    def victims_grouped_row(self) -> int | None:
        """The position of the "Other markets (n)" row in `victims`, None when nothing was grouped."""
        return self.victims["market"].tolist().index(OTHER_KEY) if self.victims_grouped else None

    def victims_grouped_note(self, t: I18n) -> str | None:
        """Why the victims table has an "Other markets (n)" row, for the page and the exports."""
        if not self.victims_grouped:
            return None
        other = self.victims["market_label"].iloc[self.victims_grouped_row()]
        return presented.grouped_note(t, self.victims_grouped, other)

    def summary_beside_priorities(self, t: I18n) -> list[str]:
        """The summary without its closing priority sentence, for a screen that shows the
        priority table right beside it."""
        sentence = priority_sentence(t, self.priorities)
        return [line for line in self.summary if line != sentence]

    @property
    def week_label(self) -> str:
        return iso_week(self.week)


@reads_only(*SCOPE_FIELDS)
def appendix(con, scope: Scope, week: date) -> list[str]:
    """The capacity-building appendix: gender parity over the 52 weeks to the week. It reads only
    the period and missions, so the page caches it apart from the brief: a market change leaves it."""
    week = queries.week_start(week)
    year = scope.filters.with_dates(week - timedelta(days=364), week + timedelta(days=6))
    return [parity_summary(con, scope.with_filters(year))["sentence"]]


def weekly_brief(con, scope: Scope, week: date, level: str = "adm1", with_appendix: bool = True) -> Brief:
    """Everything the brief shows for the ISO week starting on (or containing) `week`.

    with_appendix=False leaves the appendix empty, for the page, which reads `appendix()` apart."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    week = queries.week_start(week)
    suppress = scope.must_suppress
    scope = scope.with_filters(scope.filters.with_dates(None, None))
    # The parts are independent: tnt_dash/parallel.py runs them two at a time.
    done = run_parts({
        "kpis": partial(key_figures, con, scope, week),
        "priorities": partial(top_threats, con, scope, week),
        "changes": partial(area_market_changes, con, scope, week, level),
        "anomalies": partial(flagged, con, scope, week),
        "victims": partial(by_sex_and_age, con, scope, week),
        "hotspots": partial(hotspots, con, scope, week),
        "notable": partial(notable, con, scope, week),
        **({"appendix": partial(appendix, con, scope, week)} if with_appendix else {}),
        "notes": partial(for_brief, con, scope.filters, scope.profile, week),
    })
    (kpis, weekly), (anomalies, tests), (victims, withheld, grouped) = done["kpis"], done["anomalies"], done["victims"]
    changes, priorities = done["changes"], done["priorities"]
    parts = dict(week=week, level=level, kpis=kpis, changes=changes, anomalies=anomalies, anomaly_tests=tests,
                 priorities=priorities, suppressed=suppress)
    summary = sentences(con, scope, parts)
    return Brief(appendix=done.get("appendix", []), week=week, level=level, lang=scope.lang,
                 destination=scope.destination,
                 suppressed=suppress, kpis=kpis, weekly=weekly, changes=changes, anomalies=anomalies,
                 anomaly_tests=tests, priorities=priorities, incidents=done["notable"], victims=victims,
                 victims_withheld=withheld, victims_grouped=grouped, hotspots=done["hotspots"], summary=summary,
                 notes=done["notes"][0], notes_by=done["notes"][1], decisions=done["notes"][2],
                 suppressed_notes=scope.profile.releasable_to_host_state)
