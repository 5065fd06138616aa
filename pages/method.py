import streamlit as st

from tnt_dash import priority
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Priority method"))
_ = ctx.t.gettext

st.info(_("The threat priorities are an analytic judgement of the mission, not a measurement."),
        icon=":material/balance:")
for heading, body in priority.method_note(ctx.t):
    st.subheader(heading)
    st.markdown(body)
st.subheader(_("Harm severity scale"))
scale = priority.severity_table(ctx.t)
# Every row, no scrolling.
st.dataframe(scale, hide_index=True, width="stretch", height=35 * (len(scale) + 1) + 3)
st.page_link("pages/priorities.py", label=_("Back to the threat priorities"), icon=":material/arrow_back:",
             query_params={k: v for k, v in st.query_params.to_dict().items() if k == "lang" or k in priority.PARAM_KEYS})
