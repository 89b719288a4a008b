"""Anamnesis: the Streamlit entry point. Sets up the page, the shared sidebar and the router."""

from pathlib import Path

import streamlit as st

from ui.auth import clinician
from ui.render import escape_md
from ui.resources import start_loading

# A local favicon: a ":material/…:" icon here makes the browser fetch it from Google's font CDN.
st.set_page_config(
    page_title="Anamnesis", page_icon=str(Path(__file__).parent / "assets" / "favicon.png"), layout="wide"
)

pages = [
    st.Page("pages/intake.py", title="Intake", icon=":material/forum:", default=True),
    st.Page("pages/plan.py", title="Plan", icon=":material/assignment:"),
    st.Page("pages/brainstorm.py", title="Brainstorm", icon=":material/lightbulb:"),
    st.Page("pages/library.py", title="Library", icon=":material/menu_book:"),
]
navigation = st.navigation(pages)

owner = clinician()  # stops at a sign-in prompt when login is required and nobody is signed in
with st.sidebar:
    st.caption("Anamnesis works fully offline. Everything it drafts is a suggestion for clinician review.")
    if owner:
        st.caption(f"Signed in as {escape_md(owner)}")
        st.button("Sign out", key="auth_logout", on_click=st.logout, icon=":material/logout:")

navigation.run()
# The search index opens in the background once the first page is drawn (a page that needs it sooner opens it).
start_loading()
