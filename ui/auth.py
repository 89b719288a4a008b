"""Who is signed in: a single-user install has one anonymous clinician; with ANAMNESIS_REQUIRE_LOGIN, Streamlit's
OIDC sign-in names them, and nothing is shown before it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from config import get_settings

if TYPE_CHECKING:
    pass


def signed_in_user() -> str | None:
    """The signed-in clinician's stable id (e-mail, else OIDC subject), or None when nobody is signed in."""
    if not st.user.is_logged_in:
        return None
    return str(st.user.get("email") or st.user.get("sub"))


def clinician() -> str:
    """Whose clients this session sees: '' on a single-user install; with ANAMNESIS_REQUIRE_LOGIN, the signed-in
    clinician (the page stops at a sign-in prompt until then)."""
    if not get_settings().require_login:
        return ""
    try:
        user = signed_in_user()
    except Exception as error:  # Streamlit raises when [auth] is missing from secrets.toml
        st.error(
            f"Sign-in is required (ANAMNESIS_REQUIRE_LOGIN) but not configured ({error}). Add an [auth] section "
            "to .streamlit/secrets.toml (see README, 'Multi-user deployments').",
            icon=":material/error:",
        )
        st.stop()
    if user is None:
        st.title("Anamnesis")
        st.write("Sign in to see your clients.")
        st.button("Sign in", key="auth_login", type="primary", on_click=st.login, icon=":material/login:")
        st.stop()
    return user
