"""Deterministic synthetic demonstration data. NOTHING HERE IS REAL.

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

from .store import set_meta

DEMO_NOTICE = "Synthetic demonstration data"
YEARS = 3.5
WEEKS_PER_BLOCK = 13

# Territory -> (mission, share of all incidents, market weights).
TERRITORIES: dict[str, tuple[str, float, dict[str, float]]] = {
    "CAF": ("MINUSCA", 0.20, {"illicit_mining": 0.22, "arms_trafficking": 0.18, "human_trafficking": 0.09,
                              "extortion": 0.12, "kidnapping_for_ransom": 0.05, "fauna_crimes": 0.08,
                              "cattle_rustling": 0.08, "cannabis": 0.06, "online_fraud": 0.05,
                              "sextortion": 0.03, "money_laundering": 0.02, "online_child_sexual_exploitation": 0.02}),
    "COD": ("MONUSCO", 0.26, {"illicit_mining": 0.27, "arms_trafficking": 0.12, "human_trafficking": 0.09,
                              "extortion": 0.1, "kidnapping_for_ransom": 0.07, "fauna_crimes": 0.07,
                              "flora_crimes": 0.07, "cannabis": 0.05, "online_fraud": 0.06, "sextortion": 0.04,
                              "ransomware": 0.02, "online_child_sexual_exploitation": 0.02, "money_laundering": 0.02}),
    "SSD": ("UNMISS", 0.16, {"arms_trafficking": 0.22, "cattle_rustling": 0.24, "human_trafficking": 0.1,
                             "kidnapping_for_ransom": 0.1, "illicit_mining": 0.07, "fauna_crimes": 0.07,
                             "excise_goods": 0.05, "migrant_smuggling": 0.1, "online_fraud": 0.05}),
    "HTI": ("BINUH", 0.16, {"arms_trafficking": 0.24, "kidnapping_for_ransom": 0.22, "extortion": 0.15,
                            "human_trafficking": 0.09, "cocaine": 0.1, "migrant_smuggling": 0.1,
                            "online_fraud": 0.05, "sextortion": 0.03, "money_laundering": 0.02}),
    "XKX": ("UNMIK", 0.08, {"migrant_smuggling": 0.18, "excise_goods": 0.14, "cannabis": 0.13, "heroin": 0.1,
                            "synthetic_drugs": 0.1, "arms_trafficking": 0.05, "human_trafficking": 0.07,
                            "online_fraud": 0.1, "counterfeit_goods": 0.07, "ransomware": 0.03,
                            "online_child_sexual_exploitation": 0.03}),
    "SOM": ("UNTMIS", 0.10, {"arms_trafficking": 0.2, "migrant_smuggling": 0.15, "human_trafficking": 0.1,
                             "extortion": 0.2, "excise_goods": 0.13, "flora_crimes": 0.1,
                             "kidnapping_for_ransom": 0.05, "money_laundering": 0.05, "online_fraud": 0.02}),
    "CYP": ("UNFICYP", 0.04, {"migrant_smuggling": 0.25, "human_trafficking": 0.15, "excise_goods": 0.18,
                              "cannabis": 0.1, "synthetic_drugs": 0.1, "online_fraud": 0.1, "money_laundering": 0.07,
                              "ransomware": 0.05}),
}

# Admin-1 units where public reporting places each territory's hotspots (matched by name).
HOTSPOTS = {
    "CAF": ["Haut-Mbomou", "Vakaga", "Ouham-Pendé", "Nana-Mambéré", "Haute-Kotto", "Bangui", "Mambéré-Kadéï"],
    "COD": ["Nord-Kivu", "Sud-Kivu", "Ituri", "Haut-Uélé", "Haut-Katanga", "Maniema", "Kinshasa"],
    "SSD": ["Central Equatoria", "Jonglei", "Upper Nile", "Unity", "Warrap", "Western Bahr el Ghazal"],
    "HTI": ["Ouest", "Artibonite", "Centre", "Nord-Est"],
    "XKX": ["Mitrovica", "Prishtina", "Prizren", "Pristina", "Mitrovicë", "Prishtinë", "Prizreni"],
    "SOM": ["Banadir", "Lower Juba", "Bari", "Gedo", "Mudug"],
    "CYP": ["Nicosia", "Larnaca", "Limassol", "Famagusta", "Lefkoşa"],
}

# Corridors along real borders: (host, partner, crossing code prefix match, weight).
# Direction per market family: resources and people flow out of the host, arms and drugs in.
CORRIDORS = {
    "CAF": [("CMR", 0.35), ("TCD", 0.25), ("SDN", 0.25), ("COD", 0.15)],
    "COD": [("RWA", 0.4), ("UGA", 0.35), ("BDI", 0.25)],
    "SSD": [("SDN", 0.5), ("UGA", 0.35), ("ETH", 0.15)],
    "HTI": [("DOM", 0.75), ("USA", 0.25)],
    "XKX": [("SRB", 0.4), ("ALB", 0.35), ("MKD", 0.25)],
    "SOM": [("KEN", 0.5), ("ETH", 0.5)],
    "CYP": [("TUR", 0.6), ("GRC", 0.4)],
}
INBOUND_FAMILIES = {"arms", "drugs"}
CROSS_BORDER_SHARE = {"arms": 0.45, "drugs": 0.5, "resources": 0.35, "people": 0.55, "other": 0.15,
                      "cyber_financial": 0.0}

# Victim profile by market: expected victims per incident and the split over
# (female, male) x (child, adult) before recording gaps; order: fc, fa, mc, ma.
VICTIMS = {
    "human_trafficking": (3.2, (0.28, 0.36, 0.14, 0.22)),
    "migrant_smuggling": (4.0, (0.06, 0.22, 0.12, 0.60)),
    "kidnapping_for_ransom": (1.6, (0.12, 0.28, 0.12, 0.48)),
    "sextortion": (1.2, (0.42, 0.22, 0.24, 0.12)),
    "online_child_sexual_exploitation": (1.5, (0.68, 0.0, 0.32, 0.0)),
    "online_fraud": (2.5, (0.02, 0.46, 0.02, 0.50)),
    "extortion": (1.0, (0.02, 0.38, 0.02, 0.58)),
    "cattle_rustling": (0.8, (0.05, 0.15, 0.20, 0.60)),
    "arms_trafficking": (0.4, (0.1, 0.2, 0.15, 0.55)),
    "illicit_mining": (0.6, (0.18, 0.22, 0.25, 0.35)),
    "ransomware": (0.3, (0.0, 0.5, 0.0, 0.5)),
}
FATALITY_RATE = {"arms_trafficking": 0.6, "cattle_rustling": 0.9, "kidnapping_for_ransom": 0.35,
                 "extortion": 0.2, "illicit_mining": 0.25}
SEIZURES = {  # market -> (commodity, unit, median quantity, USD per unit, probability)
    "cocaine": ("cocaine", "kg", 8, 24000, 0.6), "heroin": ("heroin", "kg", 3, 30000, 0.6),
    "cannabis": ("cannabis", "kg", 40, 300, 0.6), "synthetic_drugs": ("synthetic drugs", "kg", 2, 15000, 0.5),
    "illicit_mining": ("gold", "g", 300, 60, 0.4), "arms_trafficking": ("firearms", "pieces", 4, 1500, 0.5),
    "fauna_crimes": ("ivory", "kg", 15, 700, 0.4), "flora_crimes": ("timber", "m3", 20, 250, 0.4),
    "excise_goods": ("cigarettes", "cartons", 200, 25, 0.5), "counterfeit_goods": ("medicines", "packs", 500, 8, 0.5),
    "cattle_rustling": ("cattle", "head", 60, 400, 0.4),
}
SOURCE_TYPES = ["UNPOL patrol", "Host-State police report", "Community alert network", "Open source",
                "Partner agency", "Human source"]
# Who reports each kind of source, and how often the mission releases such a report to the host
# State (access.md): a host-State report goes back to its State by right; UNPOL's own patrols are
# often shared, community-alert and open-source items sometimes; partner agencies' reports rarely
# (their originator must agree); human-source reporting never (it could expose the source).
ORIGINATOR = {"UNPOL patrol": "unpol", "Host-State police report": "host_state",
              "Community alert network": "un_other", "Open source": "open_source",
              "Partner agency": "partner", "Human source": "unpol"}
RELEASE_RATE = {"UNPOL patrol": 0.55, "Host-State police report": 0.0, "Community alert network": 0.35,
                "Open source": 0.7, "Partner agency": 0.05, "Human source": 0.0}
RELIABILITY = (["A", "B", "C", "D", "E", "F"], [0.05, 0.3, 0.35, 0.14, 0.05, 0.11])
CREDIBILITY = ([1, 2, 3, 4, 5, 6], [0.1, 0.35, 0.3, 0.12, 0.05, 0.08])
CLASSIFICATION = (["UNCLASSIFIED", "CONFIDENTIAL", "STRICTLY CONFIDENTIAL"], [0.76, 0.19, 0.05])
TLP = (["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"], [0.2, 0.46, 0.24, 0.05, 0.05])


@dataclass(frozen=True)
class Spike:
    iso3: str
    admin1_name: str
    market: str
    weeks_ago: int   # 1 = the last complete week
    extra: int


# Planted spikes that anomaly detection must find (issue: weekly brief).
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
    plan = _plan(ref, rows, n_weeks, seed)
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


def _reference(con) -> dict:
    def frame(sql):
        return con.execute(sql).df()
    return {
        "admin1": frame("SELECT code, iso3, name_en || ' / ' || name_fr AS name_en, lat, lon FROM admin1 ORDER BY code"),
        "markets": frame("SELECT code, family, cyber FROM markets ORDER BY code"),
        "crossings": frame("SELECT code, iso3_a, iso3_b, lat, lon FROM border_crossings ORDER BY code"),
        "actors": frame("SELECT actor_id FROM actors ORDER BY actor_id")["actor_id"].tolist(),
    }


def _plan(ref: dict, rows: int, n_weeks: int, seed: int) -> _Plan:
    """Fixed per-cell base rates, so the weekly series have stable structure plus noise."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(10**6,)))
    admin1 = ref["admin1"]
    markets = ref["markets"].set_index("code")
    records = []
    units = {}
    for iso3, (mission, share, mix) in TERRITORIES.items():
        units_here = admin1[admin1.iso3 == iso3]
        if units_here.empty:
            raise ValueError(f"reference data has no admin-1 units for {iso3}")
        hot = units_here.name_en.apply(lambda n: any(h.lower() in n.lower() for h in HOTSPOTS[iso3])).to_numpy()
        unit_weights = rng.gamma(1.2, 1.0, len(units_here)) * np.where(hot, 4.0, 1.0)
        unit_weights /= unit_weights.sum()
        total_mix = sum(mix.values())
        for market, weight in mix.items():
            if market not in markets.index:
                raise ValueError(f"demo market {market!r} is missing from reference markets.csv")
            cyber = markets.loc[market, "cyber"] != "none"
            trend = rng.normal(0.0, 0.35)          # relative change over the whole period
            amplitude = rng.uniform(0.0, 0.45)      # seasonal swing
            phase = rng.uniform(0, 52)
            # Cyber-enabled incidents are reported by the mission but not tied to a place.
            targets = [(None, 1.0)] if cyber else list(zip(units_here.code, unit_weights))
            for code, unit_weight in targets:
                base = rows * share * weight / total_mix * unit_weight / n_weeks
                records.append((iso3, mission, code, market, markets.loc[market, "family"], base, trend,
                                amplitude, phase))
        for code in units_here.code:
            poor = rng.random() < 0.2
            units[code] = (rng.uniform(0.3, 0.6) if poor else rng.uniform(0.0, 0.08),
                           rng.uniform(0.3, 0.6) if poor else rng.uniform(0.0, 0.1),
                           rng.random() < 0.1)
    cells = pd.DataFrame(records, columns=["iso3", "mission", "admin1_code", "market", "family", "base", "trend",
                                           "amplitude", "phase"])
    spike_cells = []
    for spike in SPIKES:
        match = cells[(cells.iso3 == spike.iso3) & (cells.market == spike.market) & cells.admin1_code.notna()]
        names = admin1.set_index("code").name_en
        match = match[match.admin1_code.map(lambda c: spike.admin1_name.lower() in names[c].lower())]
        spike_cells.append((match.admin1_code.iloc[0], int(match.index[0])) if len(match) else None)
    return _Plan(cells, spike_cells, units)


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
    family = c.family.to_numpy()

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

    # Cross-border corridors.
    share = np.array([CROSS_BORDER_SHARE.get(f, 0.15) for f in family])
    cross = has_place & (rng.random(n) < share)
    partner = np.full(n, None, dtype=object)
    for iso3, corridors in CORRIDORS.items():
        mask = cross & (c.iso3.to_numpy() == iso3)
        names, weights = zip(*corridors)
        partner[mask] = rng.choice(names, mask.sum(), p=np.array(weights) / sum(weights))
    host = c.iso3.to_numpy().astype(object)
    inbound = np.isin(family, list(INBOUND_FAMILIES))
    origin = np.where(cross, np.where(inbound, partner, host), None)
    destination = np.where(cross, np.where(inbound, host, partner), None)
    transit = np.full(n, None, dtype=object)
    us_arms = cross & (partner == "USA")
    transit[us_arms & (rng.random(n) < 0.6)] = "DOM"  # US-origin arms reaching Haiti through the DR
    crossing = np.full(n, None, dtype=object)
    xings = ref["crossings"]
    for (iso3, other), group in _crossing_groups(xings).items():
        mask = cross & (host == iso3) & ((partner == other) | (transit == other))
        if mask.any():
            pick = rng.choice(group, mask.sum())
            crossing[mask] = np.where(rng.random(mask.sum()) < 0.7, pick, None)

    # Victims by sex x age, with recording gaps that depend on the reporting unit.
    mean_victims = np.array([VICTIMS.get(m, (0.05, (0.25, 0.25, 0.25, 0.25)))[0] for m in markets])
    split = np.array([VICTIMS.get(m, (0.05, (0.25, 0.25, 0.25, 0.25)))[1] for m in markets])
    n_victims = rng.poisson(mean_victims)
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

    fatalities = rng.poisson(np.array([FATALITY_RATE.get(m, 0.03) for m in markets]))
    arrests = rng.multinomial(rng.poisson(0.9, n), [0.12, 0.84, 0.04])

    commodity = np.full(n, None, dtype=object)
    unit = np.full(n, None, dtype=object)
    quantity = np.full(n, np.nan)
    value = np.full(n, np.nan)
    for market, (what, unit_name, median, usd, prob) in SEIZURES.items():
        mask = (markets == market) & (rng.random(n) < prob)
        k = mask.sum()
        if k:
            q = np.round(median * rng.lognormal(0, 0.8, k), 1)
            commodity[mask], unit[mask], quantity[mask] = what, unit_name, q
            value[mask] = np.round(q * usd * rng.uniform(0.7, 1.3, k), -1)

    # The last two weeks still have records in review; validated share stays close to the
    # long-run 80 % so that week-on-week comparisons are not dominated by validation lag.
    recent = week_abs > n_weeks - 3
    status = np.where(recent, rng.choice(["validated", "in_review", "draft"], n, p=[0.78, 0.16, 0.06]),
                      rng.choice(["validated", "in_review", "draft", "archived"], n, p=[0.8, 0.08, 0.04, 0.08]))
    classification = rng.choice(CLASSIFICATION[0], n, p=CLASSIFICATION[1])
    tlp = rng.choice(TLP[0], n, p=TLP[1])
    restricted = (classification != "UNCLASSIFIED") | np.isin(tlp, ["TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"])
    source_type = rng.choice(SOURCE_TYPES, n)

    ids = np.arange(id_offset + 1, id_offset + n + 1)
    # Drawn last, so every column above stays what it was before releases existed.
    released = rng.random(n) < np.array([RELEASE_RATE[s] for s in source_type])
    return pd.DataFrame({
        "seq": ids,
        "date_occurred": occurred, "date_precision": date_precision, "date_reported": reported,
        "mission": c.mission, "iso3": c.iso3, "admin1_code": c.admin1_code,
        "lat": np.round(lat, 4), "lon": np.round(lon, 4), "geo_precision": geo_precision,
        "market": markets, "cross_border": cross, "origin_iso3": origin, "transit_iso3": transit,
        "destination_iso3": destination, "crossing_code": crossing,
        "actor_id": rng.choice(ref["actors"], n) if ref["actors"] else None,
        "fatalities": fatalities,
        "arrests_female": arrests[:, 0], "arrests_male": arrests[:, 1], "arrests_unknown": arrests[:, 2],
        "v_female_child": victims[:, 0], "v_female_adult": victims[:, 1], "v_female_unknown": victims[:, 2],
        "v_male_child": victims[:, 3], "v_male_adult": victims[:, 4], "v_male_unknown": victims[:, 5],
        "v_unknown_child": victims[:, 6], "v_unknown_adult": victims[:, 7], "v_unknown_unknown": victims[:, 8],
        "seizure_commodity": commodity, "seizure_quantity": quantity, "seizure_unit": unit,
        "seizure_value_usd": value,
        "source_type": source_type,
        "source_reliability": rng.choice(RELIABILITY[0], n, p=RELIABILITY[1]),
        "info_credibility": rng.choice(CREDIBILITY[0], n, p=CREDIBILITY[1]),
        "n_sources": 1 + rng.poisson(0.7, n),
        "classification": classification, "tlp": tlp, "status": status,
        "narrative_restricted": restricted | (rng.random(n) < 0.1),
        "source_no": rng.integers(1, 900, n),
        "originator": np.array([ORIGINATOR[s] for s in source_type], dtype=object),
        "released": released,
    })


def _crossing_groups(xings: pd.DataFrame) -> dict:
    groups: dict = {}
    for row in xings.itertuples():
        groups.setdefault((row.iso3_a, row.iso3_b), []).append(row.code)
        groups.setdefault((row.iso3_b, row.iso3_a), []).append(row.code)
    return groups


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
                   b.market,
                   CASE b.market WHEN 'illicit_mining' THEN 'gold' WHEN 'arms_trafficking' THEN 'small arms'
                        WHEN 'human_trafficking' THEN 'forced labour' ELSE NULL END AS subtype,
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
