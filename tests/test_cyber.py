"""The cyber-threat picture (issue #37): figures worked out by hand on a small store, the export, the
importer's cyber fields, the demo's cyber details, area rankings by the victims' residence, and the
page under every profile with no identifier or restricted record reaching a shared screen."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tnt_dash import access, i18n, queries, store
from tnt_dash.cyber import bundle, codes, data, synthetic
from tnt_dash.cyber.export import cyber_view
from tnt_dash.exports import FORMATS, to_bytes
from tnt_dash.filters import Filters
from tnt_dash.importers import common, fields, native
from tnt_dash import presented, seed, views
from tnt_dash.scope import Scope

from .conftest import SHARED_CAF, insert_incident
from .test_app import run_page
from .test_leaks import walk_protos

ACCOUNT = "CANARYACCTZQX"   # an account identifier: never on any screen or in any export
FAR = "QQQ"                 # the offenders' country of a STRICTLY CONFIDENTIAL record only

# Eight incidents, all in the Central African Republic, each the host State's own report:
#  id  date        market             modus               channel       loss   offenders residence  victims      other
#  C1  2026-11-16  online_fraud       mobile_money_fraud  mobile_money  100    CAF       CF-BGF     fa1 ma1      account
#  C2  2026-11-17  online_fraud       mobile_money_fraud  mobile_money  300    CMR       CF-BGF     ma2
#  C3  2026-11-18  sextortion         sextortion          social_media  -      NGA       CF-MP      fc3          TF-GBV
#  C4  2026-10-01  online_fraud       fake_job_offer      social_media  50     KEN       -          fa1          -> T1
#  C5  2026-10-05  online_fraud       fake_job_offer      marketplace   -      -         -          -            -> T2
#  C6  2026-11-16  ransomware         ransomware          email         10000  QQQ       -          -            STRICTLY CONF., account
#  T1  2026-10-31  human_trafficking  (30 days after C4, CF-HM)                                     fa2
#  T2  2026-10-15  human_trafficking  (10 days after C5, CF-HM, TLP:RED)                            fa4
CYBER = dict(mission="MINUSCA", iso3="CAF")


@pytest.fixture(scope="module")
def cyber_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cyber") / "cyber.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    rows = [
        dict(incident_id="C1", date_occurred="2026-11-16", market="online_fraud", cyber_modus="mobile_money_fraud",
             cyber_channel="mobile_money", cyber_loss_usd=100, offender_iso3="CAF", residence_admin1_code="CF-BGF",
             v_female_adult=1, v_male_adult=1, cyber_report_source="financial_operator", cyber_account_ref=ACCOUNT),
        dict(incident_id="C2", date_occurred="2026-11-17", market="online_fraud", cyber_modus="mobile_money_fraud",
             cyber_channel="mobile_money", cyber_loss_usd=300, offender_iso3="CMR", residence_admin1_code="CF-BGF",
             v_male_adult=2),
        dict(incident_id="C3", date_occurred="2026-11-18", market="sextortion", cyber_modus="sextortion",
             cyber_channel="social_media", offender_iso3="NGA", residence_admin1_code="CF-MP", v_female_child=3,
             tfgbv=True),
        dict(incident_id="C4", date_occurred="2026-10-01", market="online_fraud", cyber_modus="fake_job_offer",
             cyber_channel="social_media", cyber_loss_usd=50, offender_iso3="KEN", v_female_adult=1,
             linked_trafficking_id="T1"),
        dict(incident_id="C5", date_occurred="2026-10-05", market="online_fraud", cyber_modus="fake_job_offer",
             cyber_channel="marketplace", linked_trafficking_id="T2"),
        dict(incident_id="C6", date_occurred="2026-11-16", market="ransomware", cyber_modus="ransomware",
             cyber_channel="email", cyber_loss_usd=10000, offender_iso3=FAR, classification="STRICTLY CONFIDENTIAL",
             cyber_account_ref=ACCOUNT),
        dict(incident_id="T1", date_occurred="2026-10-31", market="human_trafficking", admin1_code="CF-HM",
             v_female_adult=2),
        dict(incident_id="T2", date_occurred="2026-10-15", market="human_trafficking", admin1_code="CF-HM",
             v_female_adult=4, tlp="TLP:RED"),
    ]
    for row in rows:
        insert_incident(con, **CYBER, **row)
    con.close()
    ro = store.connect(path, read_only=True)
    yield ro
    ro.close()


ALL = Filters()


def test_headline_by_hand(cyber_store):
    h = data.headline(cyber_store, ALL, access.ANALYST)
    assert (h.incidents, h.with_modus, h.victims) == (6, 6, 8)
    assert (h.losses_recorded, h.loss_usd, h.loss_median) == (4, 10450.0, 200.0)   # 50, 100, 300, 10000
    assert (h.offender_known, h.offender_foreign, h.residence_known, h.tfgbv) == (5, 4, 3, 1)
    shared = data.headline(cyber_store, ALL, SHARED_CAF)       # C6 is STRICTLY CONFIDENTIAL
    assert (shared.incidents, shared.losses_recorded, shared.loss_usd, shared.loss_median) == (5, 3, 450.0, 100.0)
    assert (shared.offender_known, shared.offender_foreign) == (4, 3)


def test_breakdowns_by_hand(cyber_store):
    modus = data.breakdown(cyber_store, ALL, access.ANALYST, "modus").set_index("key")
    assert modus.loc["mobile_money_fraud", ["incidents", "losses_recorded", "loss_usd"]].tolist() == [2, 2, 400.0]
    assert modus.loc["mobile_money_fraud", ["women", "men", "victims"]].tolist() == [1, 3, 4]
    assert modus.loc["fake_job_offer", ["incidents", "losses_recorded", "loss_usd", "loss_median"]].tolist() == \
        [2, 1, 50.0, 50.0]
    assert modus.loc["sextortion", ["girls", "victims", "tfgbv"]].tolist() == [3, 3, 1]
    channel = data.breakdown(cyber_store, ALL, access.ANALYST, "channel").set_index("key")["incidents"].to_dict()
    assert channel == {"mobile_money": 2, "social_media": 2, "marketplace": 1, "email": 1}
    with pytest.raises(ValueError):
        data.breakdown(cyber_store, ALL, access.ANALYST, "account")


def test_offender_flows_by_hand(cyber_store):
    flows = data.offender_flows(cyber_store, ALL, access.ANALYST, "en")
    pairs = {(r.offender, r.area): (r.incidents, r.foreign_offenders) for r in flows.itertuples()}
    # C4 has no residence and C6 neither: only incidents with both ends are drawn.
    assert pairs == {("CAF", "CF-BGF"): (1, 0), ("CMR", "CF-BGF"): (1, 1), ("NGA", "CF-MP"): (1, 1)}
    countries = data.offender_countries(cyber_store, ALL, SHARED_CAF, "en")
    assert FAR not in set(countries["offender"])
    assert data.offender_countries(cyber_store, ALL, access.ANALYST, "en").set_index("offender").loc[FAR, "label"] == FAR


def test_recruitment_counts_only_links_the_profile_may_see(cyber_store):
    analyst = data.recruitment(cyber_store, ALL, access.ANALYST, "en")
    assert (analyst.offers, analyst.linked, analyst.median_days, analyst.trafficking_victims) == (2, 2, 20.0, 6)
    commissioner = data.recruitment(cyber_store, ALL, access.COMMISSIONER, "en")    # T2 is TLP:RED
    assert (commissioner.offers, commissioner.linked, commissioner.median_days,
            commissioner.trafficking_victims) == (2, 1, 30.0, 2)
    shared = bundle.cyber_data(cyber_store, Scope(ALL, SHARED_CAF, "en"))
    assert (shared.recruitment.linked, shared.linked_victims) == (1, "<5")
    assert shared.recruitment.trafficking_victims == 0 and "victims" not in shared.recruitment.by_country


def test_victims_by_group_are_protected_on_a_shared_screen(cyber_store):
    analyst = bundle.cyber_data(cyber_store, Scope(ALL, access.ANALYST, "en"))
    total = analyst.groups.frame.iloc[-1]
    assert [total[g] for g in ("women", "men", "girls", "boys", "unknown", "victims")] == [2, 3, 3, 0, 0, 8]
    assert analyst.tfgbv.frame.iloc[0]["girls"] == 3
    shared = bundle.cyber_data(cyber_store, Scope(ALL, SHARED_CAF, "en"))
    assert shared.suppressed and shared.victims == 8
    cells = shared.groups.frame[["women", "men", "girls", "boys", "victims"]].to_numpy().ravel().tolist()
    assert all(isinstance(v, str) or v == 0 or v >= 5 for v in cells), cells
    assert "victims" not in shared.modus and "girls" not in shared.channel


def test_export_by_hand(cyber_store):
    t = i18n.get("en")
    frame = cyber_view(cyber_store, Scope(ALL, access.ANALYST, t.lang, "export")).frame
    row = frame[(frame["Modus operandi"] == "Mobile-money fraud") & (frame["Channel"] == "Mobile money")].iloc[0]
    assert [row["Incidents"], row["Incidents with a loss recorded"], row["Reported losses (USD)"], row["Women"],
            row["Men"], row["Victims"]] == [2, 2, 400.0, 1, 3, 4]
    total = frame.iloc[-1]
    assert (total["Modus operandi"], total["Incidents"], total["Reported losses (USD)"], total["Victims"]) == \
        ("Total", 6, 10450.0, 8)
    shared = cyber_view(cyber_store, Scope(ALL, SHARED_CAF, t.lang, "export"))
    assert shared.frame.iloc[-1]["Incidents"] == 5 and shared.frame.iloc[-1]["Reported losses (USD)"] == 450.0
    stamp = presented.stamp(cyber_store, Scope(ALL, SHARED_CAF, t.lang), shared.title)
    for fmt in FORMATS:
        body = to_bytes(shared.frame, fmt, stamp)
        assert ACCOUNT.encode() not in body and FAR.encode() not in body and b"C6" not in body
    fr = cyber_view(cyber_store, Scope(ALL, access.ANALYST, "fr", "export")).frame
    assert "Fraude à l'argent mobile" in set(fr.iloc[:, 0])


def test_area_rankings_count_cyber_incidents_at_the_victims_residence(cyber_store):
    whole_weeks = Filters(date_from=date(2026, 9, 28), date_to=date(2026, 11, 22))
    assert queries.kpi_source(whole_weeks)[0] == "incident_weekly"
    graded = Filters(date_from=date(2026, 9, 28), date_to=date(2026, 11, 22), min_reliability="B")
    assert queries.kpi_source(graded)[0] == "incidents"
    for filters in (whole_weeks, graded):
        areas = queries.admin1_totals(cyber_store, filters, access.ANALYST, "en").set_index("admin1_code")
        assert areas["incidents"].to_dict() == {"CF-BGF": 2, "CF-HM": 2, "CF-MP": 1}
        # The admin-1 filter and the area of operations read the same place.
        picked = Filters(admin1=("CF-BGF",), date_from=filters.date_from, date_to=filters.date_to,
                         min_reliability=filters.min_reliability)
        assert data.headline(cyber_store, picked, access.ANALYST).incidents == 2


# --- Import -----------------------------------------------------------------------------------------

def _row(**cells):
    base = {"incident_id": "X1", "date_occurred": "2026-11-16", "mission": "MINUSCA", "iso3": "CAF",
            "market": "online_fraud", "source_reliability": "B", "info_credibility": "2",
            "classification": "UNCLASSIFIED", "tlp": "TLP:GREEN", "status": "validated"}
    return {**base, **cells}


def test_import_reads_the_cyber_fields(cyber_store):
    ctx = common.reference_context(cyber_store)
    t = i18n.get("fr")
    record, errors = native.validate(_row(cyber_modus="Fraude à l'argent mobile", cyber_channel="Mobile money",
                                          cyber_loss_usd="1 250,50", residence_admin1_code="cf-bgf",
                                          offender_iso3="cmr", cyber_report_source="cert", tfgbv="oui",
                                          linked_trafficking_id=" T1 ", cyber_account_ref="wallet 1"), ctx, t)
    assert errors == []
    assert (record["cyber_modus"], record["cyber_channel"], record["cyber_loss_usd"], record["residence_admin1_code"],
            record["offender_iso3"], record["cyber_report_source"], record["tfgbv"], record["linked_trafficking_id"]) == \
        ("mobile_money_fraud", "mobile_money", 1250.5, "CF-BGF", "CMR", "cert", True, "T1")
    headers = fields.map_headers(["identifiant", "cyber_mode_operatoire", "code_admin1_residence_victimes"])[0]
    assert list(headers.values()) == ["incident_id", "cyber_modus", "residence_admin1_code"]


@pytest.mark.parametrize("cells, field, words", [
    ({"cyber_modus": "hacking"}, "cyber_modus", "cyber_modus.csv"),
    ({"cyber_channel": "pigeon"}, "cyber_channel", "cyber_channels.csv"),
    ({"cyber_loss_usd": "-5"}, "cyber_loss_usd", "négati"),
    ({"residence_admin1_code": "HT-OU"}, "row", "résidence"),
    ({"residence_admin1_code": "XX-NOPE"}, "residence_admin1_code", "admin"),
    ({"offender_iso3": "Nigeria"}, "offender_iso3", "ISO"),
])
def test_import_refuses_bad_cyber_values_with_a_reason(cyber_store, cells, field, words):
    record, errors = native.validate(_row(**cells), common.reference_context(cyber_store), i18n.get("fr"))
    assert record is None
    assert [e["field"] for e in errors] == [field] and words in errors[0]["reason"], errors


def test_code_lists_have_both_languages_and_sources():
    for kind in codes.LISTS:
        rows = codes.codes(kind)
        assert rows and len({c.code for c in rows}) == len(rows)
        for c in rows:
            assert c.label_en and c.label_fr and c.definition_en and c.definition_fr, c
    assert {c.code for c in codes.codes("channel")} == {"social_media", "messaging_app", "mobile_money", "email",
                                                        "marketplace", "dark_web", "other"}
    assert set(synthetic.MODUS) | {"other"} == {c.code for c in codes.codes("modus")}
    with pytest.raises(ValueError):
        codes.codes("accounts")


# --- Demo ------------------------------------------------------------------------------------------

def test_demo_cyber_details_touch_only_their_columns(tmp_path):
    from tnt_dash import demo
    path = tmp_path / "small.duckdb"
    seed.build(path, demo_rows=4000, seed=3, end=date(2026, 11, 29))
    con = store.connect(path)
    cyber_cols = ["cyber_modus", "cyber_channel", "cyber_loss_usd", "residence_admin1_code", "offender_iso3",
                  "cyber_report_source", "tfgbv", "linked_trafficking_id", "cyber_account_ref"]
    before = con.execute(f"SELECT * EXCLUDE ({', '.join(cyber_cols)}) FROM incidents ORDER BY incident_id").df()
    drawn = con.execute(f"SELECT incident_id, {', '.join(cyber_cols)} FROM incidents ORDER BY incident_id").df()
    con.execute(f"UPDATE incidents SET {', '.join(f'{c} = NULL' for c in cyber_cols if c != 'tfgbv')}, tfgbv = FALSE")
    demo._cyber_details(con, 3)
    after = con.execute(f"SELECT * EXCLUDE ({', '.join(cyber_cols)}) FROM incidents ORDER BY incident_id").df()
    again = con.execute(f"SELECT incident_id, {', '.join(cyber_cols)} FROM incidents ORDER BY incident_id").df()
    con.close()
    pd.testing.assert_frame_equal(before, after)
    pd.testing.assert_frame_equal(drawn, again)       # its own stream: the same draw every time
    assert drawn["cyber_modus"].notna().sum() > 100


def test_demo_cyber_details_are_believable(demo_con):
    rows = demo_con.execute("""
        SELECT i.iso3, i.market, i.cyber_modus, i.cyber_channel, i.offender_iso3, i.residence_admin1_code,
               a.iso3 AS residence_iso3, i.linked_trafficking_id, i.date_occurred, t.iso3 AS t_iso3,
               t.market AS t_market, t.date_occurred AS t_date, i.v_female_child + i.v_male_child AS children,
               i.v_female_adult + i.v_male_adult AS adults, i.cyber_account_ref
        FROM incidents i LEFT JOIN admin1 a ON a.code = i.residence_admin1_code
        LEFT JOIN incidents t ON t.incident_id = i.linked_trafficking_id
        WHERE i.market IN (SELECT code FROM markets WHERE cyber <> 'none')""").df()
    fraud = rows[rows["market"] == "online_fraud"]
    for iso3 in ("COD", "SSD", "CAF"):        # mobile money dominates fraud where it dominates payments
        channels = fraud.loc[fraud["iso3"] == iso3, "cyber_channel"].value_counts()
        assert channels.index[0] == "mobile_money", (iso3, channels)
    for iso3 in ("CYP", "XKX"):
        assert fraud.loc[fraud["iso3"] == iso3, "cyber_channel"].value_counts().index[0] != "mobile_money"
    sext = rows[rows["cyber_modus"] == "sextortion"]
    assert set(sext["cyber_channel"]) <= {"social_media", "messaging_app"}
    assert sext["children"].sum() > sext["adults"].sum()          # adolescents above all
    placed = rows[rows["residence_admin1_code"].notna()]
    assert (placed["residence_iso3"] == placed["iso3"]).all()
    linked = rows[rows["linked_trafficking_id"].notna()]
    assert len(linked) > 10 and set(linked["cyber_modus"]) == {"fake_job_offer"}
    assert (linked["t_market"] == "human_trafficking").all() and (linked["t_iso3"] == linked["iso3"]).all()
    lag = (pd.to_datetime(linked["t_date"]) - pd.to_datetime(linked["date_occurred"])).dt.days
    assert lag.between(14, 120).all()
    known = rows["offender_iso3"].dropna()
    assert 0.3 < len(known) / len(rows) < 0.6 and known.str.fullmatch(r"[A-Z]{3}").all()
    assert rows["cyber_account_ref"].dropna().str.startswith("SYN-").all()


def test_the_export_on_the_demo_breaks_incidents_down_by_modus_and_channel(demo_con):
    frame = cyber_view(demo_con, Scope(Filters(), access.ANALYST, "en", "export")).frame
    assert {"Modus operandi", "Channel", "Reported losses (USD)", "Girls", "Women", "Victims"} <= set(frame.columns)
    assert frame.iloc[-1]["Incidents"] == data.headline(demo_con, Filters(), access.ANALYST).incidents
    assert np.isclose(frame.iloc[:-1]["Reported losses (USD)"].sum(), frame.iloc[-1]["Reported losses (USD)"])


# --- Page ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("profile", sorted(access.PROFILES))
def test_page_shows_the_query_layers_figures(demo_env, monkeypatch, profile, lang):
    monkeypatch.setenv("TNT_PROFILE", profile)
    at = run_page("pages/cyber.py", lang)
    assert not at.exception, [e.message for e in at.exception]
    t = i18n.get(lang)
    label = t.gettext("Cyber incidents")
    shown = next(m for m in at.metric if m.label == label).value
    con = store.connect(demo_env, read_only=True)
    try:
        expected = bundle.cyber_data(con, Scope(_page_filters(con, profile), access.get_profile(profile), lang))
    finally:
        con.close()
    assert shown == t.number(expected.headline.incidents)
    assert [s.value for s in at.subheader][:1] == [t.gettext("How: incidents by modus operandi, month by month")]


def _page_filters(con, profile: str) -> Filters:
    from tnt_dash.filters import default_period
    status = queries.data_status(con, Filters(statuses=()), access.get_profile(profile))
    start, end = default_period(status["date_min"], status["date_max"])
    return Filters(date_from=start, date_to=end)


@pytest.fixture
def cyber_canary_db(canary_db, tmp_path):
    """The canary store plus a released cyber record carrying an account identifier, and restricted
    cyber records whose offenders' country (QQQ) no other record has."""
    import shutil
    path = tmp_path / "cyber_canary.duckdb"
    shutil.copy(canary_db, path)
    con = store.connect(path)
    end = date(2026, 11, 25)
    insert_incident(con, incident_id="CY-OPEN", date_occurred=end, market="online_fraud", cyber_modus="phishing",
                    cyber_channel="email", offender_iso3="NGA", residence_admin1_code="CF-BGF",
                    cyber_account_ref=ACCOUNT, v_female_adult=6, **CYBER)
    for n, restriction in enumerate((dict(tlp="TLP:RED"), dict(classification="CONFIDENTIAL"),
                                     dict(status="draft"), dict(originator="partner"))):
        insert_incident(con, incident_id=f"CY-R{n}", date_occurred=end, market="online_fraud", cyber_modus="bec",
                        cyber_channel="email", offender_iso3=FAR, residence_admin1_code="CF-HM", cyber_loss_usd=987654,
                        cyber_account_ref=ACCOUNT, **CYBER, **restriction)
    con.close()
    return path


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_shared_page_never_shows_identifiers_nor_restricted_records(cyber_canary_db, monkeypatch, lang):
    monkeypatch.setenv("TNT_DB", str(cyber_canary_db))
    monkeypatch.setenv("TNT_PROFILE", "shared")
    at = run_page("pages/cyber.py", lang)
    assert not at.exception
    sent = walk_protos(at)
    assert "Bangui" in sent                       # the scan reaches the map's JSON
    for word in (ACCOUNT, FAR, "CY-OPEN", "CY-R", "CANARY"):
        assert word not in sent, word
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    assert ACCOUNT not in walk_protos(run_page("pages/cyber.py", lang))   # no profile sees an account


def test_figures_on_a_shared_screen_ignore_restricted_cyber_records(cyber_canary_db, canary_db):
    figures = {}
    for label, path in (("with", cyber_canary_db), ("without", canary_db)):
        con = store.connect(path, read_only=True)
        try:
            d = bundle.cyber_data(con, Scope(ALL, SHARED_CAF, "en"))
        finally:
            con.close()
        figures[label] = (d.headline.loss_usd, d.headline.incidents, set(d.offenders["offender"]))
    loss, incidents, offenders = figures["with"]
    assert loss == figures["without"][0] and incidents == figures["without"][1] + 1   # CY-OPEN only
    assert FAR not in offenders


# --- Figures -------------------------------------------------------------------------------------------

def test_cyber_figures_pass_plotly_validation(unvalidated_figure):
    from tnt_dash.cyber import figures
    fig = unvalidated_figure(lambda: figures.stacked_months(
        ["Jan 2026", "Feb 2026"], {"Sextortion": [3, 4], "Other methods": [1, 0]}, "Per month", "Incidents",
        other="Other methods"))
    assert [t.marker.color for t in fig.data] == [figures.PALETTE[0], figures.OTHER_COLOUR]
    fig = unvalidated_figure(lambda: figures.money_bars(["BEC", "Mobile-money fraud"], [16000.0, 45.0],
                                                        ["16K USD", "45 USD"], "Losses", "USD"))
    assert list(fig.data[0].y) == ["Mobile-money fraud", "BEC"]     # largest on top


def test_offender_map_keeps_far_countries_out_of_the_frame(cyber_store):
    from tnt_dash import geo
    from tnt_dash.cyber import figures
    flows = pd.DataFrame({"offender": ["NGA", "USA", "COD"], "area": ["CF-BGF"] * 3, "iso3": ["CAF"] * 3,
                          "incidents": [4, 2, 3], "foreign_offenders": [4, 2, 3],
                          "offender_label": ["Nigeria", "United States", "DR Congo"], "area_label": ["Bangui"] * 3,
                          "lat": [4.37] * 3, "lon": [18.54] * 3})
    areas = flows.groupby(["area", "iso3", "area_label", "lat", "lon"], as_index=False)[
        ["incidents", "foreign_offenders"]].sum()
    tips = {"arc": "{offender} → {area}", "n": "n {n}", "area": "n {n}", "domestic": "d {n}"}
    deck = figures.offender_deck(geo.outlines_for_maps(cyber_store), flows, areas, tips, width=520)
    arcs = next(layer for layer in deck.layers if layer.id == "flows").data
    assert len(arcs) == 3 and arcs[0]["tt"] == "Nigeria → Bangui"          # thickest first
    view = deck.initial_view_state
    assert -20 < view.longitude < 40 and view.zoom > 2.5   # the United States (another continent) is out of frame


def test_sextortion_is_coded_by_its_victims_age(tmp_path):
    """ICCS (DOMAIN.md §2, issue #37 item 6): sextortion of a child is 03022, of adults or of victims of
    unrecorded age 02051 (extortion), both with the Cy tag; other markets keep their own code, with Cy
    only where they are cyber-related. In the incident export too."""
    path = tmp_path / "iccs.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    for incident_id, cells in (("S-CHILD", dict(market="sextortion", v_female_child=1, v_female_adult=1)),
                               ("S-ADULT", dict(market="sextortion", v_male_adult=1)),
                               ("S-UNKNOWN", dict(market="sextortion", v_unknown_unknown=1)),
                               ("F-ADULT", dict(market="online_fraud", v_female_adult=1)),
                               ("T-CHILD", dict(market="human_trafficking", admin1_code="CF-HM", v_female_child=1))):
        insert_incident(con, **CYBER, incident_id=incident_id, date_occurred="2026-11-16", **cells)
    con.close()
    ro = store.connect(path, read_only=True)
    try:
        codes = dict(queries.incident_list(ro, ALL, access.ANALYST, "en")[["incident_id", "iccs_code"]]
                     .itertuples(index=False))
        exported = views.build("incidents", ro, Scope(ALL, access.ANALYST, "fr", "export")).frame
    finally:
        ro.close()
    assert codes == {"S-CHILD": "03022 Cy", "S-ADULT": "02051 Cy", "S-UNKNOWN": "02051 Cy", "F-ADULT": "0701 Cy",
                     "T-CHILD": "0204"}
    assert sorted(exported["Code ICCS"]) == sorted(codes.values())
