"""The Plan page through the real app script: draft from an intake, edit, version, finalize, revise."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from chains.intake import IntakeContext
from config import get_settings
from records.plans import PlanService
from records.service import IntakeService
from records.store import RecordStore
from tests.conftest import PROJECT_DIR
from tests.pages.test_intake import ANSWERS, data_dir  # noqa: F401 - the fixture is shared


@pytest.fixture
def store(data_dir) -> RecordStore:  # noqa: F811 - pytest fixture injection
    return RecordStore(get_settings().data_dir / "anamnesis.db")


@pytest.fixture
def intake_done(store, library, library_index) -> str:
    """A client whose intake is complete; returns the client id."""
    service = IntakeService(store, IntakeContext(library.taxonomy, library_index.area_fit))
    client, _ = service.open_client("A.R.")
    service.begin(client.id)
    for answer in ANSWERS:
        service.send(client.id, answer)
    return client.id


def open_plan(client_id: str | None) -> AppTest:
    """The app switched to the Plan page with a client chosen (as the intake's hand-off does)."""
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60)
    if client_id:
        at.session_state["active_client_id"] = client_id
    at.switch_page("pages/plan.py").run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Every markdown, caption and alert on the page, unescaped, as one string."""
    parts = [e.value for e in [*at.markdown, *at.caption, *at.error, *at.warning, *at.success, *at.info]]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def plans(store, client_id):
    return PlanService(store).history(client_id), PlanService(store).load(client_id)


def test_empty_states(data_dir, store):  # noqa: F811
    """No clients: say to start with an intake. A client without an intake: say the plan needs one."""
    at = open_plan(None)
    assert "No clients yet" in texts(at)
    client = store.create_client("N.I.")
    at = open_plan(client.id)
    assert "has no intake yet" in texts(at)


def test_draft_edit_finalize_revise(intake_done, store):
    """The clinician drafts, edits an objective and its date, finalizes with attestation, then revises."""
    at = open_plan(intake_done)
    assert "No plan yet" in texts(at)
    click(at, "plan_draft")
    history, plan = plans(store, intake_done)
    assert len(history) == 1 and plan.status == "draft" and plan.goals
    assert "Drafted version 1" in texts(at) and "DRAFT" in texts(at)
    assert not [f for f in plan.flags if f.severity == "error"]

    first = plan.goals[0].objectives[0]
    at.text_area(key=f"plan_obj_desc_{first.id}").set_value("Practice one grounding skill daily for four weeks")
    at.date_input(key=f"plan_obj_date_{first.id}").set_value(date(2027, 1, 15))
    click(at, f"plan_goal_save_{plan.goals[0].id}")
    history, plan = plans(store, intake_done)
    assert [v.version for v in history] == [2, 1] and history[0].summary == f"Edited goal {plan.goals[0].id}"
    edited = plan.goals[0].objectives[0]
    assert (edited.description, edited.target_date) == (
        "Practice one grounding skill daily for four weeks",
        date(2027, 1, 15),
    )
    assert "Saved as version 2" in texts(at)

    # The history tab compares the two versions readably.
    diff = at.code[0].value
    assert "+Objective " in diff and "grounding skill" in diff

    # Signing without the attestation is refused; with it the plan becomes final and read-only.
    at.text_input(key="plan_sign_name").set_value("A. Rivera")
    at.text_input(key="plan_sign_credentials").set_value("LCSW")
    click(at, "plan_sign_submit")
    assert "client took part" in texts(at) and len(plans(store, intake_done)[0]) == 2
    at.checkbox(key="plan_sign_attest").check()
    click(at, "plan_sign_submit")
    history, plan = plans(store, intake_done)
    assert plan.status == "final" and plan.version == 3 and plan.signature.clinician_name == "A. Rivera"
    assert "signed by A. Rivera" in texts(at)
    assert at.text_area(key="plan_presenting").disabled and at.button(key="plan_overview_save").disabled

    click(at, "plan_revise")
    history, plan = plans(store, intake_done)
    assert (plan.version, plan.status, plan.signature) == (4, "draft", None)
    assert not at.text_area(key="plan_presenting").disabled


def test_add_remove_reorder(intake_done, store):
    """Goals and interventions can be added, removed and reordered; each change is a version."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    goal_ids = [g.id for g in plan.goals]

    click(at, f"plan_goal_down_{goal_ids[0]}")
    _, plan = plans(store, intake_done)
    assert [g.id for g in plan.goals][:2] == [goal_ids[1], goal_ids[0]]

    click(at, f"plan_goal_addobj_{goal_ids[0]}")
    _, plan = plans(store, intake_done)
    added = next(g for g in plan.goals if g.id == goal_ids[0]).objectives[-1]
    assert added.description == "" and added.target_date == plan.progress_monitoring.next_review_date
    assert any("measurable criterion" in f.message for f in plan.flags)  # the empty objective is flagged

    at.checkbox(key=f"plan_obj_remove_{added.id}").check()
    click(at, f"plan_goal_save_{goal_ids[0]}")
    _, plan = plans(store, intake_done)
    assert added.id not in {o.id for o in plan.objectives()}

    count = len(plan.interventions)
    click(at, "plan_add_intervention")
    _, plan = plans(store, intake_done)
    assert len(plan.interventions) == count + 1 and plan.interventions[-1].frequency == "weekly in session"
    last = plan.interventions[-1].id
    at.text_area(key=f"plan_int_desc_{last}").set_value("Review the week's thought record together")
    at.number_input(key=f"plan_int_order_{last}").set_value(1)
    click(at, "plan_interventions_save")
    _, plan = plans(store, intake_done)
    assert plan.interventions[0].id == last and plan.interventions[0].description.startswith("Review the week")

    click(at, f"plan_goal_remove_{goal_ids[-1]}")
    _, plan = plans(store, intake_done)
    assert goal_ids[-1] not in [g.id for g in plan.goals]
    gone = {o for i in plan.interventions for o in i.objective_ids if o.startswith(f"{goal_ids[-1]}-")}
    assert not gone


def test_care_details_and_safety_plan(intake_done, store):
    """Session details, a clinician-added safety plan and discharge criteria save together."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    assert plan.safety_plan is None and not plan.risk_reported  # the intake denied risk: nothing invented
    at.checkbox(key="plan_safety_include").check()
    at.text_area(key="plan_discharge").set_value("PHQ-9 below 10 at two reviews\nReturns to full-time work")
    click(at, "plan_care_save")
    _, plan = plans(store, intake_done)
    assert plan.safety_plan is not None and plan.discharge_criteria[1] == "Returns to full-time work"
    at.text_area(key="plan_safety_warning_signs").set_value("Not sleeping\nSkipping meals")
    click(at, "plan_care_save")
    _, plan = plans(store, intake_done)
    assert plan.safety_plan.warning_signs == ["Not sleeping", "Skipping meals"]


def test_hostile_text_renders_literally(intake_done, store):
    """Markup typed into a goal is shown as typed, never rendered or executed."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    payload = "<script>alert(1)</script> **bold** ![x](http://evil.example/x.png)"
    at.text_area(key=f"plan_goal_desc_{plan.goals[0].id}").set_value(payload)
    click(at, f"plan_goal_save_{plan.goals[0].id}")
    _, plan = plans(store, intake_done)
    assert plan.goals[0].description == payload
    labels = [e.label for e in at.expander]
    assert any(r"\<script\>" in label and r"\*\*bold\*\*" in label for label in labels)
    assert all("<script>" not in e.value for e in at.markdown)


def test_intake_draft_command_leads_to_the_plan(intake_done, store):
    """Typing 'draft' in the intake chat switches to the Plan page and drafts straight away."""
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60)
    at.query_params["client"] = intake_done
    at.run()
    at.chat_input(key="intake_chat_input").set_value("draft").run()
    assert not at.exception, at.exception
    history, plan = plans(store, intake_done)
    assert len(history) == 1 and plan.goals
    assert any(t.label.startswith("Goals") for t in at.tabs)


def test_download_buttons_make_every_format_and_log_it(intake_done, store):
    """One download button per format, made for the current version."""
    from exports import FORMATS

    at = open_plan(intake_done)
    click(at, "plan_draft")
    buttons = {b.proto.id for b in at.get("download_button")}
    assert len(buttons) == len(FORMATS)
    for key in FORMATS:
        assert any(f"plan_download_{key}" in button for button in buttons)
