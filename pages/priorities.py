import streamlit as st

from tnt_dash import exports, presented, priority
from tnt_dash.i18n import N_
from tnt_dash.ui import frame, networks as networks_ui

ctx = frame.page(N_("Threat priorities"), operations_area=True)
t, _ = ctx.t, ctx.t.gettext

# Criminal groups (issue #31 part 6, docs/networks.md) in a tab of their own, drawn first: the market
# ranking below may stop the script (no incidents, no weight).
markets_tab, groups_tab = st.tabs([_("Markets and areas"), _("Criminal groups")])
with groups_tab:
    networks_ui.ranking_tab(ctx)
with markets_tab:
    st.info(_("Analytic judgement of the mission, not a measurement. Each criminal market in each area is scored "
              "on harm, likelihood, cross-border reach, actor capability and host-State capacity with the weights "
              "below; every formula is in the method note."), icon=":material/balance:")
    st.page_link("pages/method.py", label=_("Priority method: formulas, sources and limits"), icon=":material/menu_book:",
                 query_params={k: v for k, v in st.query_params.to_dict().items() if k == "lang" or k in priority.PARAM_KEYS})

    try:
        url_weights = priority.weights_from_params(st.query_params.to_dict())
    except ValueError as exc:
        st.error(_("The weights in the link are not valid ({error}); the default weights are used.").format(error=exc))
        url_weights = priority.Weights()

    level_labels = {"adm1": _("Admin-1 area"), "country": _("Country or territory")}
    # Folded: the ranking must be on the first screen of a projector; the caption below states the weights.
    with st.expander(_("Weights (relative; kept in the link)"), expanded=False):
        cols = st.columns(3) + st.columns(3)   # two rows of three stay legible from 1366 px to a projector
        factor_values = {}
        for column, (key, name) in zip(cols, list(priority.PARAM_KEYS.items())[:5]):
            factor_values[name] = column.slider(_(priority.FACTOR_LABELS[name]), 0, 100, int(getattr(url_weights, name)),
                                                step=1, key=key, bind="query-params")
        wc = cols[5].slider(_("Extra weight of a woman or child victim"), 0.0, 3.0, float(url_weights.women_children),
                            step=0.5, key="w_wc", bind="query-params",
                            help=_("Harm points per woman or child victim on top of 1 per victim: 1 counts them twice."))
    level = frame.coded_widget(st.segmented_control, _("Areas"), list(level_labels), format_func=level_labels.get,
                              default="adm1", key="plevel", required=True) or "adm1"
    try:
        weights = priority.Weights(**factor_values, women_children=wc)
    except ValueError:
        st.error(_("Give at least one factor a weight above 0."))
        st.stop()

    SHOWN = 100
    # Victim counts appear only in the explained rows' sentences: only those are published and protected.
    result = ctx.call(priority.assess, ctx.filters, ctx.profile, t.lang, level, weights, explain=SHOWN, publish=SHOWN)
    f = result.frame
    total = sum(weights.factor_weights())
    st.caption(_("{n} area–market pairs with incidents from {start} to {end} (the sidebar's period). Effective weights: "
                 "{weights}.").format(
        n=t.number(len(f)), start=t.date(result.start), end=t.date(result.end),
        weights=", ".join(f"{_(priority.FACTOR_LABELS[name])} {t.percent(w / total)}"
                          for name, w in zip(priority.FACTORS, weights.factor_weights()))))
    if not result.gitoc_imported:
        st.warning(_("The GI-TOC Global Organized Crime Index has not been imported: host-State capacity is unknown for "
                     "every area. It is left out of the scores (the other weights are rescaled), never counted as 0."),
                   icon=":material/help:")
    if f.empty:
        st.info(_("No incidents in view for this period and these filters."))
        st.stop()
    if f["score"].isna().all():
        st.error(_("Every factor with a weight above 0 is unknown here: give a weight to harm, likelihood or "
                   "cross-border reach."))
        st.stop()

    st.subheader(_("Ranked threats"))
    shown = f.assign(confidence_label=f["confidence_level"].map(lambda v: _(priority.CONFIDENCE_LABELS[v])),
                     rank_range=[f"{lo}–{hi}" for lo, hi in zip(f["rank_min"], f["rank_max"])])
    table = shown.head(SHOWN)
    columns = {"rank": _("Rank"), "area_label": level_labels[level], "country_label": _("Country or territory"),
               "market_label": _("Market"), "score": _("Score (0–100)"), "confidence_label": _("Confidence"),
               "rank_range": _("Rank range, weights ±20 %"), "gitoc_market_score": _("GI-TOC market score (country)"),
               "sentence": _("Why this rank")}
    if level == "country":
        columns.pop("country_label")
    if not result.gitoc_imported:
        columns.pop("gitoc_market_score")
    st.dataframe(
        table[list(columns)].rename(columns=columns), hide_index=True, width="stretch", height=460,
        column_config={
            _("Score (0–100)"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f"),
            _("GI-TOC market score (country)"): st.column_config.NumberColumn(
                format="%.2f", help=_("GI-TOC Global Organized Crime Index, latest edition imported: criminal market "
                                      "score of the country, 1–10. Context, not part of the score.")),
            _("Why this rank"): st.column_config.TextColumn(width="large"),
        })
    notes = [_("Showing the first {shown} of {n}; the download has every row.").format(
        shown=t.number(min(SHOWN, len(f))), n=t.number(len(f)))] if len(f) > SHOWN else []
    if result.suppressed:
        notes.append(_("“<5”: fewer than 5 victims. “x”: hidden so that a “<5” cannot be worked out from the totals."))
    if notes:
        st.caption(" ".join(notes))


    def download() -> bytes:
        ctx.log_release("export", "priorities xlsx")
        full = ctx.call(priority.assess, ctx.filters, ctx.profile, t.lang, level, weights, destination="export")
        title = _("Threat priorities (analytic judgement of the mission, not a measurement)")
        stamp = presented.stamp(ctx.con, t, ctx.profile, title, ctx.filters,
                            period=f"{t.date(result.start)} – {t.date(result.end)}")
        return exports.to_bytes(priority.table(full, t), "xlsx", stamp)


    st.download_button(_("Download the ranked table (XLSX)"), data=download, file_name="priorities.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click="ignore")

    left, right = st.columns(2)
    period = f"{t.date(result.start)} – {t.date(result.end)}"
    with left:
        fig = priority.matrix_figure(
            shown,
            _("Harm × likelihood per area and market, {period}").format(period=period),
            _("Likelihood (0–1, scaled within the pairs shown)"), _("Harm (0–1, scaled within the pairs shown)"),
            {"top": _("Top 10 by score (number = rank)"), "other": _("Other area–market pairs")},
            "<b>%{customdata[0]}. %{customdata[2]}</b><br>%{customdata[1]}<br>" + _("Score") + ": %{customdata[3]}<br>"
            + _("Confidence") + ": %{customdata[4]}<extra></extra>", separators=t.plotly_separators)
        st.plotly_chart(fig, width="stretch")
        st.caption(_("Bubble size: number of incidents. Opacity: confidence (faint = low). Dotted lines mark the middle "
                     "of each scale."))
    with right:
        fig = priority.sensitivity_figure(
            f, _("How stable is each rank? Top 20, weights varied by ±20 % ({draws} draws)").format(
                draws=priority.SENSITIVITY_DRAWS), _("Rank (1 = highest priority)"),
            {"range": _("Best to worst rank with weights ±20 %"), "rank": _("Rank with the weights chosen")},
            _("Best rank") + ": %{customdata[0]}<br>" + _("Worst rank") + ": %{customdata[1]}<extra></extra>",
            separators=t.plotly_separators)
        st.plotly_chart(fig, width="stretch")
        st.caption(_("A short bar means the rank holds whatever the exact weights; a long bar means it depends on "
                     "them and should be discussed."))
