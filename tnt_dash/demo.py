"""Deterministic synthetic demonstration data. NOTHING HERE IS REAL.

One module though long: the main draw and its post-passes share one plan and one scheme of random streams
(spawn keys), so that the same (rows, seed, end) gives the same store; a new pass picks its stream beside the others.

The structure is grounded in public facts (real admin-1 units and centroids, corridors
along real borders, market mixes that reflect public reporting on each host territory)
but every incident, count, actor and narrative is invented.

Determinism: the same (rows, seed, end) gives the same store. Each block of weeks draws
from its own random stream derived from (seed, block index), so the output does not
depend on how much was generated before, and the generator streams block by block,
never holding more than one block in memory (10 million rows fit in a few hundred MB).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from . import scenario
from .store import set_meta

DEMO_NOTICE = "Synthetic demonstration data"
YEARS = 3.5
WEEKS_PER_BLOCK = 13

# The world the data describe (territories, market mixes, hotspots, routes, actors, subtypes,
# grades, markings, seasons, arrests by sex) is the scenario in reference/scenario/, each row with
# its public source (scenario.py, SOURCES.md). What stays here is how records are drawn from it.

# Victims by market: (share of incidents with any victim, mean victims when there are any, split
# over (female, male) x (child, adult) before recording gaps; order fc, fa, mc, ma). Smuggled
# migrants are not victims of the smuggling (Smuggling of Migrants Protocol): only aggravated
# smuggling (endangerment, inhuman treatment) records victims.
VICTIMS = {
    "human_trafficking": (0.97, 3.3, (0.28, 0.36, 0.14, 0.22)),
    "migrant_smuggling": (0.06, 2.5, (0.06, 0.22, 0.12, 0.60)),
    "kidnapping_for_ransom": (0.85, 1.9, (0.12, 0.28, 0.12, 0.48)),
    "sextortion": (0.75, 1.6, (0.42, 0.22, 0.24, 0.12)),
    "online_child_sexual_exploitation": (0.8, 1.9, (0.68, 0.0, 0.32, 0.0)),
    "online_fraud": (0.9, 2.7, (0.02, 0.46, 0.02, 0.50)),
    "extortion": (0.6, 1.6, (0.02, 0.38, 0.02, 0.58)),
    "cattle_rustling": (0.5, 1.6, (0.05, 0.15, 0.20, 0.60)),
    "arms_trafficking": (0.3, 1.3, (0.1, 0.2, 0.15, 0.55)),
    "illicit_mining": (0.4, 1.5, (0.18, 0.22, 0.25, 0.35)),
    "ransomware": (0.25, 1.2, (0.0, 0.5, 0.0, 0.5)),
}
OTHER_VICTIMS = (0.05, 1.0, (0.25, 0.25, 0.25, 0.25))
# Persons smuggled per migrant-smuggling incident (a vehicle or a boat: mean about 9) and their split
# over (girls, women, boys, men); about 8 % recorded with sex or age unknown. Invented shares, in the
# direction IOM's flow monitoring reports on the Eastern Route and into Cyprus: mostly young men.
SMUGGLED_MEAN = 9.0
SMUGGLED_SPLIT = (0.04, 0.16, 0.10, 0.70)
SMUGGLED_UNRECORDED = 0.08
# Mean fatalities per incident; markets not listed 0.03, cyber-enabled and cyber-dependent ones none.
FATALITY_RATE = {"arms_trafficking": 0.6, "cattle_rustling": 0.9, "kidnapping_for_ransom": 0.35,
                 "extortion": 0.2, "illicit_mining": 0.25, "migrant_smuggling": 0.02}
ARRESTS_PER_INCIDENT = 0.9
SOURCE_TYPES = ["UNPOL patrol", "Host-State police report", "Community alert network", "Open source",
                "Partner agency", "Human source"]
# Who reports each kind of source, and how often the mission releases such a report to the host
# State (docs/access.md): a host-State report goes back to its State by right; UNPOL's own patrols are
# often shared, community-alert and open-source items sometimes; partner agencies' reports rarely
# (their originator must agree); human-source reporting never (it could expose the source).
ORIGINATOR = {"UNPOL patrol": "unpol", "Host-State police report": "host_state",
              "Community alert network": "un_other", "Open source": "open_source",
              "Partner agency": "partner", "Human source": "unpol"}
RELEASE_RATE = {"UNPOL patrol": 0.55, "Host-State police report": 0.0, "Community alert network": 0.35,
                "Open source": 0.7, "Partner agency": 0.05, "Human source": 0.0}
GRADES = ["A", "B", "C", "D", "E", "F"]
HUMAN_SOURCES = 900          # HS-0001 ... HS-0899: each keeps one reliability grade, its own record
RESTRICTED_TLP = ["TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]


@dataclass(frozen=True)
class Spike:
    iso3: str
    admin1_name: str
    market: str
    weeks_ago: int   # 1 = the last complete week
    extra: int


# Planted spikes that anomaly detection must find (the weekly brief's anomalies).
SPIKES = [
    Spike("CAF", "Haut-Mbomou", "arms_trafficking", 1, 16),
    Spike("HTI", "Artibonite", "kidnapping_for_ransom", 1, 14),
    Spike("COD", "Nord-Kivu", "human_trafficking", 6, 15),
    Spike("SSD", "Jonglei", "cattle_rustling", 20, 18),
]


def default_end(today: date | None = None) -> date:
    """The Sunday that ends the current ISO week: data runs 'up to the current week'."""
    today = today or date.today()
    return today + timedelta(days=6 - today.weekday())


def generate(con: duckdb.DuckDBPyConnection, rows: int = 50_000, seed: int = 7, end: date | None = None,
             progress=None) -> int:
    """Write about `rows` synthetic incidents into an initialised store; returns the count written."""
    end = end or default_end()
    n_weeks = int(round(YEARS * 52))
    first_monday = end - timedelta(days=end.weekday()) - timedelta(weeks=n_weeks - 1)
    ref = _reference(con)
    plan = _plan(ref, rows, n_weeks, seed, first_monday, end)
    con.execute(
        "INSERT INTO import_batches (batch_id, kind, file_name, sha256, created_at, created_by, rows_read, inserted,"
        " updated, unchanged, quarantined, status) VALUES (?, 'demo', NULL, NULL, now()::TIMESTAMP, 'demo generator',"
        " NULL, NULL, NULL, NULL, 0, 'committed')", [f"demo-{seed}"])
    written = 0
    for block_start in range(0, n_weeks, WEEKS_PER_BLOCK):
        block_weeks = range(block_start, min(block_start + WEEKS_PER_BLOCK, n_weeks))
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block_start,)))
        frame = _block(rng, plan, ref, block_weeks, first_monday, n_weeks, end, written)
        if len(frame):
            _insert(con, frame, seed)
        written += len(frame)
        if progress:
            progress(written)
    con.execute("UPDATE import_batches SET rows_read = ?, inserted = ?, updated = 0, unchanged = 0 WHERE batch_id = ?",
                [written, written, f"demo-{seed}"])
    _persons_smuggled(con, seed)
    _trafficking_detail(con, seed, end)
    _cyber_details(con, seed)
    spikes = [
        {"iso3": s.iso3, "admin1_code": plan.spike_cells[i][0], "market": s.market,
         "week": (first_monday + timedelta(weeks=n_weeks - 1 - s.weeks_ago)).isoformat(), "extra": s.extra}
        for i, s in enumerate(SPIKES) if plan.spike_cells[i] is not None
    ]
    set_meta(con, dataset="synthetic-demo", notice=DEMO_NOTICE, seed=seed, rows_requested=rows,
             data_start=first_monday.isoformat(), data_end=end.isoformat(),
             planted_spikes=json.dumps(spikes))
    return written


@dataclass
class _Plan:
    cells: pd.DataFrame          # one row per (iso3, admin1, market) with its weekly base rate
    spike_cells: list            # per SPIKES entry: (admin1_code, cell index) or None
    units: dict                  # admin1_code -> (sex-recording gap, age-recording gap, degrades)
    routes: dict                 # per cell: route slots (origin, transit, destination, crossing) and their cum. probs
    actors: dict                 # per (cell, year): actor slots (None = no known actor) and cum. probs
    subtypes: dict               # per cell: subtype slots (index into `subtype_table`) and cum. probs
    subtype_table: pd.DataFrame  # subtype, seizure_commodity, seizure_unit, median_quantity, usd_per_unit, probability
    first_year: int
    sources: dict                # source-type shares, reliability by type, credibility, markings, human grades


def _persons_smuggled(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """Persons smuggled in each migrant-smuggling incident, in their own columns (never victims).
    Drawn from a stream of their own, so every other column is exactly what it was without them."""
    ids = [i for (i,) in con.execute("SELECT incident_id FROM incidents WHERE market = 'migrant_smuggling' "
                                     "AND batch_id = ? ORDER BY incident_id", [f"demo-{seed}"]).fetchall()]
    if not ids:
        return
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(10**6,)))
    total = 1 + rng.negative_binomial(2, 2 / (2 + SMUGGLED_MEAN - 1), len(ids))
    known = rng.binomial(total, 1 - SMUGGLED_UNRECORDED)
    cells = np.array([rng.multinomial(k, SMUGGLED_SPLIT) for k in known])
    frame = pd.DataFrame({"incident_id": ids, "smuggled_female_child": cells[:, 0], "smuggled_female_adult": cells[:, 1],
                          "smuggled_male_child": cells[:, 2], "smuggled_male_adult": cells[:, 3],
                          "smuggled_unknown_unknown": total - known})
    con.register("_smuggled", frame)
    try:
        con.execute("""UPDATE incidents SET smuggled_female_child = s.smuggled_female_child,
                              smuggled_female_adult = s.smuggled_female_adult, smuggled_male_child = s.smuggled_male_child,
                              smuggled_male_adult = s.smuggled_male_adult, smuggled_unknown_unknown = s.smuggled_unknown_unknown
                       FROM _smuggled s WHERE incidents.incident_id = s.incident_id""")
    finally:
        con.unregister("_smuggled")


# Trafficking detail, drawn in a post-pass with its own stream (spawn key 1000001), so
# every other column stays exactly as it was. Shares are set to read like UNODC GLOTIP's regional
# profiles: in sub-Saharan Africa mostly forced labour and sexual exploitation, mostly domestic
# victims, armed groups recruiting children in the conflict areas; forced marriage in South Sudan;
# Cyprus's detected victims mostly foreign women in sexual exploitation or forced labour; Kosovo's
# mostly domestic, in sexual exploitation and begging. Order: victim_detail.FORMS, then not recorded.
DEMO_FORMS = ("sexual_exploitation", "forced_labour", "forced_criminal_activity", "forced_marriage", "begging",
              "organ_removal", "child_soldiers", "mixed", "other", None)
FORM_SHARES = {
    "COD": (.22, .30, .03, .08, .03, .0, .14, .06, .02, .12), "CAF": (.20, .28, .03, .10, .03, .0, .16, .06, .02, .12),
    "SSD": (.15, .25, .02, .20, .02, .0, .16, .06, .02, .12), "SOM": (.18, .30, .02, .12, .05, .005, .14, .06, .02, .105),
    "HTI": (.25, .35, .10, .02, .05, .0, .05, .06, .02, .10), "CYP": (.50, .35, .02, .02, .01, .0, .0, .03, .02, .05),
    "XKX": (.55, .15, .03, .05, .10, .0, .0, .04, .02, .06),
}
FORM_SHARES_OTHER = (.30, .35, .03, .05, .04, .0, .05, .06, .02, .10)
# (domestic, foreign, unknown) shares of the victims, and the foreign victims' usual citizenships.
CITIZENSHIP = {"COD": (.80, .08, .12), "CAF": (.70, .15, .15), "SSD": (.70, .15, .15), "SOM": (.55, .30, .15),
               "HTI": (.85, .05, .10), "CYP": (.10, .82, .08), "XKX": (.70, .22, .08)}
FOREIGN_FROM = {"COD": ("RWA", "UGA", "BDI", "CAF", "SSD"), "CAF": ("TCD", "SDN", "CMR", "COD"),
                "SSD": ("SDN", "UGA", "ETH", "KEN", "COD"), "SOM": ("ETH", "KEN", "YEM"), "HTI": ("DOM", "VEN"),
                "CYP": ("NGA", "CMR", "NPL", "VNM", "SYR", "UKR", "PHL"), "XKX": ("ALB", "MKD", "SRB", "MDA", "UKR")}
REFERRAL = (0.50, 0.20, 0.06, 0.24)   # referred, not referred, declined, not recorded
CONFLICT_AREAS = ("CAF", "COD", "SSD", "SOM", "HTI")
OFFENDER_AGE = (0.05, 0.80, 0.15)     # child, adult, not recorded
PROSECUTED, CONVICTED = 0.5, 0.45      # of those arrested, of those prosecuted


def _trafficking_detail(con: duckdb.DuckDBPyConnection, seed: int, end: date) -> None:
    """Form of exploitation, citizenship and referral of trafficking victims, the CRSV/MARA and MRM
    flags, and trafficking offenders through the chain (arrested, prosecuted, convicted)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1_000_001,)))
    child = "v_female_child + v_male_child + v_unknown_child"
    victims = " + ".join(f"v_{s}_{a}" for s in ("female", "male", "unknown") for a in ("child", "adult", "unknown"))
    rows = con.execute(f"""
        SELECT incident_id, market, coalesce(iso3, ''), date_occurred, {victims}, {child},
               v_female_child + v_female_adult + v_female_unknown, fatalities,
               arrests_female, arrests_male, arrests_unknown
        FROM incidents WHERE batch_id = ? AND market IN ('human_trafficking', 'kidnapping_for_ransom')
        ORDER BY incident_id""", [f"demo-{seed}"]).fetchall()
    if not rows:
        return
    ids, market, iso3, occurred, n_victims, n_child, n_female, fatal, af, am, au = map(list, zip(*rows))
    n = len(ids)
    ht = np.array([m == "human_trafficking" for m in market])
    n_victims, n_child, n_female = (np.array(x, dtype=np.int64) for x in (n_victims, n_child, n_female))
    u = rng.random((n, 8))
    form = [DEMO_FORMS[int(np.searchsorted(np.cumsum(FORM_SHARES.get(c, FORM_SHARES_OTHER)), x * 0.99999))]
            if h and v > 0 else None for c, h, v, x in zip(iso3, ht, n_victims, u[:, 0])]
    citizen = np.array([rng.multinomial(v, CITIZENSHIP.get(c, (.6, .25, .15))) if h else (0, 0, 0)
                        for c, h, v in zip(iso3, ht, n_victims)])
    foreign_from = [";".join(sorted(set(rng.choice(FOREIGN_FROM.get(c, ("XXX",)), size=1 + int(x < 0.3)).tolist())))
                    if f > 0 and c in FOREIGN_FROM else None for c, f, x in zip(iso3, citizen[:, 1], u[:, 1])]
    referral = np.array([rng.multinomial(v, REFERRAL) if h else (0, 0, 0, 0) for h, v in zip(ht, n_victims)])
    conflict = np.array([c in CONFLICT_AREAS for c in iso3])
    crsv = conflict & (n_female > 0) & np.where(ht, np.array([f == "sexual_exploitation" for f in form]) & (u[:, 2] < 0.45),
                                                u[:, 2] < 0.08)
    grave = []
    for i in range(n):
        found = []
        if conflict[i] and n_child[i] > 0:
            if form[i] == "child_soldiers" and u[i, 3] < 0.9:
                found.append("recruitment")
            # Kidnapping for ransom is often by criminal gangs, not parties to the conflict: only
            # some of it is an abduction for the MRM.
            if (not ht[i] and u[i, 4] < 0.3) or (ht[i] and u[i, 4] < 0.15):
                found.append("abduction")
            if ht[i] and form[i] == "sexual_exploitation" and u[i, 5] < 0.5:
                found.append("sexual_violence")
            if fatal[i] > 0 and u[i, 6] < 0.3:
                found.append("killing_maiming")
        grave.append(";".join(sorted(found)) or None)
    detail = pd.DataFrame({
        "incident_id": ids, "exploitation_form": form, "victims_domestic": citizen[:, 0],
        "victims_foreign": citizen[:, 1], "victim_citizenships": foreign_from, "victims_referred": referral[:, 0],
        "victims_not_referred": referral[:, 1], "victims_declined_referral": referral[:, 2], "crsv_referred": crsv,
        "grave_violations": grave})
    con.register("_detail", detail)
    try:
        con.execute("""UPDATE incidents SET exploitation_form = d.exploitation_form, victims_domestic = d.victims_domestic,
                              victims_foreign = d.victims_foreign, victim_citizenships = d.victim_citizenships,
                              victims_referred = d.victims_referred, victims_not_referred = d.victims_not_referred,
                              victims_declined_referral = d.victims_declined_referral, crsv_referred = d.crsv_referred,
                              grave_violations = d.grave_violations
                       FROM _detail d WHERE incidents.incident_id = d.incident_id""")
    finally:
        con.unregister("_detail")
    _offenders(con, rng, seed, end, [(i, d, (f, m, x)) for i, d, f, m, x, h in zip(ids, occurred, af, am, au, ht)
                                     if h and f + m + x > 0])


def _offenders(con, rng, seed: int, end: date, arrested: list) -> None:
    """Trafficking offenders by stage, sex and age: those arrested (the incident's arrests by sex, an
    age drawn), some prosecuted weeks later, some convicted months or years later; a stage whose
    date falls after the data's end has not happened yet."""
    out = []
    for incident_id, occurred, by_sex in arrested:
        arrest_day = occurred + timedelta(days=int(rng.integers(0, 15)))
        charge_day = arrest_day + timedelta(days=int(rng.integers(30, 181)))
        verdict_day = charge_day + timedelta(days=int(rng.integers(150, 731)))
        for sex, count in zip(("female", "male", "unknown"), by_sex):
            for age, held in zip(("child", "adult", "unknown"), rng.multinomial(count, OFFENDER_AGE)):
                charged = int(rng.binomial(held, PROSECUTED))
                convicted = int(rng.binomial(charged, CONVICTED))
                for stage, persons, day in (("arrested", held, arrest_day), ("prosecuted", charged, charge_day),
                                            ("convicted", convicted, verdict_day)):
                    if persons and day <= end:
                        out.append((incident_id, stage, sex, age, int(persons), day, f"demo-{seed}"))
    if not out:
        return
    frame = pd.DataFrame(out, columns=["incident_id", "stage", "sex", "age", "persons", "stage_date", "batch_id"])
    con.register("_offenders", frame)
    try:
        con.execute("INSERT INTO offenders BY NAME SELECT * FROM _offenders")
    finally:
        con.unregister("_offenders")


def _cyber_details(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """Modus operandi, channel, losses, victims' area of residence, offenders' country, reporting source,
    TF-GBV flag and trafficking link of the cyber incidents (cyber/synthetic.py), from a stream of their
    own: every other column stays exactly what it was without them."""
    from .cyber import synthetic
    batch = f"demo-{seed}"
    frame = con.execute(f"""SELECT incident_id, iso3, market, subtype, date_occurred,
                                   v_female_child + v_female_adult + v_female_unknown AS female_victims
                            FROM incidents WHERE batch_id = ? AND market IN {synthetic.CYBER_MARKETS}
                            ORDER BY incident_id""", [batch]).df()
    if frame.empty:
        return
    admin1 = con.execute("SELECT code, iso3 FROM admin1 ORDER BY code").df()
    trafficking = con.execute("""SELECT incident_id, iso3, date_occurred FROM incidents
                                 WHERE batch_id = ? AND market = 'human_trafficking' ORDER BY incident_id""",
                              [batch]).df()
    con.register("_cyber", synthetic.draw(frame, admin1, trafficking, seed))
    try:
        con.execute("""UPDATE incidents SET cyber_modus = c.cyber_modus, cyber_channel = c.cyber_channel,
                              cyber_loss_usd = c.cyber_loss_usd, residence_admin1_code = c.residence_admin1_code,
                              offender_iso3 = c.offender_iso3, cyber_report_source = c.cyber_report_source,
                              tfgbv = c.tfgbv, linked_trafficking_id = c.linked_trafficking_id,
                              cyber_account_ref = c.cyber_account_ref
                       FROM _cyber c WHERE incidents.incident_id = c.incident_id""")
    finally:
        con.unregister("_cyber")


def _reference(con) -> dict:
    def frame(sql):
        return con.execute(sql).df()
    return {
        "admin1": frame("SELECT code, iso3, name_en || ' / ' || name_fr AS name_en, lat, lon FROM admin1 ORDER BY code"),
        "markets": frame("SELECT code, family, cyber FROM markets ORDER BY code"),
        "crossings": frame("SELECT code, iso3_a, iso3_b, lat, lon FROM border_crossings ORDER BY code"),
        "actors": frame("SELECT actor_id FROM actors ORDER BY actor_id")["actor_id"].tolist(),
        "population": dict(con.execute("SELECT iso3, population FROM countries").fetchall()),
    }


def _slots(options: list[list], probs: list[list]) -> tuple[np.ndarray, np.ndarray]:
    """Pad per-key option lists into (values, cumulative probabilities) arrays for _draw."""
    width = max(1, max((len(o) for o in options), default=1))
    values = np.full((len(options), width), None, dtype=object)
    cum = np.ones((len(options), width))
    for i, (opts, p) in enumerate(zip(options, probs)):
        if not opts:
            continue
        p = np.asarray(p, dtype=float)
        values[i, :len(opts)] = opts
        cum[i, :len(opts)] = np.cumsum(p / p.sum())
        cum[i, len(opts) - 1:] = 1.0
    return values, cum


def _draw(rng, cum: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """One slot per row, drawn from the row's key's cumulative probabilities (vectorised)."""
    u = rng.random(len(keys))
    return np.minimum((u[:, None] >= cum[keys]).sum(axis=1), cum.shape[1] - 1)


def _plan(ref: dict, rows: int, n_weeks: int, seed: int, first_monday: date, end: date) -> _Plan:
    """Fixed per-cell base rates and choices, so the weekly series have stable structure plus noise."""
    world = scenario.load()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(10**6,)))
    admin1 = ref["admin1"]
    markets = ref["markets"].set_index("code")
    mix = world.market_mix
    records = []
    units = {}
    for iso3 in dict.fromkeys(mix.iso3):
        here = mix[mix.iso3 == iso3]
        mission, share = here.mission.iloc[0], float(here.territory_share.iloc[0])
        units_here = admin1[admin1.iso3 == iso3]
        if units_here.empty:
            raise ValueError(f"reference data has no admin-1 units for {iso3}")
        # Trafficking in persons is set from the scenario's victims per 100,000 a year (at the app's
        # store size), the other markets share the rest in their scenario proportions.
        rate = world.rates.set_index("iso3").victims_per_100k.astype(float).get(iso3, 0.0)
        p_any, mean_any, _ = VICTIMS["human_trafficking"]
        trafficking = (rate / 1e5 * ref["population"].get(iso3, 0) * YEARS
                       / (scenario.DEFAULT_ROWS * share * p_any * mean_any))
        others = here[here.market != "human_trafficking"]
        other_total = others.weight.astype(float).sum()
        for row in here.itertuples():
            market = row.market
            if market not in markets.index:
                raise ValueError(f"scenario market {market!r} is missing from reference markets.csv")
            weight = trafficking if market == "human_trafficking" else float(row.weight) / other_total * (1 - trafficking)
            cyber = markets.loc[market, "cyber"] != "none"
            drift = rng.normal(0.0, 0.25)          # undocumented drift over the whole period
            amplitude, peak_week = world.season(iso3, market)
            # Cyber-enabled incidents are reported by the mission but not tied to a place.
            if cyber:
                targets = [(None, 1.0)]
            else:
                w = world.hotspot_weights(iso3, market, units_here.code.tolist())
                targets = [(c, x) for c, x in zip(units_here.code, w / w.sum()) if x > 0]
            for code, unit_weight in targets:
                base = rows * share * weight * unit_weight / n_weeks
                documented = world.trend(iso3, market, code)    # relative change over the whole period
                trend = drift if documented is None else documented
                records.append((iso3, mission, code, market, markets.loc[market, "family"], cyber, base, trend,
                                amplitude, peak_week - 13, float(row.cross_border), float(row.actor_known)))
        for code in units_here.code:
            poor = rng.random() < 0.2
            units[code] = (rng.uniform(0.3, 0.6) if poor else rng.uniform(0.0, 0.08),
                           rng.uniform(0.3, 0.6) if poor else rng.uniform(0.0, 0.1),
                           rng.random() < 0.1)
    cells = pd.DataFrame(records, columns=["iso3", "mission", "admin1_code", "market", "family", "cyber", "base",
                                           "trend", "amplitude", "phase", "cross_share", "actor_known"])
    spike_cells = []
    names = admin1.set_index("code").name_en
    for spike in SPIKES:
        match = cells[(cells.iso3 == spike.iso3) & (cells.market == spike.market) & cells.admin1_code.notna()]
        match = match[match.admin1_code.map(lambda c: spike.admin1_name.lower() in names[c].lower())]
        spike_cells.append((match.admin1_code.iloc[0], int(match.index[0])) if len(match) else None)
    first_year = first_monday.year
    return _Plan(cells, spike_cells, units, _route_plan(world, ref, cells),
                 _actor_plan(world, cells, range(first_year, end.year + 1)), *_subtype_plan(world, cells),
                 first_year, _source_plan(world, rng))


def _route_plan(world, ref: dict, cells: pd.DataFrame) -> dict:
    """Per cell, the routes that can pass through its area: a land route only where the partner
    country is within LAND_ROUTE_KM of the area, a sea or air route only in the areas it lists."""
    crossing_list = list(ref["crossings"].itertuples())
    by_market = {key: list(group.itertuples()) for key, group in world.routes.groupby(["iso3", "market"])}
    options, probs, share = [], [], np.zeros(len(cells))
    for i, cell in enumerate(cells.itertuples()):
        opts, p = [], []
        if cell.admin1_code is not None and cell.cross_share > 0:
            for r in by_market.get((cell.iso3, cell.market), []):
                chain = (r.origin or None, r.transit or None, r.destination or None)
                partner = scenario.route_partner(cell.iso3, *chain)
                crossing = None
                if r.mode in scenario.SEA_AIR:
                    if cell.admin1_code not in r.areas.split(";"):
                        continue
                else:
                    if partner is None or scenario.area_to_country_km(cell.admin1_code, partner) > scenario.LAND_ROUTE_KM:
                        continue
                    near = [x for x in crossing_list if {x.iso3_a, x.iso3_b} == {cell.iso3, partner}]
                    km = [scenario.area_to_point_km(cell.admin1_code, x.lat, x.lon) for x in near]
                    if km and min(km) <= scenario.CROSSING_KM:
                        crossing = near[int(np.argmin(km))].code
                opts.append(chain + (crossing,))
                p.append(float(r.weight))
        if opts:
            share[i] = cell.cross_share
        options.append(opts)
        probs.append(p)
    values, cum = _slots(options, probs)
    parts = {name: np.array([[v[k] if v is not None else None for v in row] for row in values], dtype=object)
             for k, name in enumerate(("origin", "transit", "destination", "crossing"))}
    return {**parts, "cum": cum, "share": share}


def _actor_plan(world, cells: pd.DataFrame, years: range) -> dict:
    """Per (cell, year): no known actor, or one of the actors active there that year. An actor's
    market weight is the share of the market's attributed incidents it can take (at most all of
    them), higher in its home areas; a national actor acts only in its home territory."""
    weights = world.actor_markets()
    actors = []
    for a in world.actors.itertuples():
        countries = a.countries.split(";") if a.transnational == "true" else [a.home_iso3]
        actors.append((a.actor_id, set(countries), set(filter(None, a.home_admin1.split(";"))), weights[a.actor_id],
                       int(a.active_from), int(a.active_to) if a.active_to else 9999))
    options, probs = [], []
    for cell in cells.itertuples():
        for year in years:
            found = []
            for actor_id, countries, home, markets, start, stop in actors:
                if cell.iso3 in countries and cell.market in markets and start <= year <= stop:
                    found.append((actor_id, markets[cell.market],
                                  markets[cell.market] * (1.0 if not home or cell.admin1_code in home else 0.3)))
            # The market weights set how much of the market is attributed; home areas only tilt the split.
            attributed = cell.actor_known * min(1.0, sum(w for _, w, _ in found))
            tilted = sum(t for _, _, t in found) or 1.0
            options.append([None] + [a for a, _, _ in found])
            probs.append([1 - attributed] + [attributed * t / tilted for _, _, t in found])
    values, cum = _slots(options, probs)
    return {"values": values, "cum": cum, "years": len(years)}


def _subtype_plan(world, cells: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    table = world.subtypes.drop_duplicates(["iso3", "market", "subtype"]).reset_index(drop=True)
    index = {key: i for i, key in enumerate(zip(table.iso3, table.market, table.subtype))}
    per_market = {}
    for key in dict.fromkeys(zip(cells.iso3, cells.market)):
        rows = world.subtypes_for(*key)
        per_market[key] = ([index[k] for k in zip(rows.iso3, rows.market, rows.subtype)],
                           rows.share.astype(float).tolist())
    chosen = [per_market[key] for key in zip(cells.iso3, cells.market)]
    values, cum = _slots([c[0] for c in chosen], [c[1] for c in chosen])
    values = np.where(pd.isna(values), -1, values).astype(int)
    numeric = {c: pd.to_numeric(table[c], errors="coerce") for c in
               ("median_quantity", "usd_per_unit", "seizure_probability")}
    table = table.assign(**numeric)
    return {"values": values, "cum": cum}, table


def _source_plan(world, rng) -> dict:
    rel = world.reliability.set_index("source_type").loc[SOURCE_TYPES]
    grades = rel[GRADES].astype(float).to_numpy()
    human = grades[SOURCE_TYPES.index("Human source")]
    cred = world.credibility.set_index("sources").loc[["1", "2+"], [str(g) for g in range(1, 7)]].astype(float)
    marks = world.markings
    pairs = list(dict.fromkeys(zip(marks.classification, marks.tlp)))
    mark_p = []
    for source_type in SOURCE_TYPES:
        own = marks[marks.source_type == source_type]
        own = own if len(own) else marks[marks.source_type == "*"]
        table = {(r.classification, r.tlp): float(r.share) for r in own.itertuples()}
        mark_p.append([table.get(pair, 0.0) for pair in pairs])
    share = rel.share_of_reports.astype(float).to_numpy()
    return {
        "share": share / share.sum(),
        "reliability": np.cumsum(grades / grades.sum(axis=1, keepdims=True), axis=1),
        # Each human source is graded on its own record: one grade per source, kept on every report.
        "human_grade": rng.choice(len(GRADES), HUMAN_SOURCES, p=human / human.sum()),
        "credibility": np.cumsum(cred.to_numpy() / cred.to_numpy().sum(axis=1, keepdims=True), axis=1),
        "pairs": pairs,
        "markings": np.cumsum(np.array(mark_p) / np.array(mark_p).sum(axis=1, keepdims=True), axis=1),
    }


def _block(rng, plan: _Plan, ref: dict, weeks: range, first_monday: date, n_weeks: int, end: date,
           id_offset: int) -> pd.DataFrame:
    cells = plan.cells
    week_idx = np.array(list(weeks))
    t = week_idx / max(n_weeks - 1, 1)
    week_of_year = np.array([(first_monday + timedelta(weeks=int(w))).isocalendar()[1] for w in week_idx])
    rate = (cells.base.to_numpy()[:, None]
            * np.clip(1 + cells.trend.to_numpy()[:, None] * (t[None, :] - 0.5) * 2, 0.2, None)
            * (1 + cells.amplitude.to_numpy()[:, None]
               * np.sin(2 * math.pi * (week_of_year[None, :] - cells.phase.to_numpy()[:, None]) / 52)))
    counts = rng.poisson(np.clip(rate, 0, None))
    for i, spike in enumerate(SPIKES):
        cell = plan.spike_cells[i]
        week = n_weeks - 1 - spike.weeks_ago
        if cell is not None and week in weeks:
            counts[cell[1], week - weeks.start] += spike.extra
    cell_of, week_of = np.nonzero(counts)
    reps = counts[cell_of, week_of]
    cell_of = np.repeat(cell_of, reps)
    week_abs = np.repeat(week_idx[week_of], reps)
    n = len(cell_of)
    if n == 0:
        return pd.DataFrame()
    c = cells.iloc[cell_of].reset_index(drop=True)
    markets = c.market.to_numpy()

    day = rng.integers(0, 7, n)
    occurred = np.datetime64(first_monday) + (week_abs * 7 + day).astype("timedelta64[D]")
    occurred = np.minimum(occurred, np.datetime64(end))
    delay = np.minimum(rng.geometric(0.25, n) - 1, 45)
    reported = np.minimum(occurred + delay.astype("timedelta64[D]"), np.datetime64(end))
    date_precision = rng.choice([1, 2, 3], n, p=[0.82, 0.12, 0.06])

    # Location: admin-1 centroid plus jitter; geo precision 3 means "centroid only".
    a1 = ref["admin1"].set_index("code")
    has_place = c.admin1_code.notna().to_numpy()
    codes = c.admin1_code.fillna("").to_numpy()
    lat = np.where(has_place, a1.lat.reindex(codes).to_numpy(), np.nan)
    lon = np.where(has_place, a1.lon.reindex(codes).to_numpy(), np.nan)
    geo_precision = np.where(has_place, rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2]), np.nan)
    jitter = np.where(geo_precision == 3, 0.0, 0.25)
    lat = lat + rng.normal(0, 1, n) * jitter
    lon = lon + rng.normal(0, 1, n) * jitter

    # Cross-border routes from the scenario: only those that can pass through the incident's area.
    cross = rng.random(n) < plan.routes["share"][cell_of]
    slot = _draw(rng, plan.routes["cum"], cell_of)
    origin, transit, destination = (np.where(cross, plan.routes[k][cell_of, slot], None)
                                    for k in ("origin", "transit", "destination"))
    crossing = np.where(cross & (rng.random(n) < 0.7), plan.routes["crossing"][cell_of, slot], None)

    # Victims by sex x age, with recording gaps that depend on the reporting unit.
    profile = [VICTIMS.get(m, OTHER_VICTIMS) for m in cells.market]
    p_any = np.array([v[0] for v in profile])[cell_of]
    mean_any = np.array([v[1] for v in profile])[cell_of]
    split = np.array([v[2] for v in profile])[cell_of]
    n_victims = np.where(rng.random(n) < p_any, 1 + rng.poisson(mean_any - 1), 0)
    gaps = np.array([plan.units.get(code, (0.25, 0.3, False))[:2] if code else (0.25, 0.3) for code in codes])
    degrades = np.array([plan.units.get(code, (0, 0, False))[2] if code else False for code in codes])
    late = week_abs > n_weeks - 26
    sex_gap = np.clip(gaps[:, 0] + np.where(degrades & late, 0.45, 0.0), 0, 0.95)
    age_gap = np.clip(gaps[:, 1] + np.where(degrades & late, 0.45, 0.0), 0, 0.95)
    fem = split[:, 0] + split[:, 1]
    child_if_f = np.divide(split[:, 0], fem, out=np.full(n, 0.5), where=fem > 0)
    child_if_m = np.divide(split[:, 2], 1 - fem, out=np.full(n, 0.5), where=(1 - fem) > 0)
    # Cells: sex in (f, m, u) x age in (child, adult, unknown)
    p = np.zeros((n, 9))
    for s_i, (p_sex, p_child) in enumerate([(fem, child_if_f), (1 - fem, child_if_m)]):
        p[:, s_i * 3 + 0] = (1 - sex_gap) * p_sex * (1 - age_gap) * p_child
        p[:, s_i * 3 + 1] = (1 - sex_gap) * p_sex * (1 - age_gap) * (1 - p_child)
        p[:, s_i * 3 + 2] = (1 - sex_gap) * p_sex * age_gap
    p_child_any = fem * child_if_f + (1 - fem) * child_if_m
    p[:, 6] = sex_gap * (1 - age_gap) * p_child_any
    p[:, 7] = sex_gap * (1 - age_gap) * (1 - p_child_any)
    p[:, 8] = sex_gap * age_gap
    p = np.clip(p, 0.0, None)   # rounding can leave -1e-17 where a share is exactly 1
    p /= p.sum(axis=1, keepdims=True)
    victims = rng.multinomial(n_victims, p)

    cyber = c.cyber.to_numpy(dtype=bool)
    fatalities = np.where(cyber, 0, rng.poisson(np.array([FATALITY_RATE.get(m, 0.03) for m in cells.market])[cell_of]))
    # Arrests by sex: each market's share of women among suspects (scenario, from UNODC's published shares).
    arrest_shares = plan_arrest_shares(cells)[cell_of]
    arrests = rng.multinomial(rng.poisson(ARRESTS_PER_INCIDENT, n), arrest_shares)

    # Subtype per market and territory; a seizure's commodity and size follow the subtype.
    sub = plan.subtypes["values"][cell_of, _draw(rng, plan.subtypes["cum"], cell_of)]
    has_sub = sub >= 0
    sub_idx = np.where(has_sub, sub, 0)
    table = plan.subtype_table
    subtype = np.where(has_sub, table.subtype.to_numpy(dtype=object)[sub_idx], None)
    subtype = np.where(subtype == "", None, subtype)
    seize = has_sub & (rng.random(n) < np.nan_to_num(table.seizure_probability.to_numpy()[sub_idx]))
    commodity = np.where(seize, table.seizure_commodity.to_numpy(dtype=object)[sub_idx], None)
    unit = np.where(seize, table.seizure_unit.to_numpy(dtype=object)[sub_idx], None)
    quantity = np.where(seize, np.round(table.median_quantity.to_numpy()[sub_idx] * rng.lognormal(0, 0.8, n), 1), np.nan)
    value = np.where(seize, np.round(quantity * table.usd_per_unit.to_numpy()[sub_idx] * rng.uniform(0.7, 1.3, n), -1),
                     np.nan)

    # The last two weeks still have records in review; validated share stays close to the
    # long-run 80 % so that week-on-week comparisons are not dominated by validation lag.
    recent = week_abs > n_weeks - 3
    status = np.where(recent, rng.choice(["validated", "in_review", "draft"], n, p=[0.78, 0.16, 0.06]),
                      rng.choice(["validated", "in_review", "draft", "archived"], n, p=[0.8, 0.08, 0.04, 0.08]))

    # Sources, grades and markings that agree: reliability follows the source type,
    # a human source keeps its own grade, credibility 1 needs two sources or more, and the marking is
    # one of the scenario's classification-TLP pairs.
    src = plan.sources
    type_idx = rng.choice(len(SOURCE_TYPES), n, p=src["share"])
    source_type = np.array(SOURCE_TYPES, dtype=object)[type_idx]
    source_no = rng.integers(1, HUMAN_SOURCES, n)
    grade_idx = _draw(rng, src["reliability"], type_idx)
    human = type_idx == SOURCE_TYPES.index("Human source")
    grade_idx = np.where(human, src["human_grade"][source_no], grade_idx)
    reliability = np.array(GRADES, dtype=object)[grade_idx]
    n_sources = 1 + rng.poisson(0.7, n)
    credibility = 1 + _draw(rng, src["credibility"], (n_sources > 1).astype(int))
    pair = np.array(src["pairs"], dtype=object)[_draw(rng, src["markings"], type_idx)]
    classification, tlp = pair[:, 0], pair[:, 1]
    restricted = (classification != "UNCLASSIFIED") | np.isin(tlp, RESTRICTED_TLP)

    # Actors: about half the incidents have none known; an actor acts where the scenario puts it.
    year = np.clip(occurred.astype("datetime64[Y]").astype(int) + 1970 - plan.first_year, 0,
                   plan.actors["years"] - 1)
    actor_key = cell_of * plan.actors["years"] + year
    actor_id = plan.actors["values"][actor_key, _draw(rng, plan.actors["cum"], actor_key)]

    ids = np.arange(id_offset + 1, id_offset + n + 1)
    released = rng.random(n) < np.array([RELEASE_RATE[s] for s in SOURCE_TYPES])[type_idx]
    return pd.DataFrame({
        "seq": ids,
        "date_occurred": occurred, "date_precision": date_precision, "date_reported": reported,
        "mission": c.mission, "iso3": c.iso3, "admin1_code": c.admin1_code,
        "lat": np.round(lat, 4), "lon": np.round(lon, 4), "geo_precision": geo_precision,
        "market": markets, "subtype": subtype, "cross_border": cross, "origin_iso3": origin, "transit_iso3": transit,
        "destination_iso3": destination, "crossing_code": crossing,
        "actor_id": actor_id,
        "fatalities": fatalities,
        "arrests_female": arrests[:, 0], "arrests_male": arrests[:, 1], "arrests_unknown": arrests[:, 2],
        "v_female_child": victims[:, 0], "v_female_adult": victims[:, 1], "v_female_unknown": victims[:, 2],
        "v_male_child": victims[:, 3], "v_male_adult": victims[:, 4], "v_male_unknown": victims[:, 5],
        "v_unknown_child": victims[:, 6], "v_unknown_adult": victims[:, 7], "v_unknown_unknown": victims[:, 8],
        "seizure_commodity": commodity, "seizure_quantity": quantity, "seizure_unit": unit,
        "seizure_value_usd": value,
        "source_type": source_type,
        "source_reliability": reliability,
        "info_credibility": credibility,
        "n_sources": n_sources,
        "classification": classification, "tlp": tlp, "status": status,
        "narrative_restricted": restricted | (rng.random(n) < 0.1),
        "source_no": source_no,
        "originator": np.array([ORIGINATOR[s] for s in SOURCE_TYPES], dtype=object)[type_idx],
        "released": released,
    })


def plan_arrest_shares(cells: pd.DataFrame) -> np.ndarray:
    """Per cell, the (female, male, unknown) shares of arrested suspects, from the scenario."""
    table = scenario.load().arrests.set_index("market")
    female = table.female_share.astype(float).reindex(cells.market).fillna(0.12).to_numpy()
    unknown = table.unknown_share.astype(float).reindex(cells.market).fillna(0.04).to_numpy()
    return np.column_stack([female * (1 - unknown), (1 - female) * (1 - unknown), unknown])


def _insert(con, frame: pd.DataFrame, seed: int) -> None:
    # Strings are built in SQL from numbers: far faster than Python f-strings at 10M rows.
    con.register("demo_block", frame)
    try:
        con.execute("""
            INSERT INTO incidents BY NAME
            SELECT printf('DEMO-%s-%08d', coalesce(b.iso3, 'XXX'), b.seq) AS incident_id,
                   b.date_occurred::DATE AS date_occurred, b.date_precision, b.date_reported::DATE AS date_reported,
                   b.mission, b.iso3, b.admin1_code,
                   CASE WHEN b.admin1_code IS NULL THEN NULL
                        ELSE a.name_en || ' – site ' || (b.seq % 37 + 1)::VARCHAR END AS place,
                   CASE WHEN isnan(b.lat) THEN NULL ELSE b.lat END AS lat,
                   CASE WHEN isnan(b.lon) THEN NULL ELSE b.lon END AS lon,
                   CASE WHEN isnan(b.geo_precision) THEN NULL ELSE b.geo_precision END::SMALLINT AS geo_precision,
                   b.market, b.subtype,
                   b.cross_border, b.origin_iso3, b.transit_iso3, b.destination_iso3, b.crossing_code, b.actor_id,
                   b.fatalities, b.arrests_female, b.arrests_male, b.arrests_unknown,
                   b.v_female_child, b.v_female_adult, b.v_female_unknown, b.v_male_child, b.v_male_adult,
                   b.v_male_unknown, b.v_unknown_child, b.v_unknown_adult, b.v_unknown_unknown,
                   b.seizure_commodity,
                   CASE WHEN isnan(b.seizure_quantity) THEN NULL ELSE b.seizure_quantity END AS seizure_quantity,
                   b.seizure_unit,
                   CASE WHEN isnan(b.seizure_value_usd) THEN NULL ELSE b.seizure_value_usd END AS seizure_value_usd,
                   b.source_type, b.source_reliability, b.info_credibility, b.n_sources,
                   b.classification, b.tlp, b.status,
                   'SYNTHETIC DEMO RECORD. ' || m.label_en || ' reported'
                       || coalesce(' in ' || a.name_en, ' online') || ' by ' || lower(b.source_type) || '.'
                       AS narrative,
                   b.narrative_restricted,
                   CASE WHEN b.source_type = 'Human source' THEN printf('HS-%04d', b.source_no)
                        ELSE printf('REF-%s-%05d', b.mission, b.source_no) END AS source_ref,
                   CASE WHEN b.admin1_code IS NULL THEN b.mission || ' – cybercrime desk'
                        ELSE b.mission || ' – ' || a.name_en END AS reporting_unit,
                   b.date_reported::TIMESTAMP AS created_at, b.date_reported::TIMESTAMP AS updated_at,
                   ? AS batch_id,
                   b.originator,
                   CASE WHEN b.originator = 'host_state' THEN ms.host_iso3 END AS originator_iso3,
                   CASE WHEN b.released THEN [ms.host_iso3] ELSE []::VARCHAR[] END AS releasable_to
            FROM demo_block b
            LEFT JOIN missions ms ON ms.code = b.mission
            LEFT JOIN admin1 a ON a.code = b.admin1_code
            JOIN markets m ON m.code = b.market
            ORDER BY b.seq
        """, [f"demo-{seed}"])
    finally:
        con.unregister("demo_block")
