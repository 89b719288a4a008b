"""Opening the real app script with Streamlit's AppTest, the one way every page test does it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_DIR

APP = str(PROJECT_DIR / "app.py")


def open_app(page: str | None = None, client_id: str | None = None, **query: str) -> AppTest:
    """The app on `pages/<page>.py` (else its default page, Intake), with URL query parameters and `client_id`
    chosen as the intake's hand-off does; the first run must raise nothing."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if client_id:
        at.session_state["active_client_id"] = client_id
    if page:
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at
