import streamlit as st

from tnt_dash import queries
from tnt_dash.alerts import explain, ledger, screen
from tnt_dash.alerts.definitions import MEASURES, MEASURE_LABELS
from tnt_dash.alerts.rules import RuleError, new_rule, owner_of, scope_of
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Alerts"), subtitle=None)
t, _ = ctx.t, ctx.t.gettext
DB = ctx.store_version.split("|", 1)[0]
SCOPE, OWNER = scope_of(ctx.profile), owner_of(ctx.identity.user, ctx.profile)
READ_ONLY = ctx.profile.releasable_to_host_state     # a host State's screen shows alerts; the mission acts on them
names = ctx.call(explain.labels, t.lang)
rules = ledger.rules(ctx.con, DB, SCOPE)
alerts = explain.present(ledger.alerts(ctx.con, DB, SCOPE), t, names, ctx.profile, "screen", rules)
watch = ledger.watch_list(ctx.con, DB, OWNER, SCOPE)

st.caption(_("This shared screen shows the alerts computed on what was released to it; the mission "
             "acknowledges and closes them.") if READ_ONLY else
           _("Raised by the rules below, each computed on what this screen may see. `python -m tnt_dash alerts run` "
             "evaluates them on a schedule, and every import does too; a firing is never raised twice."))
kinds, statuses = screen.kind_options(t), screen.status_options(t)
left, right = st.columns([3, 2], vertical_alignment="bottom")
chosen_status = left.pills(_("Status"), list(statuses), format_func=statuses.get, selection_mode="multi",
                           default=["new", "acknowledged"], key="alert_status") or list(statuses)
mine = not READ_ONLY and right.toggle(_("Only what I follow"), key="alert_mine", disabled=not any(watch.values()),
                                     help=_("Your watch list (below): its markets, areas and rules."))
chosen_kinds = st.pills(_("Rule"), list(kinds), format_func=kinds.get, selection_mode="multi",
                        key="alert_kinds") or list(kinds)
shown = screen.keep(alerts, chosen_status, chosen_kinds, ctx.filters, ctx.call(screen.area_countries),
                    watch if mine else None)
figures = {**{statuses[s]: n for s, n in screen.counts(alerts).items()}, _("Shown with these choices"): len(shown)}
for column, (label, n) in zip(st.columns(4), figures.items()):
    column.metric(label, t.number(n), border=True)


def act(alert_id: str, action: str, note: str | None = None) -> None:
    try:
        ledger.spool_action(ctx.con, DB, SCOPE, alert_id, action, ctx.identity.user or OWNER, note)
    except ledger.AlertActionError as exc:
        st.session_state["alert_flash"] = str(exc)


if flash := st.session_state.pop("alert_flash", None):
    st.error(flash)
if shown.empty:
    st.info(_("No alert with these choices."), icon=":material/notifications_off:")
for row in shown.head(screen.SHOWN).itertuples():
    with st.container(border=True):
        st.markdown(screen.heading(t, row))
        st.write(row.sentence)
        st.caption(screen.history(t, row, ctx.profile))
        cols = st.columns([5, 2, 2], vertical_alignment="center")
        cols[0].page_link(f"pages/{row.page}.py", label=_(screen.LINK_LABELS[row.page]), icon=":material/open_in_new:",
                          query_params=row.params)
        if READ_ONLY or row.status == "closed":
            continue
        if row.status == "new":
            cols[1].button(_("Acknowledge"), key=f"ack_{row.alert_id}", on_click=act,
                           args=(row.alert_id, "acknowledge"))
        with cols[2].popover(_("Close…")):
            note = st.text_input(_("Note (what was done, or why nothing is needed)"), key=f"note_{row.alert_id}")
            st.button(_("Close the alert"), key=f"close_{row.alert_id}", on_click=act,
                      args=(row.alert_id, "close", note), disabled=not note.strip())
if len(shown) > screen.SHOWN:
    st.caption(_("{n} more alerts: narrow the status, rule or sidebar filters.").format(
        n=t.number(len(shown) - screen.SHOWN)))

if READ_ONLY:
    st.stop()
options = ctx.call(queries.filter_options, t.lang, ctx.profile)
markets, areas = dict(options["markets"]), dict(options["admin1"])
with st.expander(_("My watch list"), icon=":material/visibility:"):
    with st.form("watch"):
        wanted = {"market": st.multiselect(_("Markets"), list(markets), default=sorted(watch["market"] & set(markets)),
                                           format_func=markets.get),
                  "area": st.multiselect(_("Admin-1 areas"), list(areas), default=sorted(watch["area"] & set(areas)),
                                         format_func=areas.get),
                  "rule": st.multiselect(_("Rules"), [r.rule_id for r in rules], default=sorted(watch["rule"]))}
        if st.form_submit_button(_("Save my watch list")):
            for item in ledger.watch_changes(OWNER, SCOPE, watch, {k: set(v) for k, v in wanted.items()}):
                ledger.spool(DB, "watch_items", item)
            st.rerun()
with st.expander(_("Rules"), icon=":material/rule:"):
    if rules:
        st.dataframe(screen.rule_table(t, rules, names), hide_index=True, width="stretch")
    with st.form("rule"):
        c = st.columns(3)
        measure = c[0].selectbox(_("Measure"), MEASURES, format_func=lambda m: _(MEASURE_LABELS[m]))
        market = c[1].selectbox(_("Market"), [None, *markets], format_func=lambda m: markets.get(m, _("all markets")))
        area = c[2].selectbox(_("Area"), [None, *areas], format_func=lambda a: areas.get(a, _("every area in view")))
        c = st.columns(3)
        threshold = c[0].number_input(_("Threshold a week (0: none)"), min_value=0.0, step=1.0)
        percent = c[1].number_input(_("Or a rise over the 4-week mean, % (0: none)"), min_value=0.0, step=10.0)
        base = c[2].number_input(_("Least 4-week mean for a percentage"), min_value=0.0, value=3.0, step=1.0)
        if st.form_submit_button(_("Add the rule")):
            try:
                rule = new_rule(OWNER, SCOPE, measure, market, area, threshold or None, percent or None, base,
                                markets=set(markets), areas=set(areas))
                ledger.spool(DB, "alert_rules", ledger.rule_row(rule))
                st.success(_("Rule {rule} added: the next evaluation (schedule or import) applies it.").format(
                    rule=rule.rule_id))
            except RuleError as exc:
                st.error(exc.message(t))
