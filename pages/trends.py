from functools import partial

import streamlit as st

from tnt_dash import exports, presented, trends
from tnt_dash import trends_figures as tf
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Regional trends"))
t, _ = ctx.t, ctx.t.gettext
CHART_CONFIG = {"displayModeBar": False}
SPLITS = ("cyber", "family")
NONCE = "trends_selection_nonce"   # a new chart key after each drill change clears the old selection
st.session_state.setdefault(NONCE, 0)


def set_drill(drill: trends.Drill | None) -> None:
    if drill is None:
        st.query_params.pop(trends.DRILL_PARAM, None)
    else:
        st.query_params[trends.DRILL_PARAM] = trends.format_drill(drill)
    st.session_state[NONCE] += 1


# --- Drill-down from the URL: every chart below reads the narrowed filters ----------------------
families = ctx.call(trends.market_families)
filters, drill, problem = ctx.filters, None, None
try:
    drill = trends.parse_drill(st.query_params.get(trends.DRILL_PARAM))
    filters = trends.apply_drill(ctx.filters, drill, families)
except trends.EmptyDrill:
    drill, problem = None, _("The chart selection lies outside the sidebar filters, so it is not applied.")
except ValueError:
    drill, problem = None, _("The selection in this link is not valid, so it is not applied.")

controls = st.columns([5, 2, 3])
dimension_names = {k: _(v) for k, v in trends.DIMENSION_LABELS.items()}
by = frame.coded_widget(controls[0].segmented_control, _("Series by"), list(trends.DIMENSIONS), default="market",
                        format_func=dimension_names.get, key="tr_by", required=True, wrap=True) or "market"
grain_names = {"week": _("Weekly"), "month": _("Monthly")}
grain = frame.coded_widget(controls[1].segmented_control, _("Time step"), list(grain_names), default="week",
                           format_func=grain_names.get, key="tr_grain", required=True, wrap=True) or "week"
mode_names = {"stack": _("Stacked areas"), "multiples": _("Small multiples")}
mode = frame.coded_widget(controls[2].segmented_control, _("Chart"), list(mode_names), default="stack",
                          format_func=mode_names.get, key="tr_chart", required=True, wrap=True) or "stack"

if drill or problem:
    note, button = st.columns([6, 1], vertical_alignment="center")
    if drill:
        labels = ctx.call(trends.series_labels, drill.dimension, t)
        note.info(_("Narrowed to {dimension}: {names}. Every chart on this page shows this selection only.").format(
            dimension=dimension_names[drill.dimension].lower(),
            names=", ".join(labels.get(c, c) for c in drill.codes)), icon=":material/filter_alt:")
    else:
        note.warning(problem)
    button.button(_("Back to all"), on_click=set_drill, args=(None,), icon=":material/undo:", type="primary",
                  width="stretch")
else:
    st.caption(_("Click a series, bar or country on any chart to narrow the whole page to it."))


def pick(event, dimension: str) -> None:
    """A chart selection narrows the page; the choice goes into the URL so the view can be shared."""
    picked = trends.drill_from_selection(event, dimension)
    if picked is not None and picked != drill:
        set_drill(picked)
        st.rerun()


bounds = ctx.call(trends.window, filters, ctx.profile, grain)
if bounds is None:
    st.info(_("No complete week or month lies in the chosen period: widen the period in the sidebar."))
    st.stop()
# The page's queries in two cache entries, the parts of each two at a time (the two heaviest, the
# series and the seasonality, in one): a change of "Series by" reruns the first entry only.
period_from, period_to = bounds[0], trends.period_end(bounds[1], grain)
data, season = ctx.call_together(partial(trends.trends, filters, ctx.profile, t, by, grain),
                                 partial(trends.seasonality, filters, ctx.profile, t.lang))
rates, *split_totals = ctx.call_together(
    partial(trends.rates, filters, ctx.profile, t.lang, period_from, period_to),
    *(partial(trends.split_totals, filters, ctx.profile, t, split, period_from, period_to) for split in SPLITS))

where = ctx.call(trends.where_text, filters, t)
start, end = t.date(data.first), t.date(data.end)
step = {"week": _("week"), "month": _("month")}[grain]
units = {"week": _("Incidents per week"), "month": _("Incidents per month")}[grain]
unit = _("incidents")
window_size = trends.MA_WINDOW[grain]
dimension_word = dimension_names[by][:1].lower() + dimension_names[by][1:]
order = data.summary["key"].tolist()
title = _("Incidents per {step}, by {dimension}").format(step=step, dimension=dimension_word)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


subtitle = sentence(_("{where}, {start} to {end}").format(where=where, start=start, end=end))
key = f"tr_main_{st.session_state[NONCE]}"
period_label = (lambda d: t.date(d, "d MMM y")) if grain == "week" else (lambda d: t.date(d, "MMM y"))

if mode == "stack":
    ma_label = (_("Moving average of all series ({n} weeks)") if grain == "week"
                else _("Moving average of all series ({n} months)")).format(n=window_size)
    figure = tf.stacked_series(data.series, order, data.total, grain=grain, title=title, subtitle=subtitle,
                               y_title=units,
                               x_title=_("Week starting") if grain == "week" else _("Month"), ma_label=ma_label,
                               unit=unit, separators=t.plotly_separators, period_label=period_label)
else:
    ma_label = (_("Moving average ({n} weeks)") if grain == "week"
                else _("Moving average ({n} months)")).format(n=window_size)
    figure = tf.small_multiples(data.series, order, grain=grain, title=title, subtitle=subtitle, y_title=units,
                                bar_label=units,
                                ma_label=ma_label, unit=unit, separators=t.plotly_separators,
                                period_label=period_label)
event = st.plotly_chart(figure, width="stretch", config=CHART_CONFIG, on_select="rerun", key=key)
pick(event, by)
st.caption(_("Complete weeks (Monday to Sunday) or calendar months only. The series are the seven largest "
             "in the period; “All others” adds up the rest.")
           + (" " + _("Each panel has its own vertical scale.") if mode == "multiples" else ""))

# --- Per-series table: year-on-year, confidence, trend ------------------------------------------
st.subheader(_("Change, confidence and trend per series – {where}, {start} to {end}").format(
    where=where, start=start, end=end))
s = data.summary
table = {
    dimension_names[by]: s["label"],
    _("Incidents"): s["incidents"].map(t.number),
    _("Trend over the period"): s["trend"],
    _("Change on a year earlier"): s["change"].map(lambda v: "–" if v is None or v != v
                                                    else t.percent(v, signed=True)),
    _("A year earlier"): s["previous"].map(lambda v: "–" if v is None or v != v else t.number(v)),
    _("Graded A–B and 1–2"): s["graded_share"].map(lambda v: "–" if v is None or v != v else t.percent(v)),
}
narrow = st.column_config.TextColumn(width="small")
st.dataframe(table, hide_index=True, width="stretch",
             column_config={_("Incidents"): narrow, _("A year earlier"): narrow, _("Graded A–B and 1–2"): narrow,
                            _("Change on a year earlier"): narrow,
                            _("Trend over the period"): st.column_config.TextColumn(width="medium")})
notes = [_("Year earlier: {start} to {end}.").format(start=t.date(data.previous_from), end=t.date(data.previous_to))]
if not data.previous_complete:
    notes.append(_("The data do not reach back a full year before this period, so no comparison is made."))
notes.append(_("Graded A–B and 1–2: share of the records from a completely or usually reliable source (A–B) "
               "whose information is confirmed or probably true (1–2). A low share means the trend rests on "
               "weak reports."))
notes.append(_("Trend: Mann–Kendall test on the counts per period; fewer than 8 periods are too few to judge."))
st.caption(" ".join(notes))

# --- Rates per 100,000 and the two market splits ---------------------------------------------------
left, right = st.columns([3, 2])
with left:
    if rates.empty:
        st.info(_("No incidents in this period."))
    else:
        rate_text = [("–" if r is None else t.number(r, 1)) + f" ({y})" for r, y in zip(rates["rate"],
                                                                                       rates["pop_year"])]
        hover = [f"<b>{lab}</b> ({mis})<br>" + _("{rate} incidents per 100,000 population").format(
                     rate="–" if r is None else t.number(r, 1))
                 + "<br>" + _("{incidents} incidents; population {population} ({year}, {source})").format(
                     incidents=t.number(n), population=t.number(p) if p == p and p is not None else "–",
                     year=y, source=src)
                 for lab, mis, r, n, p, y, src in zip(rates["label"], rates["missions"], rates["rate"],
                                                      rates["incidents"], rates["population"], rates["pop_year"],
                                                      rates["pop_source"])]
        plot = rates.assign(label=rates["label"] + " (" + rates["missions"] + ")",
                            rate=rates["rate"].map(lambda v: float("nan") if v is None else v))
        event = st.plotly_chart(
            tf.ranked(plot, value_col="rate", text=rate_text, hover=hover, separators=t.plotly_separators,
                      title=_("Incidents per 100,000 population"),
                      subtitle=_("By host country or territory – {where}, {start} to {end}").format(
                          where=where, start=start, end=end),
                      x_title=_("Incidents per 100,000 population (population year)")),
            width="stretch", config=CHART_CONFIG, on_select="rerun", key=f"tr_rates_{st.session_state[NONCE]}")
        pick(event, "country")
with right:
    for split, totals in zip(SPLITS, split_totals):
        split_title = {"cyber": _("Incidents by cyber link"), "family": _("Incidents by market family")}[split]
        totals = totals.sort_values("incidents", ascending=False)
        event = st.plotly_chart(
            tf.ranked(totals, value_col="incidents", text=[t.number(v) for v in totals["incidents"]],
                      hover=[f"{lab}: {t.number(v)} {unit}" for lab, v in zip(totals["label"], totals["incidents"])],
                      title=split_title, subtitle=subtitle, x_title=_("Incidents"),
                      separators=t.plotly_separators, colour=tf.PALETTE[2] if split == "cyber" else tf.PALETTE[4]),
            width="stretch", config=CHART_CONFIG, on_select="rerun", key=f"tr_{split}_{st.session_state[NONCE]}")
        pick(event, split)
    st.caption(_("Cyber-dependent: crimes that need a computer system (ransomware, intrusion). Cyber-enabled: "
                 "crimes carried out with digital tools (online fraud, sextortion). Families follow the "
                 "GI-TOC Global Organized Crime Index markets."))

if not rates.empty:
    st.dataframe(trends.rates_table(rates, t), hide_index=True, width="stretch",
                 column_config={_("Incidents per 100,000 population"): st.column_config.NumberColumn(format="%.1f",
                                                                                                       width="small"),
                                _("Population"): st.column_config.NumberColumn(format="localized", width="small"),
                                _("Population year"): st.column_config.NumberColumn(format="plain", width="small"),
                                _("Incidents"): st.column_config.NumberColumn(width="small"),
                                _("Missions"): st.column_config.TextColumn(width="small")})
    st.caption(_("Rate = incidents in the period ÷ population × 100,000, for the period shown (not per year). "
                 "The population year and source stand next to each rate."))

# --- Seasonality --------------------------------------------------------------------------------
if season is not None and not season.frame.empty:
    st.plotly_chart(
        tf.seasonality_heatmap(
            season.frame, trends.month_names(t), separators=t.plotly_separators,
            title=_("Seasonality by market: each calendar month against the market's average month (100)"),
            subtitle=sentence(_("{where}, {start} to {end}").format(
                where=where, start=t.date(season.first), end=t.date(trends.period_end(season.last, "month")))),
            colour_title=_("Index (100 = average month)"),
            hover=_("{market}, {month}: index {index}, on average {mean} incidents")),
        width="stretch", config=CHART_CONFIG)
    st.caption(_("Uses every complete month of data within the other filters, whatever the period chosen in the "
                 "sidebar: one year alone would show each month once. Red: busier than the market's average "
                 "month; blue: quieter."))

# --- Export -------------------------------------------------------------------------------------
EXPORTS = {"summary": (trends.summary_view, _("Series table (CSV)")),
           "series": (trends.series_view, _("Values per period (CSV)")),
           "rates": (trends.rates_view, _("Rates per 100,000 (CSV)"))}


def export_csv(name: str) -> bytes:
    ctx.log_release("export", f"trends_{name} csv", filters)
    builder = EXPORTS[name][0]
    kwargs = {"grain": grain} if name == "rates" else {"by": by, "grain": grain}
    view = ctx.call(builder, filters, ctx.profile, t, destination="export", **kwargs)
    stamp = presented.stamp(ctx.con, t, ctx.profile, view.title, filters,
                        period=_("{start} to {end}").format(start=start, end=end))
    return exports.to_bytes(view.frame, "csv", stamp)


buttons = st.columns(3)
for column, (name, (_builder, label)) in zip(buttons, EXPORTS.items()):
    column.download_button(label, data=lambda name=name: export_csv(name), file_name=f"trends-{name}-{by}-{grain}.csv",
                           mime="text/csv", icon=":material/download:", width="stretch", on_click="ignore")
