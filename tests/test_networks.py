"""Criminal networks (issue #35) and the ranking of criminal groups (issue #31 part 6), on hand-made
fixtures whose answers are worked out by hand, plus the page under every profile."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tnt_dash import access, i18n, seed, store
from tnt_dash.access import PROFILES
from tnt_dash.filters import Filters
from tnt_dash.importers import pipeline
from tnt_dash.networks import exports as network_exports, figures, graph, group, ranking, register
from tnt_dash.scope import Scope

from .conftest import DEMO_END, insert_incident, run_cli
from .test_app import run_page

EN = i18n.get("en")
RESTRICTED_NAME = "Gang coalition (coastal highway corridor)"      # ACT-005, name_restricted in actors.csv
RESTRICTED_ALIAS = "Coastal Highway Gang Coalition (Haiti)"        # its ACLED alias
UNRELEASED_NAME = "Firearms shipment facilitators (maritime route)"  # ACT-006, released to no State
ALL = Filters(statuses=("validated", "in_review", "draft", "archived"))


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("net") / "empty.duckdb"
    seed.build(path, demo_rows=None)
    return path


@pytest.fixture
def db(empty_store, tmp_path) -> Path:
    path = tmp_path / "net.duckdb"
    shutil.copy(empty_store, path)
    return path


def _incident(con, n: int, actor: str | None, date: str, admin1: str, iso3: str = "HTI", **extra) -> None:
    insert_incident(con, incident_id=f"N{n}", date_occurred=date, mission={"HTI": "BINUH", "CAF": "MINUSCA"}[iso3],
                    iso3=iso3, admin1_code=admin1, market=extra.pop("market", "extortion"), actor_id=actor, **extra)


@pytest.fixture
def graph_store(db) -> Path:
    """Haiti, November 2026, worked by hand:
        N1, N2  ACT-004  HT-OU  2026-11-03, 2026-11-10   kidnapping (N2: 1 fatality)
        N3      ACT-005  HT-OU  2026-11-12               extortion (restricted name, released to HTI)
        N4      ACT-005  HT-AR  2026-11-14               extortion
        N5      ACT-005  HT-OU  2026-12-01               extortion (another month)
        N6      ACT-006  HT-OU  2026-11-20               arms, cross-border DOM>HTI (released to no State)
        N7      ACT-004  HT-AR  2026-10-05               extortion
    Co-activity in the same area and month: ACT-004 & ACT-005 in HT-OU 2026-11 (2 + 1 = 3 incidents,
    1 cell); ACT-004 & ACT-006 in HT-OU 2026-11 (2 + 1 = 3, 1 cell); ACT-005 & ACT-006 in HT-OU
    2026-11 (1 + 1 = 2, 1 cell). HT-AR: ACT-004 in October, ACT-005 in November: no cell."""
    con = store.connect(db)
    _incident(con, 1, "ACT-004", "2026-11-03", "HT-OU", market="kidnapping_for_ransom")
    _incident(con, 2, "ACT-004", "2026-11-10", "HT-OU", market="kidnapping_for_ransom", fatalities=1)
    _incident(con, 3, "ACT-005", "2026-11-12", "HT-OU")
    _incident(con, 4, "ACT-005", "2026-11-14", "HT-AR")
    _incident(con, 5, "ACT-005", "2026-12-01", "HT-OU")
    _incident(con, 6, "ACT-006", "2026-11-20", "HT-OU", market="arms_trafficking", cross_border=True,
              origin_iso3="DOM", destination_iso3="HTI")
    _incident(con, 7, "ACT-004", "2026-10-05", "HT-AR")
    con.close()
    return db


def _ro(path):
    return store.connect(path, read_only=True)


# --- Register: resolution, suggestions, merge and undo -------------------------------------------------

def test_norm_folds_accents_case_and_punctuation():
    assert register.norm("  Groupe de type MAFIEUX (Port-au-Prince) ") == "groupe de type mafieux port au prince"
    assert register.norm("Réseau") == register.norm("reseau")


def _native(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    path = tmp_path / "actors.csv"
    lines = ["incident_id,date_occurred,iso3,admin1_code,market,status,source_reliability,info_credibility,"
             "classification,tlp,actor_id"]
    lines += [f"{i},2026-11-1{n},HTI,HT-OU,extortion,validated,B,2,UNCLASSIFIED,TLP:GREEN,{actor}"
              for n, (i, actor) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_resolves_aliases_and_keeps_unknown_strings_as_suggestions(db, tmp_path):
    file = _native(tmp_path, [("A1", "Gang de Port-au-Prince"), ("A2", "ACT-001"),
                              ("A3", "groupe de type MAFIEUX (port au prince)"), ("A4", "Les Invisibles du Morne"),
                              ("A5", "les invisibles du morne"), ("A6", "")])
    report = pipeline.run_import(db, file, fmt="native")
    assert report.inserted == 6 and report.quarantined == 0
    con = _ro(db)
    actors = dict(con.execute("SELECT incident_id, actor_id FROM incidents WHERE incident_id LIKE 'A%'").fetchall())
    assert actors == {"A1": "ACT-004", "A2": "ACT-001", "A3": "ACT-004", "A4": None, "A5": None, "A6": None}
    # No silent new actor: the register is as shipped, the string waits as one suggestion of 2 records.
    assert con.execute("SELECT count(*) FROM actors").fetchone()[0] == 36
    sugg = register.suggestions(con)
    assert sugg[["text_norm", "records"]].values.tolist() == [["les invisibles du morne", 2]]
    con.close()
    assert any("Les Invisibles du Morne" in w["reason"] and "(rows: 2)" in w["reason"] for w in report.warnings)

    con = store.connect(db)
    new_id, given = register.accept(con, "Les Invisibles du Morne", "Criminal networks")
    assert (new_id, given) == ("ACT-037", 2)
    assert con.execute("SELECT name_restricted, origin FROM actors WHERE actor_id = 'ACT-037'").fetchone() == (True, "suggestion")
    assert register.suggestions(con).empty
    con.close()
    # The same file again: the string now resolves through its alias; nothing changes, nothing is suggested.
    again = pipeline.run_import(db, file, fmt="native")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)
    assert not [w for w in again.warnings if w["field"] == "actor_id"]
    con = _ro(db)
    assert con.execute("SELECT count(*) FROM incidents WHERE actor_id = 'ACT-037'").fetchone()[0] == 2
    con.close()


def test_acled_perpetrator_is_resolved_or_suggested(db):
    fixture = Path(__file__).resolve().parent / "fixtures" / "import" / "acled_sample.csv"
    report = pipeline.run_import(db, fixture)
    con = _ro(db)
    sugg = register.suggestions(con)
    con.close()
    assert "armed group x" in set(sugg["text_norm"])     # a militia (inter 3), unknown to the register
    n = int(sugg.set_index("text_norm").at["armed group x", "records"])
    con = store.connect(db)
    assert register.merge_suggestion(con, "Armed group X", "ACT-001") == n
    assert con.execute("SELECT count(*) FROM incidents WHERE actor_id = 'ACT-001'").fetchone()[0] == n
    assert register.resolver(con)["armed group x"] == "ACT-001"
    con.close()
    assert report.rows_read == 4


def _state(con) -> tuple:
    return (con.execute("SELECT incident_id, actor_id FROM incidents ORDER BY 1").fetchall(),
            con.execute("SELECT alias_norm, actor_id, kind FROM actor_aliases ORDER BY 1").fetchall(),
            con.execute("SELECT actor_id, merged_into FROM actors ORDER BY 1").fetchall(),
            con.execute("SELECT * EXCLUDE (last_updated) FROM incident_weekly ORDER BY ALL").fetchall())


def test_merge_moves_records_and_aliases_and_undo_restores_everything(graph_store):
    con = store.connect(graph_store)
    before = _state(con)
    merge_id = register.merge(con, "ACT-004", "ACT-005")
    assert con.execute("SELECT count(*) FROM incidents WHERE actor_id = 'ACT-004'").fetchone()[0] == 6
    assert con.execute("SELECT count(*) FROM incidents WHERE actor_id = 'ACT-005'").fetchone()[0] == 0
    assert con.execute("SELECT merged_into FROM actors WHERE actor_id = 'ACT-005'").fetchone()[0] == "ACT-004"
    lookup = register.resolver(con)
    assert lookup["act 005"] == lookup[register.norm(RESTRICTED_ALIAS)] == "ACT-004"
    rollup = _state(con)[3]
    store.refresh_rollups(con)          # the merge's partial rebuild equals a full one
    assert _state(con)[3] == rollup
    # The merged actor leaves every view; its records count for the kept one.
    net = graph.network(con, Scope(Filters(), access.ANALYST, "en"), top=10)
    assert "actor:ACT-005" not in set(net.nodes["key"])
    assert net.nodes.set_index("key").at["actor:ACT-004", "incidents"] == 6
    with pytest.raises(register.RegisterError):
        register.merge(con, "ACT-004", "ACT-005")           # already merged
    assert register.undo_merge(con, merge_id) == 3
    assert _state(con) == before
    with pytest.raises(register.RegisterError):
        register.undo_merge(con, merge_id)                  # already undone
    con.close()


def test_an_older_merge_cannot_be_undone_under_a_later_one(graph_store):
    con = store.connect(graph_store)
    first = register.merge(con, "ACT-004", "ACT-005")
    second = register.merge(con, "ACT-006", "ACT-004")
    with pytest.raises(register.RegisterError, match="undo that merge first"):
        register.undo_merge(con, first)
    register.undo_merge(con, second)
    register.undo_merge(con, first)
    assert con.execute("SELECT count(*) FROM actors WHERE merged_into IS NOT NULL").fetchone()[0] == 0
    con.close()


def test_cli_merge_and_undo(graph_store):
    env = {"TNT_DB": str(graph_store), "TNT_PROFILE": "analyst"}
    done = run_cli("actors", "merge", "ACT-004", "ACT-005", env=env)
    assert done.returncode == 0, done.stderr
    merged = json.loads(done.stdout)
    assert merged["records"] == 3
    undone = run_cli("actors", "undo", merged["merge_id"], env=env)
    assert undone.returncode == 0 and "3 records moved back" in undone.stdout
    refused = run_cli("actors", "merge", "ACT-004", "ACT-999", env=env)
    assert refused.returncode == 2 and "no actor 'ACT-999'" in refused.stderr
    shared = run_cli("actors", "suggestions", env={**env, "TNT_PROFILE": "commissioner"})
    assert shared.returncode == 2


# --- The graph -------------------------------------------------------------------------------------------

def _edges(net) -> dict:
    return {(a, b, k): (n, c) for a, b, k, n, c in net.edges[["a", "b", "kind", "incidents", "cells"]].itertuples(index=False)}


def test_co_occurrence_and_activity_counts(graph_store):
    con = _ro(graph_store)
    net = graph.network(con, Scope(Filters(), access.ANALYST, "en"), top=10)
    nodes = net.nodes.set_index("key")
    assert nodes.loc[["actor:ACT-004", "actor:ACT-005", "actor:ACT-006"], "incidents"].tolist() == [3, 3, 1]
    assert nodes.at["actor:ACT-004", "fatalities"] == 1
    edges = _edges(net)
    co = {k: v for k, v in edges.items() if k[2] == "co_active"}
    assert co == {("actor:ACT-004", "actor:ACT-005", "co_active"): (3, 1),
                  ("actor:ACT-004", "actor:ACT-006", "co_active"): (3, 1),
                  ("actor:ACT-005", "actor:ACT-006", "co_active"): (2, 1)}
    assert edges[("actor:ACT-004", "area:HT-OU", "area")][0] == 2
    assert edges[("actor:ACT-005", "area:HT-OU", "area")][0] == 2
    assert edges[("actor:ACT-006", "corridor:DOM>HTI", "corridor")][0] == 1
    assert nodes.at["area:HT-OU", "incidents"] == 5 and nodes.at["market:extortion", "incidents"] == 4
    # Recorded links among the shown actors (reference/actor_links.csv).
    assert {k[2] for k in edges if k[0].startswith("actor:") and k[1].startswith("actor:")} >= {"alliance", "supplier"}
    # Top-N: the most active actor only; ties broken by identifier.
    assert graph.network(con, Scope(Filters(), access.ANALYST, "en"), top=1).nodes.query("kind == 'actor'")["code"].tolist() == ["ACT-004"]
    con.close()


def test_clicking_a_node_focuses_the_graph(graph_store):
    con = _ro(graph_store)
    area = graph.network(con, Scope(Filters(), access.ANALYST, "en"), focus="area:HT-AR")
    assert area.nodes.set_index("key").loc[["actor:ACT-004", "actor:ACT-005"], "incidents"].tolist() == [1, 1]
    assert "actor:ACT-006" not in set(area.nodes["key"])
    ego = graph.network(con, Scope(Filters(), access.ANALYST, "en"), focus="actor:ACT-006")
    assert set(ego.nodes.query("kind == 'actor'")["code"]) == {"ACT-004", "ACT-005", "ACT-006"}
    assert set(ego.nodes.query("kind == 'corridor'")["code"]) == {"DOM>HTI"}
    with pytest.raises(ValueError):
        graph.parse_focus("table:incidents")
    con.close()
    selection = {"points": [{"curve_number": 3, "point_number": 0, "customdata": ["area:HT-OU", "Admin-1 area", "Ouest", 5, 1]}]}
    assert figures.picked_node(selection) == "area:HT-OU"
    assert figures.picked_node({"points": [{"curve_number": 0, "point_number": 2}]}) is None
    assert figures.picked_node(None) is None


def _figure_json(con, profile) -> str:
    net = graph.network(con, Scope(ALL, profile, "en"), top=10)
    return figures.network_figure(net.nodes, net.edges, graph.NODE_LABELS, graph.EDGE_LABELS, "%{customdata[2]}").to_json()


@pytest.mark.parametrize("profile_name", sorted(PROFILES))
def test_restricted_names_are_masked_everywhere(graph_store, profile_name):
    profile = access.get_profile(profile_name, "HTI")
    con = _ro(graph_store)
    sees = profile.restricted_actor_names
    chart = _figure_json(con, profile)
    g = group.group(con, Scope(ALL, profile, "en"), "ACT-005")
    outputs = {
        "chart": chart,
        "group": json.dumps([g.actor, g.linked.to_dict("records"), g.records.to_dict("records")], default=str),
        "ranking": ranking.table(ranking.rank(con, Scope(ALL, profile, "en")), EN).to_csv(),
        "ranking json": ranking.plain(ranking.rank(con, Scope(ALL, profile, "en"))).to_csv(),
        "actors export": network_exports.actors_view(con, Scope(ALL, profile, EN.lang, "export")).frame.to_csv(),
        "links export": network_exports.links_view(con, Scope(ALL, profile, EN.lang, "export")).frame.to_csv(),
        "in view": group.actors_in_view(con, Scope(ALL, profile, "en")).to_csv(),
    }
    con.close()
    for where, text in outputs.items():
        assert (RESTRICTED_NAME in text) == sees, (profile_name, where)
        assert (RESTRICTED_ALIAS in text) == (sees and where == "actors export"), (profile_name, where)
        if not sees:
            assert "Mafia-style groups (name restricted)" in text, (profile_name, where)


def test_the_shared_screen_shows_only_actors_released_to_its_state(graph_store):
    shared = access.get_profile("shared", "HTI")
    con = _ro(graph_store)
    texts = [_figure_json(con, shared), network_exports.actors_view(con, Scope(ALL, shared, EN.lang, "export")).frame.to_csv(),
             network_exports.links_view(con, Scope(ALL, shared, EN.lang, "export")).frame.to_csv(),
             ranking.table(ranking.rank(con, Scope(ALL, shared, "en")), EN).to_csv()]
    for text in texts:
        assert UNRELEASED_NAME not in text and "ACT-006" not in text
    assert group.group(con, Scope(ALL, shared, "en"), "ACT-006") is None
    net = graph.network(con, Scope(ALL, shared, "en"))
    assert set(net.nodes.query("kind == 'actor'")["code"]) == {"ACT-004", "ACT-005"}
    # Another host State, to which none of these actors was released, sees no actor graph at all.
    caf = access.get_profile("shared", "CAF")
    assert graph.network(con, Scope(ALL, caf, "en")).nodes.empty
    # The register's release column is mission-internal.
    assert "Released to" not in network_exports.actors_view(con, Scope(ALL, shared, EN.lang, "export")).frame.columns
    con.close()


# --- Ranking of criminal groups ---------------------------------------------------------------------------

def _evidence(**overrides) -> pd.DataFrame:
    base = dict(actor_id="X", name="X", gitoc_actor_type="Criminal networks", masked=False, violence=4,
                corruption=2, infiltration=3, reach=2, adaptability=3, links=1, assessment_confidence="high",
                incidents=99, fatalities=0, violent_share=0.5, markets=2, countries=3, co_active=2, recorded=3,
                judged=10, well_graded=5)
    return pd.DataFrame([{**base, **overrides}])


def test_ranking_arithmetic_by_hand():
    row = ranking.score(_evidence()).iloc[0]
    # indicators: violence 0.5 -> 3.0, reach (3-1)/3 -> 3.667, adaptability 1/3 -> 2.333, links 5/5 -> 5.0
    assert row["violence"] == pytest.approx(0.75 * 4 + 0.25 * 3.0, abs=0.01)
    assert row["reach"] == pytest.approx(0.75 * 2 + 0.25 * (1 + 4 * 2 / 3), abs=0.01)
    assert row["links"] == pytest.approx(0.75 * 1 + 0.25 * 5, abs=0.01)
    assert row["corruption"] == 2 and row["infiltration"] == 3          # no records' indicator
    assert row["disagrees"] == "links"                                    # |1 - 5| >= 2
    expected = 100 * np.mean([(v - 1) / 4 for v in (3.75, 2, 3, 0.75 * 2 + 0.25 * (1 + 8 / 3),
                                                     0.75 * 3 + 0.25 * (1 + 4 / 3), 2.0)])
    assert row["capability"] == pytest.approx(expected, abs=0.1)
    # confidence: high 0.9, grades 5/10, volume log10(100)/2 = 1, assessed 6/6
    assert row["confidence"] == pytest.approx(np.mean([0.9, 0.5, 1.0, 1.0]), abs=0.01)
    assert row["confidence_level"] == "high"


def test_unassessed_criteria_come_from_records_or_stay_unknown_and_rank_last():
    frame = pd.concat([
        _evidence(actor_id="FULL", violence=2, corruption=2, infiltration=2, reach=2, adaptability=2, links=2),
        _evidence(actor_id="BARE", violence=None, corruption=None, infiltration=None, reach=None, adaptability=None,
                  links=None, assessment_confidence=None, violent_share=1.0, countries=4, markets=4, co_active=5),
    ], ignore_index=True)
    scored = ranking.score(frame).set_index("actor_id")
    bare = scored.loc["BARE"]
    assert bare["known_criteria"] == 4 and bare["partial"]          # four from the records, two unknown
    assert np.isnan(bare["corruption"]) and bare["corruption_from"] == "unknown"
    assert bare["violence"] == 5 and bare["violence_from"] == "incidents"
    assert bare["capability"] == 100.0
    # Scored higher on what is known, it still ranks after the fully assessed group.
    assert scored.loc["FULL", "capability"] < bare["capability"]
    assert scored["rank"].to_dict() == {"FULL": 1, "BARE": 2}


def test_unjudged_grades_are_unknown_not_bad():
    judged = ranking.score(_evidence(judged=4, well_graded=4)).iloc[0]["confidence"]
    # Six more records graded F6 change only the volume term, never the grade share.
    same_share = ranking.score(_evidence(judged=4, well_graded=4, incidents=105)).iloc[0]["confidence"]
    assert same_share >= judged


def test_cli_actor_ranking_json_keeps_the_table_shape(demo_db):
    done = run_cli("priorities", "--level", "actor", "--format", "json", "--to", DEMO_END.isoformat(),
                   env={"TNT_DB": str(demo_db), "TNT_PROFILE": "commissioner"})
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["columns"][:5] == ["rank", "actor_id", "actor", "gitoc_actor_type", "capability"]
    assert payload["marking"].startswith("STRICTLY CONFIDENTIAL")
    rows = [dict(zip(payload["columns"], r)) for r in payload["rows"]]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 20
    assert all(0 <= r["capability"] <= 100 and r["confidence_level"] in ("low", "moderate", "high") for r in rows)


def test_demo_export_actors_lists_the_register_with_activity(demo_db, tmp_path):
    out = tmp_path / "actors.csv"
    done = run_cli("export", "actors", "--format", "csv", "--out", str(out), "--from", "2020-01-01",
                   env={"TNT_DB": str(demo_db), "TNT_PROFILE": "analyst"})
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out, comment="#")
    assert len(frame) == 36 and frame["Incidents"].sum() > 5000
    con = _ro(demo_db)
    attributed = con.execute("SELECT count(*) FROM incidents WHERE actor_id IS NOT NULL AND status = 'validated' "
                             "AND date_occurred >= '2020-01-01'").fetchone()[0]
    con.close()
    assert frame["Incidents"].sum() == attributed


# --- The page -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_networks_page_renders_under_every_profile(profile, demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", profile)
    at = run_page("pages/networks.py")
    assert not at.exception, [e.message for e in at.exception]
    text = json.dumps([str(e.proto) for e in at.get("plotly_chart")]) + " ".join(s.value for s in at.subheader)
    assert at.get("plotly_chart"), "no graph drawn"
    if not access.get_profile(profile).restricted_actor_names:
        assert RESTRICTED_NAME not in text
    if profile == "shared":      # the Central African Republic's screen: only actors released to it
        con = _ro(demo_env)
        released = {a for (a,) in con.execute("SELECT actor_id FROM actors WHERE list_contains(releasable_to, 'CAF')")
                    .fetchall()}
        con.close()
        assert at.selectbox(key="nactor").value in released
        assert len(at.selectbox(key="nactor").options) <= len(released)


def test_networks_page_focus_from_the_link(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    from streamlit.testing.v1 import AppTest
    from .test_app import APP
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "fr"
    at.query_params["node"] = "actor:ACT-004"
    at.run()
    at.switch_page("pages/networks.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="nactor").value == "ACT-004"
    assert any("Centré sur" in m.value for m in at.markdown)
    at.button[0].click().run()                       # « Afficher tout le graphe »
    assert not at.exception, [e.message for e in at.exception]
    assert "node" not in at.query_params
    assert not any("Centré sur" in m.value for m in at.markdown)


@pytest.mark.parametrize("profile", ["analyst", "shared"])
def test_priorities_page_has_the_criminal_groups_tab(profile, demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", profile)
    at = run_page("pages/priorities.py")
    assert not at.exception, [e.message for e in at.exception]
    assert [t.label for t in at.tabs] == ["Markets and areas", "Criminal groups"]
    groups_tab = at.tabs[1]
    assert groups_tab.dataframe, "no ranking table"
    shown = groups_tab.dataframe[0].value
    assert "Criminal group" in shown.columns and "Capability (0–100)" in shown.columns
    if profile == "shared":
        assert RESTRICTED_NAME not in shown.to_csv()


def test_names_follow_the_page_language(graph_store):
    con = _ro(graph_store)
    fr = graph.network(con, Scope(Filters(), access.ANALYST, "fr"), top=10).nodes.set_index("key")["label"]
    en = graph.network(con, Scope(Filters(), access.ANALYST, "en"), top=10).nodes.set_index("key")["label"]
    assert fr["actor:ACT-004"] == "Groupe de type mafieux (Port-au-Prince)"
    assert en["actor:ACT-004"] == "Mafia-style group (Port-au-Prince)"
    masked = graph.network(con, Scope(Filters(), access.GENDER, "fr"), top=10).nodes.set_index("key")["label"]
    assert masked["actor:ACT-005"] == "Groupes de type mafieux (nom restreint)"
    con.close()


def test_the_network_figure_is_served_unvalidated_and_equals_plotlys(graph_store, unvalidated_figure):
    """Served as plain dicts (figures.figure), the graph must be exactly what Plotly's validated
    build gives, the selected node outlined and every edge kind in its own trace."""
    con = _ro(graph_store)
    net = graph.network(con, Scope(ALL, access.ANALYST, "en"), top=10)
    focus = net.nodes["key"].iloc[0]
    fig = unvalidated_figure(lambda: figures.network_figure(net.nodes, net.edges, graph.NODE_LABELS, graph.EDGE_LABELS,
                                                            "%{customdata[2]}", selected=focus, separators=", "))
    nodes = [trace for trace in fig.data if trace.mode == "markers+text"]
    assert sum(len(trace.x) for trace in nodes) == len(net.nodes)
    widths = [w for trace in nodes for w in trace.marker.line.width]
    assert widths.count(3) == 1 and fig.layout.separators == ", " and fig.layout.xaxis.visible is False
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    assert sum(len(trace.x) for trace in lines) == 3 * len(net.edges)     # two ends and a break per edge
