"""Entry point: navigation only. Pages call tnt_dash.ui.frame.page() first."""
from pathlib import Path

import streamlit as st

from tnt_dash.i18n import N_, get
from tnt_dash.ui.frame import current_language, shared_screen

HERE = Path(__file__).resolve().parent

# A local icon: a Material icon here would make the browser fetch it from Google.
st.set_page_config(page_title="tnt-dash", page_icon=str(HERE / "static" / "favicon.png"), layout="wide")

# The language is read here only to title the navigation; the frame owns the selector.
_ = get(current_language()).gettext
PAGES = [
    st.Page(HERE / "pages" / "home.py", title=_(N_("Overview")), icon=":material/dashboard:", default=True),
    st.Page(HERE / "pages" / "brief.py", title=_(N_("Weekly brief")), icon=":material/summarize:"),
    st.Page(HERE / "pages" / "gender.py", title=_(N_("Women and children")), icon=":material/diversity_3:"),
    st.Page(HERE / "pages" / "map.py", title=_(N_("Cross-border map")), icon=":material/public:"),
    st.Page(HERE / "pages" / "trends.py", title=_(N_("Regional trends")), icon=":material/stacked_line_chart:"),
    st.Page(HERE / "pages" / "capacity.py", title=_(N_("Capacity building")), icon=":material/school:"),
    st.Page(HERE / "pages" / "networks.py", title=_(N_("Criminal networks")), icon=":material/hub:"),
    st.Page(HERE / "pages" / "priorities.py", title=_(N_("Threat priorities")), icon=":material/priority_high:"),
    st.Page(HERE / "pages" / "method.py", title=_(N_("Priority method")), icon=":material/menu_book:"),
    st.Page(HERE / "pages" / "data.py", title=_(N_("Data")), icon=":material/database:"),
]
# A host State's shared screen lists no mission-internal page (capacity building: parity shortfalls,
# assessments, budget; the data desk). Opened by URL, those pages refuse it themselves (frame.page).
INTERNAL = {"capacity", "data"}
if shared_screen():
    PAGES = [p for p in PAGES if p.url_path not in INTERNAL]
page = st.navigation(PAGES)
st.session_state["_page"] = page.url_path   # widgets that outlive a page change (frame.coded_widget)
page.run()
