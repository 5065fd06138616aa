"""Trafficking and protection data to UNODC's standard (issue #32): exact indicators on a hand-made
store, linked tables that give no hidden count away, protection links kept from the shared and
commissioner outputs, narrative screening at import and the justice import."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tnt_dash import access, cli, i18n, queries, seed, store
from tnt_dash.filters import Filters
from tnt_dash.gender import audit, data as gdata, pack, screen, trafficking
from tnt_dash.gender.counts import GROUPS
from tnt_dash.gender.table import TOTAL_KEY, Table
from tnt_dash.importers import ledger, pipeline, screening
from tnt_dash.scope import Scope

from .conftest import SHARED_CAF, first_admin1, insert_incident
from .test_app import APP
from .test_gender import small_counts_in

T = i18n.get("en")
K = 5
NOV = Filters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 30))


# Four incidents; every figure below is worked out by hand from this table.
#  id  date        iso3 market           form                 fa fc mu? victims | dom for | ref not decl | crsv grave
#  T1  2026-10-05  CAF  trafficking      sexual_exploitation  fa4 fc3 uu2     9  |  6   2  |  5   1   1   | yes  sexual_violence
#  T2  2026-11-10  CAF  trafficking      forced_labour        ma5 mc1 uc2     8  |  8   0  |  2   0   0   | no   -
#  T3  2026-11-12  CAF  trafficking      (not recorded)       fa1             1  |  0   0  |  0   0   0   | no   -
#  T4  2026-11-12  HTI  kidnapping       -                    mc2             2  |  -      |  -           | no   abduction
# Offenders of T1: arrested 1 woman, 5 men, 1 boy; prosecuted 1 woman, 3 men; convicted 2 men.
@pytest.fixture
def tip_db(tmp_path: Path) -> Path:
    path = tmp_path / "tip.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf, hti = first_admin1(con, "CAF"), first_admin1(con, "HTI")
    common = dict(market="human_trafficking", mission="MINUSCA", iso3="CAF", admin1_code=caf)
    insert_incident(con, incident_id="T1", date_occurred="2026-10-05", v_female_adult=4, v_female_child=3,
                    v_unknown_unknown=2, exploitation_form="sexual_exploitation", victims_domestic=6,
                    victims_foreign=2, victim_citizenships="TCD", victims_referred=5, victims_not_referred=1,
                    victims_declined_referral=1, crsv_referred=True, grave_violations="sexual_violence",
                    arrests_female=1, arrests_male=6, **common)
    insert_incident(con, incident_id="T2", date_occurred="2026-11-10", v_male_adult=5, v_male_child=1,
                    v_unknown_child=2, exploitation_form="forced_labour", victims_domestic=8, victims_referred=2,
                    **common)
    insert_incident(con, incident_id="T3", date_occurred="2026-11-12", v_female_adult=1, **common)
    insert_incident(con, incident_id="T4", date_occurred="2026-11-12", market="kidnapping_for_ransom",
                    mission="BINUH", iso3="HTI", admin1_code=hti, v_male_child=2, grave_violations="abduction")
    con.executemany("INSERT INTO offenders VALUES (?, ?, ?, ?, ?, ?, 'fixture')", [
        ("T1", "arrested", "female", "adult", 1, date(2026, 10, 6)), ("T1", "arrested", "male", "adult", 5, date(2026, 10, 6)),
        ("T1", "arrested", "male", "child", 1, date(2026, 10, 6)), ("T1", "prosecuted", "female", "adult", 1, date(2026, 11, 20)),
        ("T1", "prosecuted", "male", "adult", 3, date(2026, 11, 20)), ("T1", "convicted", "male", "adult", 2, date(2026, 11, 25))])
    con.close()
    return path


@pytest.fixture
def tip(tip_db):
    con = store.connect(tip_db, read_only=True)
    yield con
    con.close()


def rows(table: Table) -> dict:
    return {r["key"]: r for r in table.frame.to_dict("records")}


def test_victims_by_form_exact(tip):
    r = rows(trafficking.forms_table(tip, Scope(NOV, access.ANALYST, T.lang)))
    assert [r["sexual_exploitation"][g] for g in (*GROUPS, "victims")] == [4, 0, 3, 0, 2, 9]
    assert [r["forced_labour"][g] for g in (*GROUPS, "victims")] == [0, 5, 0, 1, 2, 8]
    assert [r["unknown"][g] for g in (*GROUPS, "victims")] == [1, 0, 0, 0, 0, 1]       # not recorded: shown
    assert [r[TOTAL_KEY][g] for g in (*GROUPS, "victims")] == [5, 5, 3, 1, 4, 18]     # kidnapping is not trafficking
    assert r["unknown"]["label"] == "Form not recorded"


def test_sdg_16_2_2_by_form_exact(tip):
    caf = rows(trafficking.sdg_by_form(tip, Scope(NOV, access.ANALYST, T.lang)))["CAF"]
    assert (caf["sexual_exploitation"], caf["forced_labour"], caf["unknown"], caf["victims"]) == (9, 8, 1, 18)
    assert caf["rate_sexual_exploitation"] == pytest.approx(9 / 5_331_000 * 100_000)
    assert caf["rate_forced_labour"] == pytest.approx(8 / 5_331_000 * 100_000)
    assert "rate_begging" not in caf                                                  # no victims: no column


def test_citizenship_and_referral_exact(tip):
    caf = rows(trafficking.citizenship_table(tip, Scope(NOV, access.ANALYST, T.lang)))["CAF"]
    assert (caf["domestic"], caf["foreign"], caf["citizenship_unknown"]) == (14, 2, 2)
    assert (caf["referred"], caf["not_referred"], caf["declined"], caf["referral_unknown"]) == (7, 1, 1, 9)
    assert caf["share_foreign"] == pytest.approx(2 / 16)           # of the 16 with citizenship recorded
    assert caf["share_referred"] == pytest.approx(7 / 18)          # of all 18 detected victims
    assert trafficking.citizenships_named(tip, Scope(NOV, access.ANALYST)) == [("TCD", 1)]
    assert trafficking.citizenships_named(tip, Scope(NOV, access.GENDER, "en", "export")) == []    # 1 incident < k


def test_offenders_through_the_chain_exact(tip):
    r = rows(trafficking.chain_table(tip, Scope(NOV, access.ANALYST, T.lang)))
    assert [r["arrested"][c] for c in ("female", "male", "sex_unknown", "child", "adult", "age_unknown", "persons")] \
        == [1, 6, 0, 1, 6, 0, 7]
    assert (r["prosecuted"]["female"], r["prosecuted"]["male"], r["prosecuted"]["persons"]) == (1, 3, 4)
    assert (r["convicted"]["male"], r["convicted"]["persons"]) == (2, 2)
    assert r["arrested"]["share_women"] == pytest.approx(1 / 7)
    assert TOTAL_KEY not in r                                      # the stages do not add up


def test_protection_links_counted_for_gender_and_analyst_only(tip):
    links = trafficking.protection_links(tip, Scope(NOV, access.ANALYST))
    assert links.crsv == 1 and links.grave == {"recruitment": 0, "abduction": 1, "sexual_violence": 1,
                                               "killing_maiming": 0}
    protected = trafficking.protection_links(tip, Scope(NOV, access.GENDER, "en", "export"))
    assert protected.crsv == "<5" and protected.grave["recruitment"] == 0       # small counts hidden in files
    for profile in (access.COMMISSIONER, SHARED_CAF):
        assert trafficking.protection_links(tip, Scope(NOV, profile)) is None
        data = gdata.gender_data(tip, Scope(NOV, profile, "en", "export"))
        assert "Protection referrals" not in pack.pack_sheets(data, T)
        assert screen.protection(T, data) is None


def test_protection_flags_never_reach_shared_or_commissioner_record_lists(tip):
    analyst = queries.incident_list(tip, NOV, access.ANALYST, "en")
    assert {"crsv_referred", "grave_violations"} <= set(analyst.columns)
    assert analyst.set_index("incident_id").loc["T1", "grave_violations"] == "sexual_violence"
    for profile in (access.COMMISSIONER, SHARED_CAF, access.GENDER):
        frame = queries.incident_list(tip, NOV, profile, "en")
        assert len(frame) and not {"crsv_referred", "grave_violations"} & set(frame.columns), profile.name
        assert "sexual_violence" not in frame.astype(str).to_numpy().ravel().tolist()


def test_linked_table_withheld_where_the_published_row_hides_a_count(tip):
    # Under the shared profile the market table's trafficking row hides girls (3) and boys (1): the
    # forms table, whose total row is that row, would give them away, so it is withheld.
    data = gdata.gender_data(tip, Scope(NOV, SHARED_CAF, "en", "export"), span="period")
    ht = rows(data.groups["market"])["human_trafficking"]
    assert ht["girls"] == "<5" and ht["boys"] == "<5"
    assert data.trafficking.forms.withheld


def forms_frame(cells: list[list[int]]) -> pd.DataFrame:
    f = pd.DataFrame(cells, columns=list(GROUPS))
    f.insert(0, "key", [f"f{i}" for i in range(len(f))])
    f.insert(1, "label", f["key"])
    f["victims"] = f[list(GROUPS)].sum(axis=1)
    total = {"key": TOTAL_KEY, "label": "Total", **{c: int(f[c].sum()) for c in (*GROUPS, "victims")}}
    return pd.concat([f, pd.DataFrame([total])], ignore_index=True)


def test_protect_linked_hand_cases():
    frame = forms_frame([[12, 9, 3, 8, 6], [10, 14, 7, 1, 9], [8, 6, 11, 9, 2]])
    total = frame.iloc[-1]
    shown = {(TOTAL_KEY, c): int(total[c]) for c in (*GROUPS, "victims")}
    table = trafficking.protect_linked(frame, [GROUPS], "victims", True, shown)
    assert not table.withheld
    last = table.frame.iloc[-1]
    assert [last[c] for c in (*GROUPS, "victims")] == [int(total[c]) for c in (*GROUPS, "victims")]
    cells = {c: table.frame[c].to_numpy(dtype=object) for c in (*GROUPS, "victims")}
    # Complementary suppression holds with the shared row known: no "<5" cell can be worked out
    # (exact integer programs, not the path search the protection itself uses).
    assert "<5" in cells["boys"].tolist()
    assert audit.pinned_cells(cells, [*GROUPS, "victims"], "victims", [GROUPS], K, method="milp") == []
    for published in ("<5", "x", None):
        assert trafficking.protect_linked(frame, [GROUPS], "victims", True,
                                          {**shown, (TOTAL_KEY, "boys"): published}).withheld
    # A count that differs is no link: ignored, and the table is protected on its own.
    assert not trafficking.protect_linked(frame, [GROUPS], "victims", True, {(TOTAL_KEY, "boys"): 99}).withheld
    assert not trafficking.protect_linked(frame, [GROUPS], "victims", False, {(TOTAL_KEY, "boys"): "<5"}).withheld


def test_linked_tables_on_the_demo_store_give_nothing_away(demo_con):
    filters = Filters(date_from=date(2025, 12, 1), date_to=date(2026, 11, 29))
    data = gdata.gender_data(demo_con, Scope(filters, access.GENDER, "en", "export"), span="period")
    tr = data.trafficking
    published = [tr.forms, tr.sdg_forms, tr.citizenship, tr.chain]
    assert sum(not t.withheld for t in published) >= 3, [t.withheld for t in published]
    market = rows(data.groups["market"]).get("human_trafficking")
    if not tr.forms.withheld and market is not None:
        last = tr.forms.frame.iloc[-1]
        assert [last[c] for c in (*GROUPS, "victims")] == [market[c] for c in (*GROUPS, "victims")]
    for table, parts, total in ((tr.forms, [GROUPS], "victims"),
                                (tr.citizenship, [trafficking.CITIZEN_PARTS, trafficking.REFERRAL_PARTS], "victims")):
        if table.withheld:
            continue
        columns = [*dict.fromkeys(c for p in parts for c in p), total]
        cells = {c: table.frame[c].to_numpy(dtype=object) for c in columns}
        assert audit.pinned_cells(cells, columns, total, parts, K, method="milp") == []
    sheets = pack.pack_sheets(data, T)
    for name in ("Victims by form", "SDG 16.2.2 by form", "Citizenship, referral", "Offenders chain"):
        assert not small_counts_in(sheets[name]), (name, small_counts_in(sheets[name]))


def test_demo_store_has_every_form_citizenship_and_stage(demo_con):
    forms = dict(demo_con.execute("""SELECT coalesce(exploitation_form, 'unknown'), count(*) FROM incidents
                                     WHERE market = 'human_trafficking' GROUP BY 1""").fetchall())
    assert {"sexual_exploitation", "forced_labour", "child_soldiers", "forced_marriage", "unknown"} <= set(forms)
    assert not demo_con.execute("""SELECT count(*) FROM incidents WHERE exploitation_form IS NOT NULL
                                   AND market <> 'human_trafficking'""").fetchone()[0]
    bad = demo_con.execute("""SELECT count(*) FROM incidents WHERE victims_domestic + victims_foreign >
        v_female_child + v_female_adult + v_female_unknown + v_male_child + v_male_adult + v_male_unknown
        + v_unknown_child + v_unknown_adult + v_unknown_unknown""").fetchone()[0]
    assert bad == 0
    stages = dict(demo_con.execute("SELECT stage, sum(persons) FROM offenders GROUP BY 1").fetchall())
    assert stages["arrested"] > stages["prosecuted"] > stages["convicted"] > 0
    late = demo_con.execute("""SELECT count(*) FROM offenders o JOIN incidents i USING (incident_id)
                               WHERE o.stage_date < i.date_occurred""").fetchone()[0]
    assert late == 0


def csv_rows(path: Path) -> pd.DataFrame:
    with path.open(encoding="utf-8-sig", newline="") as f:
        lines = [row for row in csv.reader(f) if row and not row[0].startswith("#")]
    return pd.DataFrame(lines[1:], columns=lines[0])


def test_cli_export_lists_forms_with_counts_in_english_and_french(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    out = tmp_path / "tip.csv"
    assert cli.main(["--db", str(demo_db), "export", "trafficking", "--format", "csv", "--out", str(out)]) == 0
    frame = csv_rows(out)
    assert list(frame.columns) == ["Indicator", "Category", "Group", "Count"]
    forms = frame[(frame["Indicator"] == "Victims by form of exploitation") & (frame["Group"] == "Victims")]
    assert {"Sexual exploitation", "Forced labour", "Child soldiers (recruitment by armed groups)"} <= set(forms["Category"])
    assert all(int(n) > 0 for n in forms["Count"])
    assert {"Arrested", "Prosecuted", "Convicted"} <= set(frame["Category"])
    out_fr = tmp_path / "tip_fr.csv"
    assert cli.main(["--db", str(demo_db), "--lang", "fr", "export", "trafficking", "--format", "csv",
                     "--out", str(out_fr)]) == 0
    fr = csv_rows(out_fr)
    assert {"Exploitation sexuelle", "Travail forcé", "Enfants soldats (recrutement par des groupes armés)",
            "Condamnés"} <= set(fr["Catégorie"])


def test_cli_export_under_the_shared_profile_shows_no_small_count(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "shared")
    out = tmp_path / "tip.csv"
    assert cli.main(["--db", str(demo_db), "export", "trafficking", "--format", "csv", "--out", str(out)]) == 0
    frame = csv_rows(out)
    counts = [v for v in frame["Count"] if v]
    assert counts and not [v for v in counts if v in {"1", "2", "3", "4"}]


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_narrative_screening_flags_but_keeps_the_row(tip_db, tmp_path):
    from tnt_dash.importers.fields import EXAMPLE_ROW, FIELDS
    base = {**EXAMPLE_ROW, "market": "human_trafficking", "v_female_child": 2, "exploitation_form": "travail forcé",
            "victims_domestic": 2, "victims_referred": 1}
    narratives = {"N1": "Victim Amina Yusuf, 14 years old, tel +236 75 12 34 56.",
                  "N2": "Two girls found at a checkpoint; referred to the shelter.",
                  "N3": "La victime, dénommée Grace, vit au 12 rue des Manguiers."}
    rows_ = [[{**base, "incident_id": i, "narrative": n}.get(f, "") for f in FIELDS] for i, n in narratives.items()]
    path = write_csv(tmp_path / "tip.csv", list(FIELDS), rows_)
    report = pipeline.run_import(tip_db, path)
    assert report.inserted == 3 and report.quarantined == 0                           # rows kept
    notes = {w["row"]: w["reason"] for w in report.warnings if w["field"] == "narrative"}
    assert set(notes) == {2, 4}
    assert "a name" in notes[2] and "a phone number" in notes[2] and "an exact age" in notes[2]
    assert "an exact address" in notes[4]
    assert not [n for n in notes.values() if "Amina" in n or "75 12" in n or "Grace" in n]   # never quoted
    con = store.connect(tip_db, read_only=True)
    try:
        stored = screening.stored_flags(con)
        assert con.execute("SELECT exploitation_form FROM incidents WHERE incident_id = 'N2'").fetchone()[0] == \
            "forced_labour"
    finally:
        con.close()
    assert set(stored["incident_id"]) == {"N1", "N3"}
    assert bool(stored.set_index("incident_id").loc["N1", "phone"])


@pytest.mark.parametrize("text, kinds", [
    ("Patrol seized four rifles near Birao on 16/11/2026; value 2 400 USD.", []),
    ("Three victims (two girls) referred to the Bangui shelter. Ref DEMO-CAF-00001234.", []),
    ("Contact: someone@example.org", ["email"]),
    ("Mme Kabongo reported her daughter missing.", ["name"]),
    ("A girl aged 13 was found at the site.", ["age"]),
])
def test_narrative_patterns(text, kinds):
    assert screening.flags(text, place="Birao – site 3") == kinds


def test_justice_import_adds_convictions_later_and_refuses_what_it_cannot_place(tip_db, tmp_path):
    path = write_csv(tmp_path / "justice.csv", ["identifiant", "etape", "date_etape", "sexe", "age", "personnes"], [
        ["T2", "condamné", "2027-03-01", "homme", "adulte", 3],
        ["T2", "convicted", "2026-01-01", "male", "adult", 1],        # before the incident
        ["NOPE", "convicted", "2027-03-01", "male", "adult", 1],      # no such incident
        ["T2", "acquitted", "2027-03-01", "male", "adult", 1],        # not a stage
    ])
    report = pipeline.run_import(tip_db, path)
    assert report.format == "justice" and report.inserted == 1 and report.quarantined == 3
    reasons = {e["row"]: e["reason"] for e in report.errors}
    assert "before the incident" in reasons[3] and "no incident NOPE" in reasons[4] and "unknown stage" in reasons[5]
    con = store.connect(tip_db, read_only=True)
    try:
        r = rows(trafficking.chain_table(con, Scope(NOV, access.ANALYST, T.lang)))
    finally:
        con.close()
    assert r["convicted"]["male"] == 5 and r["convicted"]["persons"] == 5          # 2 + 3 men
    assert ledger.rollback(tip_db, report.batch_id)["removed"] == 1


def test_native_template_refuses_inconsistent_detail(tip_db, tmp_path):
    from tnt_dash.importers.fields import EXAMPLE_ROW, FIELDS
    base = {**EXAMPLE_ROW, "market": "human_trafficking", "v_female_child": 2}
    bad = [{**base, "incident_id": "B1", "victims_foreign": 3},
           {**base, "incident_id": "B2", "market": "arms_trafficking", "exploitation_form": "begging"},
           {**base, "incident_id": "B3", "exploitation_form": "slavery"},
           {**base, "incident_id": "B4", "grave_violations": "looting"}]
    path = write_csv(tmp_path / "bad.csv", list(FIELDS), [[r.get(f, "") for f in FIELDS] for r in bad])
    report = pipeline.run_import(tip_db, path)
    assert report.quarantined == 4 and report.inserted == 0
    text = " ".join(e["reason"] for e in report.errors)
    for part in ("more than the incident's victims", "human trafficking only", "unknown form of exploitation",
                 "unknown grave violation"):
        assert part in text


@pytest.mark.parametrize("profile, links", [("analyst", True), ("gender", True), ("commissioner", False),
                                            ("shared", False)])
def test_gender_page_shows_the_trafficking_sections(demo_env, monkeypatch, profile, links):
    monkeypatch.setenv("TNT_PROFILE", profile)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/gender.py").run()
    assert not at.exception, [e.message for e in at.exception]
    titles = [h.value for h in at.subheader]
    assert any(title.startswith("Trafficking victims by form of exploitation") for title in titles)
    assert any(title.startswith("SDG 16.2.2 by form of exploitation") for title in titles)
    assert "Trafficking offenders through the criminal-justice chain" in titles
    assert ("Protection referrals (not for the host State)" in titles) is links
    captions = "\n".join(c.value for c in at.caption)
    assert "Detection is not prevalence" in captions and "art. 3(c)" in captions
    assert bool([df for df in at.dataframe if "Referral" in df.value.columns]) is links
    np.testing.assert_equal(bool(at.dataframe), True)
