"""The demo's cyber details, drawn after the incidents on a random stream of their own, so
that every other column of the demo is exactly what it was without them. NOTHING HERE IS REAL.

Every share below is an invented figure in the direction of public reporting; docs/demo.md gives the
reasoning and reference/SOURCES.md the sources:
- mobile money is how most people pay in the DR Congo, South Sudan, the Central African Republic,
  Somalia and Haiti (GSMA), so most fraud there runs through it; in Cyprus and Kosovo it is e-mail and
  messaging phishing instead;
- sextortion reaches adolescents through social media and messaging apps, often from abroad
  (INTERPOL's African cyberthreat assessments name West African networks);
- fake job offers recruit through social media and job sites, by agents at home or in Kenya, Uganda or
  the Gulf, and some lead to trafficking (OHCHR 2023 on scam compounds): such a record is linked to a
  trafficking incident of the same territory a few weeks later.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

SPAWN_KEY = 1_000_002
CYBER_MARKETS = ("online_fraud", "sextortion", "online_child_sexual_exploitation", "ransomware")

# How much of a territory's fraud runs through mobile money (judgement from GSMA's regional figures).
MOBILE_MONEY = {"COD": 0.9, "SSD": 0.85, "CAF": 0.8, "SOM": 0.95, "HTI": 0.75, "CYP": 0.05, "XKX": 0.05}
# Where the victims live: the towns where phones, mobile money and the internet are; the rest of the
# territory shares what is left evenly.
RESIDENCE = {
    "COD": {"CD-KN": 0.34, "CD-NK": 0.2, "CD-HK": 0.12, "CD-SK": 0.1, "CD-IT": 0.07, "CD-TO": 0.04, "CD-BC": 0.04},
    "SSD": {"SS-EC": 0.62, "SS-BW": 0.08, "SS-JG": 0.06, "SS-NU": 0.06, "SS-EE": 0.05},
    "CAF": {"CF-BGF": 0.64, "CF-MP": 0.1, "CF-UK": 0.05, "CF-NM": 0.05},
    "SOM": {"SO-BN": 0.55, "SO-WO": 0.12, "SO-NU": 0.06, "SO-BR": 0.06, "SO-MU": 0.05},
    "HTI": {"HT-OU": 0.66, "HT-ND": 0.1, "HT-AR": 0.08, "HT-SD": 0.05},
    "XKX": {"XKX-PRISHTINA": 0.45, "XKX-PRIZREN": 0.14, "XKX-FERIZAJ": 0.1, "XKX-PEJA": 0.1},
    "CYP": {"CY-01": 0.38, "CY-02": 0.26, "CY-03": 0.16, "CY-05": 0.12},
}
RESIDENCE_RECORDED = 0.85
NEIGHBOURS = {"COD": ("UGA", "RWA", "COG"), "SSD": ("UGA", "KEN"), "CAF": ("CMR", "COD"), "SOM": ("KEN", "ETH"),
              "HTI": ("DOM",), "XKX": ("ALB", "SRB"), "CYP": ("TUR", "GRC")}
# (modus, channel shares, share with a loss recorded, median loss USD, share with the offenders' country
# known, where they are: "home", "near" (a neighbour) or an ISO3 code, with shares).
MODUS = {
    "mobile_money_fraud": ({"mobile_money": 1.0}, 0.8, 45, 0.5, {"home": 0.82, "near": 0.18}),
    "sim_swap": ({"mobile_money": 1.0}, 0.85, 220, 0.45, {"home": 0.85, "near": 0.15}),
    "phishing": ({"messaging_app": 0.45, "email": 0.35, "social_media": 0.2}, 0.6, 140, 0.35,
                 {"home": 0.6, "near": 0.25, "NGA": 0.15}),
    "romance_scam": ({"social_media": 0.6, "messaging_app": 0.4}, 0.75, 850, 0.5,
                     {"NGA": 0.35, "CIV": 0.25, "home": 0.3, "CMR": 0.1}),
    "fake_job_offer": ({"social_media": 0.55, "marketplace": 0.3, "messaging_app": 0.15}, 0.7, 380, 0.6,
                       {"home": 0.4, "KEN": 0.25, "UGA": 0.15, "ARE": 0.2}),
    "bec": ({"email": 1.0}, 0.9, 16000, 0.4, {"NGA": 0.5, "home": 0.3, "near": 0.2}),
    "sextortion": ({"social_media": 0.6, "messaging_app": 0.4}, 0.45, 90, 0.45,
                   {"NGA": 0.3, "CIV": 0.3, "home": 0.4}),
    "image_abuse": ({"social_media": 0.55, "messaging_app": 0.45}, 0.0, 0, 0.8, {"home": 1.0}),
    "child_grooming": ({"social_media": 0.45, "messaging_app": 0.4, "dark_web": 0.15}, 0.0, 0, 0.3,
                       {"home": 0.6, "USA": 0.2, "near": 0.2}),
    "ransomware": ({"email": 0.6, "other": 0.4}, 0.5, 22000, 0.1, {"home": 1.0}),
    "intrusion": ({"email": 0.4, "other": 0.6}, 0.3, 3500, 0.15, {"home": 1.0}),
}
REPORTED_BY = {   # who reported it, by modus
    "mobile_money_fraud": {"police_report": 0.5, "financial_operator": 0.45, "cert": 0.05},
    "sim_swap": {"police_report": 0.45, "financial_operator": 0.55},
    "phishing": {"police_report": 0.5, "financial_operator": 0.25, "cert": 0.25},
    "romance_scam": {"police_report": 0.85, "platform_referral": 0.15},
    "fake_job_offer": {"police_report": 0.8, "platform_referral": 0.2},
    "bec": {"police_report": 0.6, "financial_operator": 0.4},
    "sextortion": {"police_report": 0.7, "platform_referral": 0.3},
    "image_abuse": {"police_report": 0.85, "platform_referral": 0.15},
    "child_grooming": {"platform_referral": 0.7, "police_report": 0.3},
    "ransomware": {"cert": 0.65, "police_report": 0.35},
    "intrusion": {"cert": 0.7, "police_report": 0.3},
}
LINK_SHARE = 0.45            # fake job offers that led to a trafficking incident found in the records
LINK_WINDOW_DAYS = (14, 120)
ACCOUNT_RECORDED = 0.55


def _pick(rng, shares: dict, n: int) -> np.ndarray:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p / p.sum())]


def _modus(rng, frame: pd.DataFrame) -> np.ndarray:
    """The modus operandi, consistent with the market and the demo's fraud subtype."""
    out = np.full(len(frame), "other", dtype=object)
    u = rng.random(len(frame))
    mm = frame["iso3"].map(MOBILE_MONEY).fillna(0.5).to_numpy()
    market, subtype = frame["market"].to_numpy(), frame["subtype"].fillna("").to_numpy()
    fraud = market == "online_fraud"
    mobile = fraud & (subtype == "mobile-money fraud")
    out[mobile] = np.where(u[mobile] < mm[mobile] * 0.8, "mobile_money_fraud",
                           np.where(u[mobile] < mm[mobile], "sim_swap", "phishing"))
    scams = fraud & (subtype == "investment and romance scams")
    out[scams] = np.where(u[scams] < 0.6, "romance_scam", "fake_job_offer")
    bec = fraud & (subtype == "business e-mail compromise")
    out[bec] = np.where(u[bec] < 0.8, "bec", "phishing")
    sext = market == "sextortion"
    out[sext] = np.where(u[sext] < 0.85, "sextortion", "image_abuse")
    out[market == "online_child_sexual_exploitation"] = "child_grooming"
    ransom = market == "ransomware"
    out[ransom] = np.where(u[ransom] < 0.6, "ransomware", "intrusion")
    return out


def draw(frame: pd.DataFrame, admin1: pd.DataFrame, trafficking: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The cyber columns for `frame` (incident_id, iso3, market, subtype, date_occurred, female victims,
    victims), one row each in the same order. `admin1` (code, iso3) lists the areas a residence can
    be; `trafficking` (incident_id, iso3, date_occurred) the incidents a fake job offer can lead to."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SPAWN_KEY,)))
    n = len(frame)
    modus = _modus(rng, frame)
    iso3 = frame["iso3"].to_numpy(dtype=object)
    channel = np.empty(n, dtype=object)
    loss = np.full(n, np.nan)
    offender = np.full(n, None, dtype=object)
    source = np.empty(n, dtype=object)
    for code in sorted(MODUS):
        rows = np.flatnonzero(modus == code)
        if not len(rows):
            continue
        channels, loss_share, median, known, where = MODUS[code]
        channel[rows] = _pick(rng, channels, len(rows))
        with_loss = rng.random(len(rows)) < loss_share
        loss[rows] = np.where(with_loss, np.round(median * rng.lognormal(0.0, 1.0, len(rows)), 0), np.nan)
        place = _pick(rng, where, len(rows))
        near = np.array([rng.choice(NEIGHBOURS.get(c, ("UGA",))) for c in iso3[rows]], dtype=object)
        place = np.where(place == "home", iso3[rows], np.where(place == "near", near, place))
        offender[rows] = np.where(rng.random(len(rows)) < known, place, None)
        source[rows] = _pick(rng, REPORTED_BY[code], len(rows))
    channel[modus == "other"], source[modus == "other"] = "other", "police_report"

    residence = np.full(n, None, dtype=object)
    for country in sorted(set(iso3) - {None}):
        rows = np.flatnonzero(iso3 == country)
        codes = admin1.loc[admin1["iso3"] == country, "code"].tolist()
        if not codes:
            continue
        named = RESIDENCE.get(country, {})
        rest = [c for c in codes if c not in named]
        weights = {**{c: w for c, w in named.items() if c in codes},
                   **{c: max(0.0, 1 - sum(named.values())) / max(len(rest), 1) for c in rest}}
        residence[rows] = _pick(rng, weights, len(rows))
    residence = np.where(rng.random(n) < RESIDENCE_RECORDED, residence, None)

    # TF-GBV: image-based abuse of women and girls, and most sextortion of female victims.
    female = frame["female_victims"].to_numpy() > 0
    tfgbv = ((modus == "image_abuse") & female & (rng.random(n) < 0.9)) | \
            ((modus == "sextortion") & female & (rng.random(n) < 0.6))

    linked = np.full(n, None, dtype=object)
    dates = pd.to_datetime(frame["date_occurred"]).to_numpy().astype("datetime64[D]")
    # Per territory, its trafficking incidents by date: a search per offer, not a scan.
    targets = {}
    for country, group in trafficking.groupby("iso3", sort=True):
        group = group.sort_values(["date_occurred", "incident_id"])
        targets[country] = (pd.to_datetime(group["date_occurred"]).to_numpy().astype("datetime64[D]"),
                            group["incident_id"].to_numpy(dtype=object))
    for row in np.flatnonzero(modus == "fake_job_offer"):
        if rng.random() >= LINK_SHARE or iso3[row] not in targets:
            continue
        days, ids = targets[iso3[row]]
        lo = np.searchsorted(days, dates[row] + np.timedelta64(LINK_WINDOW_DAYS[0], "D"), side="left")
        hi = np.searchsorted(days, dates[row] + np.timedelta64(LINK_WINDOW_DAYS[1], "D"), side="right")
        if hi > lo:
            linked[row] = ids[int(rng.integers(lo, hi))]

    kind = np.where(np.isin(channel, ["mobile_money"]), "WALLET", "HANDLE")
    numbers = rng.integers(100_000, 999_999, n)
    account = np.where(rng.random(n) < ACCOUNT_RECORDED,
                       np.char.add(np.char.add("SYN-", kind.astype(str)), np.char.add("-", numbers.astype(str))), None)
    return pd.DataFrame({"incident_id": frame["incident_id"].to_numpy(), "cyber_modus": modus,
                         "cyber_channel": channel, "cyber_loss_usd": loss, "residence_admin1_code": residence,
                         "offender_iso3": offender, "cyber_report_source": source, "tfgbv": tfgbv,
                         "linked_trafficking_id": linked, "cyber_account_ref": account})
