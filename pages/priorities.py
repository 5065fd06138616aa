import streamlit as st

from tnt_dash import exports, presented, priority
from tnt_dash.i18n import N_
from tnt_dash.priority import screen
from tnt_dash.ui import frame, networks as networks_ui

ctx = frame.page(N_("Threat priorities"))
t, _ = ctx.t, ctx.t.gettext

# Criminal groups (docs/networks.md) in a tab of their own, drawn first: the market
# ranking below may stop the script (no incidents, no weight).
markets_tab, groups_tab = st.tabs([_("Markets and areas"), _("Criminal groups")])
with groups_tab:
    networks_ui.ranking_tab(ctx)
with markets_tab:
    st.info(_("Analytic judgement of the mission, not a measurement. Priority = risk (harm × likelihood, on a fixed "
              "scale) × modifiers (cross-border reach, actor capability, host-State capacity gap); every formula and "
              "constant is in the method note."), icon=":material/balance:")
    st.page_link("pages/method.py", label=_("Priority method: formulas, sources and limits"), icon=":material/menu_book:",
                 query_params={k: v for k, v in st.query_params.to_dict().items() if k == "lang" or k in priority.PARAM_KEYS})

    try:
        url_weights = priority.weights_from_params(st.query_params.to_dict())
    except ValueError as exc:
        st.error(_("The weights in the link are not valid ({error}); the default weights are used.").format(error=exc))
        url_weights = priority.Weights()

    level_labels = screen.level_labels(t)
    helps = {"harm": _("Relative to likelihood: risk = harm^a × likelihood^b, a : b = harm : likelihood."),
             "likelihood": _("Relative to harm: equal weights give risk = harm × likelihood."),
             **{m: _("The most this factor moves the priority, in % either way.") for m in priority.MODIFIERS}}
    # Folded: the ranking must be on the first screen of a projector; the caption below states the weights.
    with st.expander(_("Weights (kept in the link)"), expanded=False):
        cols = st.columns(3) + st.columns(3)   # two rows of three stay legible from 1366 px to a projector
        factor_values = {}
        for column, (key, name) in zip(cols, list(priority.PARAM_KEYS.items())[:5]):
            factor_values[name] = column.slider(_(priority.FACTOR_LABELS[name]), 0, 100, int(getattr(url_weights, name)),
                                                step=1, key=key, bind="query-params", help=helps[name])
        wc = cols[5].slider(_("Extra weight of a vulnerable victim"), 0.0, 3.0, float(url_weights.women_children),
                            step=0.5, key="w_wc", bind="query-params",
                            help=_("A child's, or a woman's in sexual exploitation, harm is multiplied by 1 + this."))
    level = frame.coded_widget(st.segmented_control, _("Areas"), list(level_labels), format_func=level_labels.get,
                              default="adm1", key="plevel", required=True) or "adm1"
    try:
        weights = priority.Weights(**factor_values, women_children=wc)
    except ValueError:
        st.error(_("Give harm or likelihood a weight above 0."))
        st.stop()

    # Victim counts appear only in the explained rows' sentences: only those are published and protected.
    result = ctx.call(priority.assess, ctx.scope, level, weights, explain=screen.SHOWN, publish=screen.SHOWN)
    f = result.frame
    st.caption(_("{n} area–market pairs with incidents from {start} to {end} (the sidebar's period). {weights}").format(
        n=t.number(len(f)), start=t.date(result.start), end=t.date(result.end),
        weights=screen.weights_caption(t, weights)))
    if not result.gitoc_imported:
        st.warning(_("The GI-TOC Global Organized Crime Index has not been imported: host-State capacity is unknown for "
                     "every area. It counts as neutral (×1), never as 0."), icon=":material/help:")
    if f.empty:
        st.info(_("No incidents in view for this period and these filters."))
        st.stop()

    st.subheader(_("Ranked threats"))
    table, config = screen.ranked(result, t, level)
    st.dataframe(table, hide_index=True, width="stretch", height=460,
                 column_config={name: getattr(st.column_config, kind)(**options) for name, (kind, options) in config.items()
                                if name in table.columns})
    notes = [_("Showing the first {shown} of {n}; the download has every row.").format(
        shown=t.number(min(screen.SHOWN, len(f))), n=t.number(len(f)))] if len(f) > screen.SHOWN else []
    if result.suppressed:
        notes.append(_("“<5”: fewer than 5 victims. “x”: hidden so that a “<5” cannot be worked out from the totals."))
    if notes:
        st.caption(" ".join(notes))


    def download() -> bytes:
        ctx.log_release("export", "priorities xlsx")
        full = ctx.call(priority.assess, ctx.scope.to("export"), level, weights)
        title = _("Threat priorities (analytic judgement of the mission, not a measurement)")
        stamp = presented.stamp(ctx.con, ctx.scope.to("export"), title,
                                period=f"{t.date(result.start)} – {t.date(result.end)}")
        return exports.to_bytes(priority.table(full, t), "xlsx", stamp)


    st.download_button(_("Download the ranked table (XLSX)"), data=download, file_name="priorities.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click="ignore")

    for column, (fig, caption) in zip(st.columns(2), screen.figures(result, t)):
        with column:
            st.plotly_chart(fig, width="stretch")
            st.caption(caption)
