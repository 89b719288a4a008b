"""The plan check: errors, blanks to complete and warnings, each where it is."""

from __future__ import annotations

from datetime import date

from clinical.plan import (
    SAFETY_PLAN_STEPS,
    Diagnosis,
    Goal,
    Intervention,
    Objective,
    PlanSessions,
    ProgressMonitoring,
    SafetyPlan,
    TreatmentPlan,
)
from clinical.plan_checks import lint
from clinical.record import ClientInfo


def minimal_plan(**changes) -> TreatmentPlan:
    """A small plan that passes lint, to break one rule at a time."""
    objective = Objective(
        id="g1-o1", description="Reduce PHQ-9 from 19 to 9 or below by 2027-03-01.", target_date=date(2027, 3, 1)
    )
    plan = TreatmentPlan(
        client=ClientInfo(alias="Q"),
        goals=[
            Goal(
                id="g1",
                description="Lift mood.",
                client_words="feel alive",
                problem_area="depression",
                objectives=[objective],
            )
        ],
        interventions=[
            Intervention(
                id="i1",
                description="Behavioral activation.",
                category="technique",
                frequency="weekly",
                objective_ids=["g1-o1"],
            )
        ],
        session_plan=PlanSessions(frequency="weekly", start_date=date(2026, 12, 1)),
        diagnoses=[Diagnosis(label="Major depressive disorder, single episode, moderate", icd10="F32.1")],
        progress_monitoring=ProgressMonitoring(review_interval_days=90, next_review_date=date(2027, 3, 1)),
        discharge_criteria=["PHQ-9 at or below 9 twice."],
    )
    return plan.model_copy(update=changes)


def codes(plan: TreatmentPlan) -> dict[str, str]:
    """Lint findings as code → severity."""
    return {f.code: f.severity for f in lint(plan)}


class TestLint:
    def test_clean_plan(self):
        """The minimal plan has no findings."""
        assert codes(minimal_plan()) == {}

    def test_objective_rules(self):
        """Objectives need a target date and a measurable criterion; an action verb is advised."""
        bad = Objective(id="g1-o1", description="Feelings about mother.", target_date=None)
        plan = minimal_plan()
        plan.goals[0].objectives = [bad]
        found = codes(plan)
        assert found["objective-target-date"] == "error"
        assert found["objective-measurable"] == "error"
        assert found["objective-action-verb"] == "warning"

    def test_goal_without_client_words(self):
        """A goal without the client's words is a warning."""
        plan = minimal_plan()
        plan.goals[0].client_words = None
        assert codes(plan) == {"goal-client-words": "warning"}

    def test_intervention_without_frequency(self):
        """Interventions need a frequency."""
        plan = minimal_plan()
        plan.interventions[0].frequency = None
        assert codes(plan) == {"intervention-frequency": "error"}

    def test_missing_review_and_discharge(self):
        """A plan needs a scheduled review and discharge criteria."""
        found = codes(minimal_plan(progress_monitoring=ProgressMonitoring(), discharge_criteria=[]))
        assert found == {"review-date": "error", "discharge-criteria": "error"}

    def test_risk_requires_safety_plan(self):
        """Reported risk without a safety plan is an error; with every step written it is fine."""
        assert codes(minimal_plan(risk_reported=True)) == {"safety-plan": "error"}
        written = SafetyPlan(**{step: [f"Written with the client: {step}"] for step in SAFETY_PLAN_STEPS})
        assert codes(minimal_plan(risk_reported=True, safety_plan=written)) == {}

    def test_blanks_are_to_complete_and_block_signing(self):
        """Blanks in a draft are listed by place and block signing.

        A "[to complete]" anywhere, an empty safety-plan step and a missing start date are blanks to complete;
        each names where it is, and they (like errors, unlike warnings) block signing."""
        plan = minimal_plan(
            formulation="Psychodynamic formulation\nPrecipitants: [to complete] what happened just before.",
            session_plan=PlanSessions(frequency="weekly"),
            safety_plan=SafetyPlan(
                **{step: ["Named at intake: her sister"] for step in SAFETY_PLAN_STEPS},
            ).model_copy(update={"warning_signs": [], "means_safety": ["[to complete] Ask about means."]}),
        )
        plan.goals[0].objectives[0].baseline = "[baseline to be measured]"
        found = {(f.code, f.path): f for f in lint(plan)}
        assert found[("to-complete", "formulation")].message == "Formulation: complete “Precipitants”"
        assert found[("to-complete", "goals[0].objectives[0]")].message.startswith("Objective 1.1: complete")
        assert found[("to-complete", "safety_plan.means_safety")].severity == "incomplete"
        assert "Step 1 — Warning signs" in found[("safety-step", "safety_plan.warning_signs")].message
        assert found[("start-date", "session_plan.start_date")].severity == "incomplete"
        assert {f.code for f in lint(plan) if f.blocks_signing} == {"to-complete", "safety-step", "start-date"}

    def test_diagnosis_recommended_and_code_shape_checked(self):
        """No diagnosis is a warning; a code that is not shaped like ICD-10-CM is an error."""
        assert codes(minimal_plan(diagnoses=[])) == {"diagnosis": "warning"}
        for good in ("F32.1", "F43.10", "T74.11XA", "Z63.0", "F41"):
            assert codes(minimal_plan(diagnoses=[Diagnosis(label="x", icd10=good)])) == {}, good
        for bad in ("F32-1", "32.1", "F3", "F32.12345", "f32.1 "):
            assert codes(minimal_plan(diagnoses=[Diagnosis(label="x", icd10=bad)])) == {"diagnosis-code": "error"}

    def test_placeholders_and_unknown_sources(self):
        """Unfilled placeholders and sources outside the library are errors."""
        plan = minimal_plan()
        plan.goals[0].objectives[0].description = "Reduce PHQ-9 to {target} by 2027-03-01."
        plan.goals[0].sources = ["not-a-library-id"]
        found = {f.code for f in lint(plan, {"some-id"})}
        assert {"placeholder", "unknown-source"} <= found
