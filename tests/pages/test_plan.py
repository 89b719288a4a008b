"""The Plan page through the real app script: draft from an intake, edit, version, finalize, revise."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from clinical.intake_engine import IntakeContext
from services.intake import IntakeService
from services.plans import PlanService
from tests.builders import ANSWERS
from tests.pages.driver import open_app

pytestmark = pytest.mark.slow


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
    return open_app("plan", client_id)


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


def test_empty_states(data_dir, store):
    """No clients: say to start with an intake. A client without an intake: say the plan needs one."""
    at = open_plan(None)
    assert "No clients yet" in texts(at)
    client = store.create_client("N.I.")
    at = open_plan(client.id)
    assert "has no intake yet" in texts(at)


def open_section(at: AppTest, section: str) -> AppTest:
    """Switch the page's section tabs (their state lives under the 'plan_section' key)."""
    at.session_state["plan_section"] = section
    at.run()
    assert not at.exception, at.exception
    return at


COMPLETED_FORMULATION = (
    "Psychodynamic formulation\nPrecipitants: passed over for promotion in September.\n"
    "Core conflict: a wish to be recognised against a fear of being exposed as a fraud."
)


def test_draft_edit_finalize_revise(intake_done, store):
    """Draft, edit, refused signature, complete, sign and revise on the Plan page.

    The clinician drafts, edits an objective and its date, is refused a signature while blanks remain (with the
    list of what to complete), completes them, signs with attestation, then revises."""
    at = open_plan(intake_done)
    assert "No plan yet" in texts(at)
    click(at, "plan_draft")
    history, plan = plans(store, intake_done)
    assert len(history) == 1 and plan.status == "draft" and plan.goals
    assert "Drafted version 1" in texts(at) and "DRAFT" in texts(at) and "written offline from the library" in texts(at)
    assert not [f for f in plan.flags if f.severity == "error"]
    assert plan.session_plan.start_date == date(2026, 12, 7)

    first = plan.goals[0].objectives[0]
    at.text_area(key=f"plan_obj_desc_{first.id}").set_value("Practice one grounding skill daily for four weeks")
    at.date_input(key=f"plan_obj_date_{first.id}").set_value(date(2027, 1, 15))
    click(at, f"plan_goal_save_{plan.goals[0].id}")
    history, plan = plans(store, intake_done)
    assert [v.version for v in history] == [2, 1] and history[0].summary == "Edited goal 1"
    edited = plan.goals[0].objectives[0]
    assert (edited.description, edited.target_date) == (
        "Practice one grounding skill daily for four weeks",
        date(2027, 1, 15),
    )
    assert "Saved as version 2" in texts(at)

    # Signing is refused while the draft's blanks remain; the Finalize section lists them.
    blanks = [f for f in plan.flags if f.blocks_signing]
    assert blanks and {f.code for f in blanks} == {"to-complete"}
    open_section(at, "Finalize & download")
    assert f"{len(blanks)} item" in texts(at)
    at.text_input(key="plan_sign_name").set_value("A. Rivera")
    at.text_input(key="plan_sign_credentials").set_value("LCSW")
    at.checkbox(key="plan_sign_attest").check()
    click(at, "plan_sign_submit")
    assert "Not signed" in texts(at) and len(plans(store, intake_done)[0]) == 2

    at.text_area(key="plan_formulation").set_value(COMPLETED_FORMULATION)
    click(at, "plan_overview_save")
    history, plan = plans(store, intake_done)
    assert plan.version == 3 and not [f for f in plan.flags if f.blocks_signing]
    at.text_input(key="plan_sign_name").set_value("A. Rivera")
    at.text_input(key="plan_sign_credentials").set_value("LCSW")
    click(at, "plan_sign_submit")
    assert "client took part" in texts(at) and len(plans(store, intake_done)[0]) == 3
    at.checkbox(key="plan_sign_attest").check()
    click(at, "plan_sign_submit")
    history, plan = plans(store, intake_done)
    assert plan.status == "final" and plan.version == 4 and plan.signature.clinician_name == "A. Rivera"
    assert "signed by A. Rivera" in texts(at)
    assert at.text_area(key="plan_presenting").disabled and at.button(key="plan_overview_save").disabled

    click(at, "plan_revise")
    history, plan = plans(store, intake_done)
    assert (plan.version, plan.status, plan.signature) == (5, "draft", None)
    assert not at.text_area(key="plan_presenting").disabled


def test_jump_from_the_list_to_the_field(intake_done, store):
    """Each item to complete is a link: it opens the section holding the field and says what the field needs."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    formulation_blank = next(f for f in plan.flags if f.path == "formulation")
    jumps = [b for b in at.button if (b.key or "").startswith("plan_jump_blank_")]
    assert len(jumps) == len([f for f in plan.flags if f.severity == "incomplete"])
    open_section(at, "History")
    next(b for b in jumps if "Formulation" in b.label).click().run()
    assert at.session_state["plan_section"] == "Overview"
    assert any(formulation_blank.message in i.value.replace("\\", "") for i in at.info)


def test_no_start_date_blocks_signing_until_set(intake_done, store):
    """A plan without a start date cannot be signed; setting it in Sessions & safety clears the blank."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    PlanService(store).save(
        intake_done,
        plan.model_copy(update={"session_plan": plan.session_plan.model_copy(update={"start_date": None})}),
        "x",
    )
    at.run()
    click(at, "plan_open_latest")  # saved outside this tab: open it here
    assert any(f.code == "start-date" for f in plans(store, intake_done)[1].flags)
    assert any("no start date" in b.label for b in at.button if (b.key or "").startswith("plan_jump_blank"))
    at.date_input(key="plan_session_start").set_value(date(2027, 1, 4))
    click(at, "plan_care_save")
    _, plan = plans(store, intake_done)
    assert plan.session_plan.start_date == date(2027, 1, 4)
    assert not any(f.code == "start-date" for f in plan.flags)


def test_unassessed_risk_blocks_signing_until_the_reason_is_recorded(intake_done, store):
    """Unassessed risk blocks signing until the reason is recorded in Sessions & safety."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    PlanService(store).save(intake_done, plan.model_copy(update={"risk_assessed": False}), "x")
    at.run()
    click(at, "plan_open_latest")  # saved outside this tab: open it here
    assert any(f.code == "risk-not-assessed" for f in plans(store, intake_done)[1].flags)
    open_section(at, "Sessions & safety")
    at.text_area(key="plan_risk_reason").set_value("Client left early; risk assessed at the next session.")
    click(at, "plan_care_save")
    _, plan = plans(store, intake_done)
    assert plan.risk_not_assessed_reason == "Client left early; risk assessed at the next session."
    assert not any(f.code == "risk-not-assessed" for f in plan.flags)


def test_diagnoses_are_entered_with_a_checked_code(intake_done, store):
    """A diagnosis is entered with an ICD-10-CM code whose shape is checked.

    A diagnosis is a label and an ICD-10-CM code (upper-cased); a code of the wrong shape is a plan-check error
    that blocks signing, and no diagnosis at all is only a warning."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    assert "diagnosis" in {f.code for f in plan.flags if f.severity == "warning"}
    at.text_input(key="plan_dx_code_0").set_value("f32.1")
    at.text_input(key="plan_dx_label_0").set_value("Major depressive disorder, single episode, moderate")
    click(at, "plan_overview_save")
    _, plan = plans(store, intake_done)
    assert [(d.icd10, d.label) for d in plan.diagnoses] == [
        ("F32.1", "Major depressive disorder, single episode, moderate")
    ]
    assert "diagnosis" not in {f.code for f in plan.flags}
    at.text_input(key="plan_dx_code_0").set_value("F32-1")
    click(at, "plan_overview_save")
    _, plan = plans(store, intake_done)
    assert [f.code for f in plan.flags if f.severity == "error"] == ["diagnosis-code"]
    assert any(
        "is not an ICD-10-CM code" in e.label.replace("\\", "")
        for e in at.button
        if e.key and e.key.startswith("plan_jump_error")
    )


def test_an_edit_against_an_older_version_is_refused_not_lost(intake_done, store):
    """An edit against an older version is refused and what was typed is kept.

    When another tab saves a newer version, this tab stays on the version it was editing (its widgets keep what
    was typed), says a newer one exists, refuses to save over it, and opens the newer one on request."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    elsewhere = plan.model_copy(update={"presenting_problem": "Rewritten in another tab."})
    PlanService(store).save(intake_done, elsewhere, "Edited in another tab")
    at.run()
    assert "Version 2 was saved after the version 1" in texts(at)
    assert at.text_area(key="plan_presenting").value == plan.presenting_problem  # still the version being edited
    at.text_area(key="plan_presenting").set_value("Typed here, against version 1.")
    click(at, "plan_overview_save")
    assert "changed elsewhere" in texts(at)
    assert at.text_area(key="plan_presenting").value == "Typed here, against version 1."
    assert plans(store, intake_done)[1].presenting_problem == "Rewritten in another tab."
    click(at, "plan_open_latest")
    assert at.text_area(key="plan_presenting").value == "Rewritten in another tab."
    assert "was saved after" not in texts(at)


def test_preview_and_history_read_like_documents(intake_done, store):
    """Preview and History read like documents and keep their choices.

    The preview shows the document the exports make; History lists versions and shows changed sentences, and
    the chosen versions stay chosen while the clinician looks."""
    at = open_plan(intake_done)
    click(at, "plan_draft")
    open_section(at, "Preview")
    shown = texts(at)
    assert "Start date:** 2026-12-07" in shown or "Start date: 2026-12-07" in shown
    assert (
        "Goal 1." in shown and "Sources" in shown and "Plan check" not in "\n".join(m.value for m in at.main.markdown)
    )
    _, plan = plans(store, intake_done)
    goal = plan.goals[0]
    at.text_area(key=f"plan_goal_desc_{goal.id}").set_value("Feel steady at work again.")
    click(at, f"plan_goal_save_{goal.id}")
    open_section(at, "History")
    assert at.dataframe[0].value["Version"].tolist() == [2, 1]
    assert at.selectbox(key="plan_diff_older").value == 1 and at.selectbox(key="plan_diff_newer").value == 2
    diff = texts(at)
    assert "Goal 1" in diff and "+ Feel steady at work again." in diff and "@@" not in diff
    assert f"~~{goal.description.split('. ')[0]}" in diff
    at.selectbox(key="plan_diff_older").set_value(2).run()
    assert at.session_state["plan_section"] == "History" and "Pick two different versions" in texts(at)


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
    # A new intervention serves the whole plan until it is given objectives: it is listed after the goals' own.
    assert plan.intervention_groups()[-1] == (None, [plan.interventions[-1]])
    first_goal = plan.goals[0]
    at.text_area(key=f"plan_int_desc_{last}").set_value("Review the week's thought record together")
    at.multiselect(key=f"plan_int_objs_{last}").set_value([first_goal.objectives[0].id])
    at.number_input(key=f"plan_int_order_{last}").set_value(1)
    click(at, "plan_interventions_save")
    _, plan = plans(store, intake_done)
    # Now under goal 1, first among that goal's interventions.
    assert plan.interventions[0].id == last and plan.interventions[0].description.startswith("Review the week")
    assert plan.goal_served(plan.interventions[0]).id == first_goal.id

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
    at = open_app(client=intake_done)
    at.chat_input(key="intake_chat_input").set_value("draft").run()
    assert not at.exception, at.exception
    history, plan = plans(store, intake_done)
    assert len(history) == 1 and plan.goals
    assert any(t.label.startswith("Goals") for t in at.tabs)


def test_download_buttons_make_every_format_and_log_it(intake_done, store):
    """One download button per format this plan can have (no client safety-plan page without a safety plan)."""
    from exports import FORMATS

    at = open_plan(intake_done)
    click(at, "plan_draft")
    buttons = {b.proto.id for b in at.get("download_button")}
    offered = [key for key in FORMATS if key != "safety-plan"]
    assert len(buttons) == len(offered)
    for key in offered:
        assert any(f"plan_download_{key}" in button for button in buttons)


def test_referrals_and_safety_elements_are_edited_and_kept(intake_done, store):
    """A safety element's steps and the referrals are edited on the page; a line in no known shape is kept whole."""
    from clinical.plan import Referral, SafetyElement, SafetyStep

    at = open_plan(intake_done)
    click(at, "plan_draft")
    _, plan = plans(store, intake_done)
    element = SafetyElement(
        kind="danger_from_others",
        title="Safety plan for violence",
        steps=[SafetyStep(heading="Safe contact", items=["[to complete] How to reach her safely."])],
    )
    referral = Referral(service="Domestic-abuse advocate or hotline", reason="Advocacy and refuge.", urgency="urgent")
    PlanService(store).save(
        intake_done, plan.model_copy(update={"safety_elements": [element], "referrals": [referral]}), "x"
    )
    at.run()
    click(at, "plan_open_latest")
    open_section(at, "Sessions & safety")
    at.text_area(key="plan_element_0_0").set_value("Mobile only, weekday lunchtimes\nCode word agreed")
    at.text_area(key="plan_referrals").set_value(
        "Domestic-abuse advocate or hotline (urgent): Advocacy and refuge.\n"
        "GP (routine): Strangulation follow-up\nHousing office"
    )
    click(at, "plan_care_save")
    _, plan = plans(store, intake_done)
    assert plan.safety_elements[0].steps[0].items == ["Mobile only, weekday lunchtimes", "Code word agreed"]
    assert [(r.service, r.urgency) for r in plan.referrals] == [
        ("Domestic-abuse advocate or hotline", "urgent"),
        ("GP", "routine"),
        ("Housing office", "routine"),
    ]
