"""Streamlit helpers shared by the pages: cached resources, rendering, per-tab state and sign-in. With `app.py`
and `pages/`, the only code that imports streamlit."""
