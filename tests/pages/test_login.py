"""Multi-user deployments: with login required, nothing shows before sign-in and each clinician sees only their own."""

from __future__ import annotations

import pytest

from config import get_settings
from storage.records import RecordStore
from tests.pages.driver import open_app
from ui import auth

pytestmark = pytest.mark.slow


@pytest.fixture
def login_required(data_dir, monkeypatch):
    monkeypatch.setenv("ANAMNESIS_REQUIRE_LOGIN", "true")
    get_settings.cache_clear()
    return RecordStore(get_settings().database_path)


def test_missing_auth_configuration_is_explained(login_required):
    """Login required but no [auth] in secrets.toml: a clear message naming the fix, and nothing else."""
    at = open_app()
    assert "[auth] section" in at.error[0].value and not at.chat_input


def test_nothing_before_sign_in(login_required, monkeypatch):
    """With sign-in required and nobody signed in, the page shows only the sign-in button."""
    monkeypatch.setattr(auth, "signed_in_user", lambda: None)
    at = open_app()
    assert at.button(key="auth_login").label == "Sign in"
    assert not at.chat_input and "Sign in to see your clients." in at.markdown[0].value


def test_each_clinician_sees_only_their_clients(login_required, monkeypatch):
    """Each signed-in clinician lists and opens only their own clients."""
    store = login_required
    monkeypatch.setattr(auth, "signed_in_user", lambda: "a@clinic.example")
    at = open_app()
    assert any("Signed in as a@clinic" in c.value.replace("\\", "") for c in at.sidebar.caption)
    at.chat_input(key="intake_alias_input").set_value("A.A.").run()
    mine = store.find_client("A.A.", owner="a@clinic.example")
    assert mine is not None and store.find_client("A.A.") is None

    monkeypatch.setattr(auth, "signed_in_user", lambda: "b@clinic.example")
    at = open_app(client=mine.id)  # even with the other clinician's client id in the URL
    assert "Which client is this intake for?" in at.markdown[0].value
    assert not [b for b in at.button if b.key and b.key.startswith("intake_resume_")]
    at.chat_input(key="intake_alias_input").set_value("A.A.").run()  # the same alias is a different client
    theirs = store.find_client("A.A.", owner="b@clinic.example")
    assert theirs is not None and theirs.id != mine.id
    events = store.audit_events()
    assert {e.actor for e in events if e.action == "client.create"} == {"a@clinic.example", "b@clinic.example"}
