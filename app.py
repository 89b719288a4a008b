"""Anamnesis: the Streamlit entry point. Sets up the page, the shared sidebar and the router."""

import streamlit as st

from ui import library_index

st.set_page_config(page_title="Anamnesis", page_icon=":material/psychology:", layout="wide")

pages = [
    st.Page("pages/intake.py", title="Intake", icon=":material/forum:", default=True),
    st.Page("pages/plan.py", title="Plan", icon=":material/assignment:"),
    st.Page("pages/brainstorm.py", title="Brainstorm", icon=":material/lightbulb:"),
    st.Page("pages/library.py", title="Library", icon=":material/menu_book:"),
]
navigation = st.navigation(pages)

with st.sidebar:
    st.caption("Anamnesis works fully offline. Everything it drafts is a suggestion for clinician review.")

library_index()
navigation.run()
