import functools

import pandas as pd
import streamlit as st

from tnt_dash import activities, library, presented, queries, store
from tnt_dash.access import CLASSIFICATION_ORDER, TLP_ORDER
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Capacity building"))
t, _ = ctx.t, ctx.t.gettext
CHART = {"displayModeBar": False}
f = ctx.filters
period = _("{start} to {end}").format(start=t.date(f.date_from), end=t.date(f.date_to)) if f.date_from else _("all dates")
internal = ctx.profile.sees_internal
loaded = activities.tables_present(ctx.con)


def share(value) -> str:
    return "–" if value is None or pd.isna(value) else t.percent(value)


if not loaded:
    st.info(_("No activities loaded. Import the SOC Focal Point Network's activities with "
              "`python -m tnt_dash activities import FILE` (see docs/capacity.md)."), icon=":material/info:")
else:
    totals = ctx.call(activities.totals, f, ctx.profile, t.lang)
    parity = ctx.call(activities.parity, f, ctx.profile, t.lang)
    overall = parity.iloc[-1] if len(parity) else None
    cards = st.columns([1, 1, 1.4, 1.4])
    cards[0].metric(_("Activities"), t.number(totals["activities"]), border=True,
                    help=_("Activities starting in the period, in the missions selected (network-wide ones included "
                           "when no mission is selected)."))
    cards[1].metric(_("Participants"), t.number(totals["participants"]), border=True)
    cards[2].metric(_("Women, participants"), share(None if overall is None else overall["share_participants"]),
                    border=True, help=_("Women divided by participants whose sex was recorded; the parity target is "
                                        "50%."))
    cards[3].metric(_("Women, speakers"), share(None if overall is None else overall["share_speakers"]),
                    border=True, help=_("Women divided by speakers and trainers whose sex was recorded."))

names = [_("Activities"), _("Gender parity")]
if internal:
    names += [_("Assessments"), _("Spending")]
names.append(_("Good-practice library"))
tabs = dict(zip(names, st.tabs(names)))

if loaded:
    with tabs[_("Activities")]:
        counts = ctx.call(activities.monthly_counts, f, ctx.profile, t.lang)
        if counts.empty:
            st.info(_("No activities in this period and selection."))
            first, last = activities.IMPLEMENTATION
            st.caption(_("The project's implementation period is {start} to {end}: choose it in the sidebar.").format(
                start=t.date(first), end=t.date(last)))
        else:
            st.plotly_chart(activities.calendar_figure(counts, t, period), width="stretch", config=CHART)
            st.caption(_("Each cell: number of activities of that type starting in the month. Network-wide activities "
                         "(video calls, newsletter, workshop) are counted once, without a mission."))
            st.subheader(_("Activities by mission and type, {period}").format(period=period))
            st.dataframe(ctx.call(activities.counts_by_mission, f, ctx.profile, t.lang), hide_index=True,
                         width="stretch")

        if internal:
            roster = ctx.call(activities.focal_point_roster, f, ctx.profile, t.lang)
            with st.expander(_("Focal-point roster and rotations")):
                if roster.empty:
                    st.info(_("No focal point in post in this period and selection."))
                else:
                    st.dataframe(pd.DataFrame({
                        _("Mission"): roster["mission"], _("Post"): roster["post"], _("Holder"): roster["holder"],
                        _("In post since"): roster["start_date"].map(t.date),
                        _("Rotation due"): roster["rotation_due"].map(t.date),
                        _("Handover pack ready"): roster["handover_pack"].map({True: _("Yes"), False: _("No")}),
                    }), hide_index=True, width="stretch")
                st.caption(_("Posts are numbered, never named. A handover with the handover pack is due before "
                             "each rotation: it answers the turnover risk the project document names."))

    with tabs[_("Gender parity")]:
        body = parity[parity["mission"] != "__total__"] if len(parity) else parity
        if body.empty:
            st.info(_("No activities in this period and selection."))
        else:
            st.plotly_chart(activities.parity_figure(parity, t, period), width="stretch", config=CHART)
            below = body.loc[body["below_target"], "unit_label"].tolist()
            if below:
                st.warning(_("Below the 50% parity target: {units}.").format(units=", ".join(below)),
                           icon=":material/flag:")
            table = pd.DataFrame({
                _("Mission"): body["unit_label"],
                _("Participants, women"): body["participants_female"], _("Participants, men"): body["participants_male"],
                _("Participants, sex unknown"): body["participants_unknown"],
                _("Women among participants"): body["share_participants"].map(share),
                _("Speakers, women"): body["speakers_female"], _("Speakers, men"): body["speakers_male"],
                _("Speakers, sex unknown"): body["speakers_unknown"],
                _("Women among speakers"): body["share_speakers"].map(share),
                _("Below target"): body["below_target"].map({True: _("Yes"), False: ""}),
            })
            st.dataframe(table, hide_index=True, width="stretch")
            st.caption(_("Shares are taken over people whose sex was recorded; people of unknown sex are counted in "
                         "their own column, never guessed. “–”: nobody of known sex."))

if internal and loaded:
    with tabs[_("Assessments")]:
        scores = ctx.call(activities.assessment_scores, f, ctx.profile, t.lang)
        if scores.empty:
            st.info(_("No assessments in this period and selection."))
        else:
            card = activities.scorecard(scores, t)
            st.plotly_chart(activities.scorecard_figure(card, t), width="stretch", config=CHART)
            with st.expander(_("Scorecard as a table")):
                st.dataframe(card.round(0), hide_index=True, width="stretch")
            st.caption(_("Criteria and maximum scores are configuration: edit tnt_dash/reference/"
                         "assessment_criteria.csv."))
            trend = activities.assessment_trend(scores)
            left, right = st.columns(2)
            for column, area in zip((left, right), activities.AREAS):
                column.plotly_chart(activities.trend_figure(trend, t, area), width="stretch", config=CHART)

    with tabs[_("Spending")]:
        spent = ctx.call(activities.spending, f, ctx.profile, t.lang)
        st.plotly_chart(activities.spending_figure(spent, t, period), width="stretch", config=CHART)
        st.dataframe(pd.DataFrame({
            _("Budget line"): spent["label"], _("Budget (USD)"): spent["budget_usd"].map(t.number),
            _("Spent (USD)"): spent["spent_usd"].map(t.number), _("Share spent"): spent["share_spent"].map(share),
        }), hide_index=True, width="stretch")
        st.caption(_("The budget is configuration: edit tnt_dash/reference/budget.csv. Spending is the cost of the "
                     "activities starting in the period."))


def add_document_form() -> None:
    """Analysts add documents here. The page's reader must let go of the store while writing."""
    options = ctx.call(queries.filter_options, t.lang)
    with st.expander(_("Add a document"), icon=":material/upload_file:"):
        with st.form("add_document", clear_on_submit=True):
            upload = frame.file_uploader(st, t, _("PDF, Word (.docx) or Markdown (.md) file"), ["pdf", "docx", "md"],
                                         library.MAX_BYTES // (1024 * 1024), key="doc_upload")
            title = st.text_input(_("Title (default: the document's first line)"))
            c1, c2, c3 = st.columns(3)
            tlp = c1.selectbox(_("TLP"), TLP_ORDER, index=1)
            classification = c2.selectbox(_("Classification"), CLASSIFICATION_ORDER,
                                          format_func=lambda c: presented.classification_label(t, c))
            language = c3.selectbox(_("Language"), library.LANGUAGES)
            market_labels, mission_labels = dict(options["markets"]), dict(options["missions"])
            markets = st.multiselect(_("Criminal markets"), list(market_labels), format_func=market_labels.get)
            missions = st.multiselect(_("Missions"), list(mission_labels), format_func=mission_labels.get)
            tags = st.text_input(_("Tags, separated by commas"))
            if st.form_submit_button(_("Add to the library"), type="primary") and upload is not None:
                path = ctx.store_version.split("|", 1)[0]
                try:
                    added = frame.write_store(ctx, functools.partial(
                        library.add_document_to, path, upload.name, upload.getvalue(), tlp=tlp,
                        classification=classification, title=title, language=language, markets=markets,
                        missions=missions, tags=tags.split(",")))
                except store.StoreError as exc:
                    st.error(_("The store is busy (another import or server holds it): {error}. Try again, or use "
                               "`python -m tnt_dash docs add`.").format(error=exc))
                    return
                except library.DocumentError as exc:
                    st.error(str(exc))
                    return
                st.toast(_("Added “{title}”: {n} characters of text indexed.").format(
                    title=added.title, n=t.number(added.characters)), icon=":material/check_circle:")
                st.rerun()


with tabs[_("Good-practice library")]:
    query = st.text_input(_("Search titles, tags and text"), key="doc_q", bind="query-params",
                          placeholder=_("e.g. checkpoints, mining, sextortion"))
    found = ctx.call(library.search, ctx.profile, query or "")
    if found.empty:
        st.info(_("No document within your clearance matches.") if query or ctx.call(library.count, ctx.profile)
                else _("The library is empty."))
    else:
        options = ctx.call(queries.filter_options, t.lang)
        market_labels, mission_labels = dict(options["markets"]), dict(options["missions"])
        st.dataframe(pd.DataFrame({
            _("Title"): found["title"],
            _("Marking"): [f"{presented.classification_label(t, c)} – {tlp}"
                           for c, tlp in zip(found["classification"], found["tlp"])],
            _("Excerpt"): found["snippet"],
            _("Criminal markets"): found["markets"].map(lambda ms: ", ".join(market_labels.get(m, m) for m in ms)),
            _("Missions"): found["missions"].map(lambda ms: ", ".join(ms)),
            _("Tags"): found["tags"].map(lambda ts: ", ".join(ts)),
            _("Language"): found["language"],
            _("Added"): found["added_at"].map(t.date),
        }), hide_index=True, width="stretch",
            column_config={_("Excerpt"): st.column_config.TextColumn(width="large")})
        st.caption(_("{n} documents within your clearance. Each keeps its own marking when downloaded.").format(
            n=t.number(len(found))))
        titles = dict(zip(found["doc_id"], found["title"]))
        pick = st.selectbox(_("Document to download"), list(titles), format_func=titles.get, key="doc_pick")
        if pick:
            def fetch(doc_id=pick) -> bytes:
                # A reader of its own: the bytes are fetched on click and are not worth caching.
                con = store.connect(ctx.store_version.split("|", 1)[0], read_only=True)
                try:
                    document = library.get_document(con, ctx.profile, doc_id)
                finally:
                    con.close()
                return document[2] if document else b""
            row = found[found["doc_id"] == pick].iloc[0]
            st.download_button(_("Download"), data=fetch, file_name=row["filename"], icon=":material/download:",
                               on_click="ignore")
    if ctx.profile.data_admin:
        add_document_form()
