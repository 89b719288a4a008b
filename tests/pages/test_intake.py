"""The Intake page through the real app script: a whole intake, resume, corrections, delete, hostile text."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from config import get_settings
from storage.records import RecordStore
from tests.builders import ANSWERS
from tests.pages.driver import open_app

pytestmark = pytest.mark.slow


def say(at: AppTest, text: str) -> AppTest:
    """Send a chat message and rerun."""
    at.chat_input(key="intake_chat_input").set_value(text).run()
    assert not at.exception, at.exception
    return at


def chat_texts(at: AppTest) -> list[str]:
    """The visible text of every chat message, unescaped."""
    return [re.sub(r"\\(.)", r"\1", m.markdown[0].value) for m in at.chat_message if m.markdown]


def test_greets_and_asks_for_a_client(data_dir):
    """With no client chosen, the page asks which client the intake is for."""
    at = open_app()
    assert "Which client is this intake for?" in at.markdown[0].value


def test_full_intake_builds_the_record(data_dir):
    """A whole intake typed into the chat produces the right structured record and marks every section done."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("A.R.").run()
    for answer in ANSWERS:
        say(at, answer)
    assert "The intake is complete" in chat_texts(at)[-1]
    assert at.progress[0].value == 100
    store = RecordStore(data_dir / "anamnesis.db")
    (client,) = store.clients()
    from clinical.record import IntakeRecord

    record = IntakeRecord.model_validate_json(store.intake(client.id)[1])
    assert (record.client.age, record.client.pronouns) == (38, "she/her")
    assert {m.name: m.score for m in record.measures} == {"PHQ-9": 14, "GAD-7": 12}
    assert record.orientation == ["psychodynamic", "cbt"]
    assert record.risk.suicidal_ideation.value == "denied" and not record.risk.flagged
    assert record.session.start_date.isoformat() == "2026-12-07" and record.session.review_interval_days == 90
    assert record.client_words == ["I want to stop feeling like a fraud at work"]
    assert {"depression", "panic"} <= set(record.problem_areas)
    assert not at.error  # no risk banner


def test_resume_after_refresh(data_dir):
    """A fresh session with the client in the URL shows the whole conversation and the next question."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("B.T.").run()
    say(at, ANSWERS[0])
    say(at, ANSWERS[1])
    client_id = at.query_params["client"]
    client_id = client_id[0] if isinstance(client_id, list) else client_id
    st.cache_resource.clear()  # as after a server restart
    again = open_app(client=client_id)
    texts = chat_texts(again)
    assert ANSWERS[0] in texts and ANSWERS[1] in texts
    assert "(3/15 · Symptoms)" in texts[-1]


def test_resume_by_typing_alias(data_dir):
    """Typing an existing alias resumes that client instead of creating a second one."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("C.L.").run()
    say(at, ANSWERS[0])
    fresh = open_app()
    fresh.chat_input(key="intake_alias_input").set_value("c.l.").run()
    assert ANSWERS[0] in chat_texts(fresh)
    assert len(RecordStore(data_dir / "anamnesis.db").clients()) == 1


def test_risk_banner(data_dir):
    """Reported risk shows a persistent banner naming its kinds, and the risk panel quotes the intake's words."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("D.M.").run()
    for _ in range(6):
        say(at, "skip")
    say(at, "Endorses passive SI, no plan or intent. Partner strangled her last week.")
    assert any("Risk reported for this client (suicide, danger from others)" in e.value for e in at.error)
    captions = [c.value for c in at.caption]
    assert any("Partner strangled her last week" in c for c in captions), captions
    assert any(c.startswith("Plan needs: A safety plan for violence from another person") for c in captions)


def test_unassessed_risk_can_be_explained_in_the_corrections_form(data_dir):
    """A clinician records why risk was not assessed; the record keeps the reason and the panel shows it."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("N.A.").run()
    say(at, "Age 40, she/her.")
    assert any("no reason recorded" in i.value for i in at.info)
    fix_widget(at, "text_input", "not_assessed_reason").set_value("Client left early; next session.")
    next(b for b in at.button if (b.key or "").endswith("_save")).click().run()
    assert any("Reason recorded: Client left early; next session" in i.value for i in at.info)


def fix_widget(at: AppTest, kind: str, name: str):
    """The corrections form's widget for a field (its key carries the record's revision)."""
    widgets = [w for w in getattr(at, kind) if (w.key or "").startswith("intake_fix_") and w.key.endswith(f"_{name}")]
    assert len(widgets) == 1, [w.key for w in getattr(at, kind)]
    return widgets[0]


def saved_intake(data_dir):
    """The one client's stored intake state and record."""
    from clinical.intake_engine import IntakeState
    from clinical.record import IntakeRecord

    store = RecordStore(data_dir / "anamnesis.db")
    (client,) = store.clients()
    state_json, record_json, _ = store.intake(client.id)
    return IntakeState.model_validate_json(state_json), IntakeRecord.model_validate_json(record_json)


def test_correct_a_field(data_dir):
    """A corrected field in the side panel is saved and wins over extraction."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("E.N.").run()
    say(at, ANSWERS[0])
    fix_widget(at, "number_input", "age").set_value(39)
    fix_widget(at, "button", "save").click().run()
    assert not at.exception
    state, record = saved_intake(data_dir)
    assert record.client.age == 39 and state.overrides == {"client.age": 39}
    from clinical.record import ClientInfo

    age = fix_widget(at, "number_input", "age")
    limits = {m.__class__.__name__: m for m in ClientInfo.model_fields["age"].metadata}
    assert (age.min, age.max) == (limits["Ge"].ge, limits["Le"].le)  # the form offers what the record accepts


def test_corrections_form_follows_the_chat_and_saves_only_changes(data_dir):
    """The corrections form follows the chat and saves only changed fields.

    The form shows what the chat recorded after every turn; saving it untouched changes nothing, and changing
    one field makes only that field a correction (corrections win over extraction, so a blank saved back would
    erase what the chat recorded)."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("S.F.").run()
    assert fix_widget(at, "number_input", "age").value is None  # nothing recorded yet
    say(at, ANSWERS[0])
    say(at, ANSWERS[1])
    say(at, ANSWERS[2])
    _, before = saved_intake(data_dir)
    assert before.client.age == 38 and before.problem_areas
    # The form shows the record as the chat left it, not the blanks it was first drawn with.
    assert fix_widget(at, "number_input", "age").value == 38
    assert fix_widget(at, "text_input", "pronouns").value == "she/her"
    assert fix_widget(at, "multiselect", "problem_areas").value == before.problem_areas

    fix_widget(at, "button", "save").click().run()
    assert not at.exception
    state, after = saved_intake(data_dir)
    assert state.overrides == {} and after.model_dump(exclude={"updated_at"}) == before.model_dump(
        exclude={"updated_at"}
    )
    assert any("Nothing changed" in e.value for e in at.info)

    fix_widget(at, "selectbox", "suicidal_ideation").set_value("denied")
    fix_widget(at, "button", "save").click().run()
    state, after = saved_intake(data_dir)
    assert state.overrides == {"risk.suicidal_ideation": "denied"}
    assert (after.client.age, after.client.pronouns, after.problem_areas) == (38, "she/her", before.problem_areas)
    assert any("suicidal ideation" in e.value for e in at.success)

    # The next turn still reaches the form: the section's answer is recorded and shown.
    for answer in ANSWERS[3:6]:
        say(at, answer)
    say(at, "Denies SI, HI and self-harm")
    state, after = saved_intake(data_dir)
    assert after.risk.self_harm is False
    assert fix_widget(at, "selectbox", "self_harm").value == "no"


def test_delete_client(data_dir):
    """Deleting a client removes them and returns to the client picker."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("F.O.").run()
    say(at, ANSWERS[0])
    at.button(key="intake_delete_confirm").click().run()
    assert RecordStore(data_dir / "anamnesis.db").clients() == []
    assert "Which client is this intake for?" in at.markdown[0].value


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "![x](http://evil.example/x.png) **bold** [link](javascript:alert(1))",
        "🙂 ünïcödé 中文",
    ],
)
def test_hostile_and_unicode_text_render_literally(data_dir, payload):
    """Markup typed into the chat is shown as text, never rendered, and kept exactly."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("G.P.").run()
    say(at, payload)
    shown = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert payload in chat_texts(at)
    assert all("<script>" not in s and "](http" not in s for s in shown)


def test_empty_alias_message(store):
    """An alias of only spaces gets a clear message and creates no client."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("   ").run()
    assert not at.exception
    assert any("Please give the client an alias" in error.value for error in at.error)
    assert store.clients() == []


def test_fill_gaps_with_a_local_model(data_dir, monkeypatch):
    """With a model configured, the side panel's button fills gaps from a real OpenAI-protocol server."""
    import json

    from tests.fakes import ChatCompletionsServer

    with ChatCompletionsServer(json.dumps({"pronouns": "she/her", "orientation": ["act"]})) as server:
        monkeypatch.setenv("ANAMNESIS_LLM_PROVIDER", "openai")
        monkeypatch.setenv("ANAMNESIS_LLM_MODEL", "local-test")
        monkeypatch.setenv("ANAMNESIS_LLM_BASE_URL", server.url)
        get_settings.cache_clear()
        at = open_app()
        at.chat_input(key="intake_alias_input").set_value("H.Q.").run()
        say(at, "52-year-old librarian")
        at.button(key="intake_llm_fill").click().run()
        assert not at.exception
    store = RecordStore(data_dir / "anamnesis.db")
    (client,) = store.clients()
    record = json.loads(store.intake(client.id)[1])
    assert record["client"]["pronouns"] == "she/her" and record["client"]["age"] == 52
    assert record["orientation"] == ["act"]
    assert len(server.requests) == 1


def test_couple_participants_and_deferred_approaches_are_shown(data_dir):
    """A couple's participants appear in the record panel; an approach put off is offered as 'for later', not chosen."""
    at = open_app()
    at.chat_input(key="intake_alias_input").set_value("M. & Jo").run()
    say(at, "Couple consultation. M. (38, she/her) and Jo (41, they/them).")
    say(at, "edit orientation")
    say(at, "Psychodynamic couple work. EMDR for Jo's accident memories deferred until the couple is more settled.")
    assert any("In the room: M., 38, she/her; Jo, 41, they/them" in c.value.replace("\\", "") for c in at.caption)
    assert fix_widget(at, "multiselect", "orientation").value == ["psychodynamic"]
    assert fix_widget(at, "multiselect", "orientation_deferred").value == ["emdr"]
