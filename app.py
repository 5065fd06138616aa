"""Entrypoint: the navigation and the frame around every page (tnt_dash.ui.frame.draw), drawn once
per run so that the sidebar's filters keep their values from page to page. Pages draw only their content."""
from pathlib import Path

import streamlit as st

from tnt_dash.i18n import N_
from tnt_dash.ui import frame, viewer

HERE = Path(__file__).resolve().parent

# A local icon: a Material icon here would make the browser fetch it from Google.
st.set_page_config(page_title="tnt-dash", page_icon=str(HERE / "static" / "favicon.png"), layout="wide")

_ = viewer.language_only().gettext      # titles the navigation; the frame draws the language selector
SECTIONS = {
    N_("Situation"): [
        st.Page(HERE / "pages" / "home.py", title=_(N_("Overview")), icon=":material/dashboard:", default=True),
        st.Page(HERE / "pages" / "brief.py", title=_(N_("Weekly brief")), icon=":material/summarize:"),
        st.Page(HERE / "pages" / "alerts.py", title=_(N_("Alerts")), icon=":material/notifications:"),
        st.Page(HERE / "pages" / "map.py", title=_(N_("Cross-border map")), icon=":material/public:"),
        st.Page(HERE / "pages" / "trends.py", title=_(N_("Regional trends")), icon=":material/stacked_line_chart:"),
        st.Page(HERE / "pages" / "cyber.py", title=_(N_("Cyber threats")), icon=":material/security:"),
    ],
    N_("Protection"): [
        st.Page(HERE / "pages" / "gender.py", title=_(N_("Women and children")), icon=":material/diversity_3:"),
    ],
    N_("Priorities"): [
        st.Page(HERE / "pages" / "priorities.py", title=_(N_("Threat priorities")), icon=":material/priority_high:"),
        st.Page(HERE / "pages" / "networks.py", title=_(N_("Criminal networks")), icon=":material/hub:"),
        st.Page(HERE / "pages" / "method.py", title=_(N_("Priority method")), icon=":material/menu_book:"),
    ],
    N_("Mission"): [
        st.Page(HERE / "pages" / "capacity.py", title=_(N_("Capacity building")), icon=":material/school:"),
        st.Page(HERE / "pages" / "data.py", title=_(N_("Data")), icon=":material/database:"),
    ],
}
# A host State's shared screen lists no mission-internal page (capacity building: parity shortfalls,
# assessments, budget; the data desk). Opened by URL, those pages refuse it themselves (frame.page).
shared = viewer.shared_screen()
listed = {_(section): [p for p in pages if not (shared and p.url_path in frame.INTERNAL_PAGES)]
          for section, pages in SECTIONS.items()}
page = st.navigation({section: pages for section, pages in listed.items() if pages})
frame.draw(page.url_path)
page.run()
