"""The synthetic capacity-building data of the demo store: the project's implementation period as
the project document plans it, the focal-point roster, the assessments and four library documents,
all flagged synthetic."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from . import library
from .activities import ActivityRow, insert_rows
from .definitions import ACTIVITY_TYPES, IMPLEMENTATION
from .schema import ensure_tables
from .settings import load_budget, load_criteria

DEMO_MISSIONS = ("MINUSCA", "MONUSCO", "UNMISS", "UNISFA", "UNFICYP", "UNMIK", "BINUH", "MINURSO", "UNTMIS")


def generate_demo_activities(con, seed: int = 7, end: date | None = None) -> int:
    """The project's implementation period (IMPLEMENTATION, January-December 2024) as the project
    document plans it, flagged synthetic: monthly calls, the newsletter, one Focal Point Network
    workshop (15-20 participants and key partners), in-mission trainings, visits and assessments,
    remote PKI support and online workshops, consultations with the Police Gender Officer and female
    police networks, Specialized Police Teams (supplied by Member States, at no cost to the project),
    and a focal-point roster whose rotations are handed over with the handover pack.

    Costs use the document's budget lines and stay within them; programme support is 13 % of each
    activity's direct costs. Records after `end` (a store that ends earlier) are left out."""
    ensure_tables(con)
    end = end or date.today()
    start, stop = IMPLEMENTATION
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(42,)))
    budget = load_budget().set_index("code")["amount_usd"]
    rows: list[ActivityRow] = []

    def people(n: int, women: float) -> tuple[int, int, int]:
        unknown = int(rng.binomial(n, 0.05))
        female = int(rng.binomial(n - unknown, women))
        return female, n - unknown - female, unknown

    def add(kind: str, day: date, mission: str | None, title: str, n: int, women: float, speakers: int,
            partners: list[str], costs: dict[str, float], days: int = 1, outputs: str | None = None) -> None:
        pf, pm, pu = people(n, women)
        sf, sm, su = people(speakers, women)
        rows.append(ActivityRow(
            activity_id=f"DEMO-{len(rows) + 1:04d}", activity_type=kind, title=title, date_start=day,
            date_end=day + timedelta(days=days - 1), mission=mission, partners=partners,
            participants_female=pf, participants_male=pm, participants_unknown=pu,
            speakers_female=sf, speakers_male=sm, speakers_unknown=su, outputs=outputs, costs=costs))

    def day_in(first: int = 0, last: int = 365) -> date:
        return start + timedelta(days=int(rng.integers(first, last)))

    month = start
    while month <= stop:
        call = month + timedelta(days=(1 - month.weekday()) % 7 + 7)   # second Tuesday
        add("video_call", call, None, f"SOC Focal Point Network call {call:%Y-%m}", int(rng.integers(14, 24)),
            0.38, 3, [], {})
        issue = month + timedelta(days=27)
        if month.month % 3 != 0:     # no issue in the quarter's closing month
            add("newsletter", issue, None, f"SOC network newsletter {issue:%Y-%m}", 0, 0.4, 0, [], {},
                outputs="Newsletter issue")
        month = (month + timedelta(days=32)).replace(day=1)
    workshop = day_in(120, 240)
    focal_points, key_partners = int(rng.integers(15, 21)), int(rng.integers(4, 7))
    add("workshop", workshop, None, "Annual SOC Focal Point Network workshop", focal_points + key_partners, 0.45, 8,
        ["GFP", "UNODC", "INTERPOL", "OHCHR", "PCC"],
        {"travel_workshop": budget["travel_workshop"] * rng.uniform(0.9, 0.98),
         "conference_services": budget["conference_services"] * rng.uniform(0.85, 0.98)}, days=4,
        outputs=f"{focal_points} focal points and {key_partners} key partners; workshop report; updated work plan")
    for offset in (60, 270):
        add("online_workshop", day_in(offset, offset + 30), None, "Online workshop of the SOC Focal Point Network",
            int(rng.integers(18, 30)), 0.42, 4, ["GFP", "UNODC"], {}, outputs="Recording and summary shared")
    women_by_mission = dict(zip(DEMO_MISSIONS, (0.34, 0.31, 0.42, 0.22, 0.6, 0.55, 0.36, 0.28, 0.3)))
    visits = []     # in-mission activities paid from the travel line, scaled to it below
    for mission in DEMO_MISSIONS:
        women = women_by_mission[mission]
        for _ in range(int(rng.integers(1, 3))):
            visits.append(len(rows))
            add("training_crime", day_in(20, 340), mission, f"{ACTIVITY_TYPES['training_crime']} – {mission}",
                int(rng.integers(12, 35)), women, int(rng.integers(2, 5)), ["GFP", "UNODC", "HOST_STATE"],
                {"travel_missions": rng.uniform(2500, 5000)}, days=int(rng.integers(2, 6)),
                outputs="Participants trained; post-course test")
        visits.append(len(rows))
        add("training_pki", day_in(20, 340), mission, f"{ACTIVITY_TYPES['training_pki']} – {mission}",
            int(rng.integers(10, 25)), women, int(rng.integers(2, 4)), [],
            {"travel_missions": rng.uniform(2000, 4000)}, days=int(rng.integers(2, 4)),
            outputs="Mission staff trained (mission-internal)")
        for first, last in ((30, 120), (240, 330)):
            visits.append(len(rows))
            add("assessment", day_in(first, last), mission, f"PKI and crime-intelligence assessment – {mission}", 0,
                0.5, 0, [], {"travel_missions": rng.uniform(1500, 3000)}, days=3, outputs="Assessment report")
        for _ in range(int(rng.integers(1, 4))):
            add("remote_pki_support", day_in(), mission, f"{ACTIVITY_TYPES['remote_pki_support']} – {mission}",
                int(rng.integers(2, 8)), women, 1, [], {}, outputs="PKI products reviewed at a distance")
        add("gender_consultation", day_in(30, 330), mission, f"Consultation with the Police Gender Officer and "
            f"female police network – {mission}", int(rng.integers(6, 20)), max(women, 0.75), 1, [], {},
            outputs="Gender considerations in the mission's SOC work plan")
        if rng.random() < 0.5:
            add("spt_deployment", day_in(30, 300), mission, f"Specialized Police Team on crime intelligence – {mission}",
                int(rng.integers(8, 20)), women, 4, ["PCC"], {}, days=int(rng.integers(30, 90)),
                outputs="Crime-intelligence unit mentored; team supplied by a Member State")
        if rng.random() < 0.4:
            add("partner_contribution", day_in(), mission, f"Contribution to INTERPOL regional operation – {mission}",
                int(rng.integers(5, 15)), women, 1, ["INTERPOL"], {}, days=2, outputs="Mission briefing to the operation")
    # The in-mission travel spends a share of its budget line; programme support is 13 % of direct costs.
    direct = sum(rows[i].costs["travel_missions"] for i in visits)
    scale = budget["travel_missions"] * rng.uniform(0.88, 0.97) / direct
    for i in visits:
        rows[i].costs["travel_missions"] *= scale
    for row in rows:
        row.costs = {k: round(v, -1) for k, v in row.costs.items()}
        if row.costs:
            row.costs["programme_support"] = round(0.13 * sum(row.costs.values()), -1)

    roster, handovers = _demo_roster(rng, women_by_mission)
    for mission, day, holder in handovers:
        add("handover", day, mission, f"Focal-point handover – {mission}", 2, women_by_mission[mission], 0, [], {},
            outputs=f"Handover pack passed on by {holder}: contacts, open files, reporting calendar, PKI products")
    rows = sorted((r for r in rows if r.date_start <= end), key=lambda r: (r.date_start, r.activity_id))
    insert_rows(con, rows, synthetic=True, batch_id=f"demo-{seed}")
    con.executemany("INSERT INTO focal_points VALUES (?, ?, ?, ?, ?, ?, TRUE)",
                    [r for r in roster if r[3] <= end])

    criteria = load_criteria()
    scores = []
    for mission in DEMO_MISSIONS:
        level = rng.uniform(0.25, 0.6)
        for activity in (r for r in rows if r.activity_type == "assessment" and r.mission == mission):
            for c in criteria.itertuples():
                score = float(np.clip(round(c.max_score * (level + rng.normal(0, 0.12))), 0, c.max_score))
                scores.append([activity.activity_id, mission, activity.date_start, c.code, score, True])
            level = min(1.0, level + rng.uniform(0.03, 0.15))   # capacity grows between assessments
    if scores:
        con.executemany("INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?)", scores)
    generate_demo_documents(con)
    return len(rows)


def _demo_roster(rng, missions) -> tuple[list[tuple], list[tuple]]:
    """Each mission's focal point and alternate, deployed for about a year, rotating through the
    implementation period; a handover (with the pack, nine times in ten) before each rotation."""
    start, stop = IMPLEMENTATION
    roster, handovers = [], []
    for mission in missions:
        for n, post in enumerate(("focal_point", "alternate")):
            began = start - timedelta(days=int(rng.integers(30, 330)))
            number = 1
            while began <= stop:
                due = began + timedelta(days=int(rng.integers(330, 396)))
                holder = f"{mission}-{'FP' if n == 0 else 'ALT'}-{number:02d}"
                ready = bool(rng.random() < 0.9) if due <= stop + timedelta(days=60) else False
                roster.append((mission, post, holder, began, due, ready))
                if start <= due <= stop and ready:
                    handovers.append((mission, due - timedelta(days=int(rng.integers(5, 20))), holder))
                began, number = due, number + 1
    return roster, handovers


# The good-practice library's synthetic documents, one per marking the profiles tell apart.
DEMO_DOCUMENTS = [
    ("good-practice-checkpoints.md", "TLP:GREEN", "UNCLASSIFIED", "en", ["arms_trafficking"], ["MINUSCA"],
     ["checkpoints", "joint patrols"],
     "# Joint checkpoints with the host-State police\n\nSynthetic demonstration document.\n\n"
     "Rotating joint checkpoints on the main transit axes, with a shared logbook and a weekly debrief, "
     "raised seizures of small arms while keeping the population's trust. Record every search by the sex of "
     "the person searched."),
    ("bonne-pratique-mines.md", "TLP:CLEAR", "UNCLASSIFIED", "fr", ["illicit_mining"], ["MONUSCO"],
     ["mines artisanales", "certification"],
     "# Cartographie des sites miniers artisanaux\n\nDocument de démonstration synthétique.\n\n"
     "La police des mines et la mission ont cartographié les sites et les points de taxation illégale, "
     "avec la coopérative locale et le service de certification."),
    ("pki-handling-notes.md", "TLP:AMBER", "CONFIDENTIAL", "en", ["kidnapping_for_ransom"], ["BINUH"],
     ["pki", "sources"],
     "# Handling kidnapping information from community sources\n\nSynthetic demonstration document.\n\n"
     "Grade every report on the Admiralty scale before it enters the crime-intelligence cycle; apply the "
     "Human Rights Due Diligence Policy before any sharing with the host State."),
    ("spt-lessons.md", "TLP:GREEN", "CONFIDENTIAL", "en", ["human_trafficking"], ["UNMISS"],
     ["specialized police team", "mentoring"],
     "# SPT deployment: lessons learned\n\nSynthetic demonstration document.\n\n"
     "Co-location with the host-State anti-trafficking unit for three months produced the first joint "
     "victim-referral protocol."),
]


def generate_demo_documents(con) -> int:
    for filename, tlp, classification, language, markets, missions, tags, text in DEMO_DOCUMENTS:
        library.add_document(con, filename, text.encode("utf-8"), tlp=tlp, classification=classification,
                             language=language, markets=markets, missions=missions, tags=tags, synthetic=True)
    return len(DEMO_DOCUMENTS)
