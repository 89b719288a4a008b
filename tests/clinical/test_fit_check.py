"""The clinical-fit check: a sound draft passes; each way a plan can fail its case is caught and blocks signing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chains.drafting import draft_plan
from clinical.intake_engine import IntakeContext
from clinical.plan import Goal, Intervention, Objective
from clinical.plan_checks import lint
from clinical.replay import replay_intake
from tests.builders import IPV

TODAY = date(2027, 3, 1)


@pytest.fixture(scope="module")
def drafted(library, library_index):
    record = replay_intake(IPV, "D.", IntakeContext(library.taxonomy), TODAY)
    return draft_plan(record, library_index, library, today=TODAY).plan


def codes(plan, library, severity="error"):
    return [f.code for f in lint(plan, library.by_id) if f.severity == severity]


def test_the_offline_draft_fits_its_case(drafted, library):
    """The IPV draft has no error, the IPV safety element, the advocate referral and no couple work."""
    assert codes(drafted, library) == []
    assert [e.kind for e in drafted.safety_elements] == ["danger_from_others"]
    assert drafted.safety_plan is None  # suicide, self-harm and harm to others were denied
    services = {r.service for r in drafted.referrals}
    assert {"Domestic-abuse advocate or hotline", "Child protection or adult safeguarding"} <= services
    entries = [library.by_id[s] for s in drafted.source_ids()]
    assert not [e.id for e in entries if "ipv-present" in e.contraindications or "couple" in e.populations]


def test_a_contraindicated_intervention_is_an_error(drafted, library):
    """Couple-cycle mapping in a plan for a client harmed by her partner is refused, naming why."""
    couple = next(e for e in library.entries if "ipv-present" in e.contraindications and e.kind.value == "intervention")
    plan = drafted.model_copy(
        update={
            "interventions": [
                *drafted.interventions,
                Intervention(
                    id="i99",
                    description=couple.text,
                    category=couple.category,
                    frequency="weekly",
                    modality="cbt",
                    sources=[couple.id],
                ),
            ]
        }
    )
    found = [f for f in lint(plan, library.by_id) if f.code == "fit-contraindicated"]
    assert found and "ipv-present" in found[0].message and found[0].blocks_signing


def test_missing_safety_element_and_referral_are_errors(drafted, library):
    """Dropping the IPV safety element or the advocate referral leaves the plan unfit to sign."""
    assert "fit-safety-element" in codes(drafted.model_copy(update={"safety_elements": []}), library)
    assert "fit-referral" in codes(drafted.model_copy(update={"referrals": []}), library)


def test_goal_contradicting_the_intake_is_an_error(drafted, library):
    """A self-harm goal for a client who denied self-harm contradicts the intake."""
    goal = Goal(
        id="g9",
        description="Reduce self-injury.",
        problem_area="self-harm",
        objectives=[
            Objective(id="g9-o1", description="Track urges daily by 2027-05-01.", target_date=date(2027, 5, 1))
        ],
    )
    plan = drafted.model_copy(update={"goals": [*drafted.goals, goal]})
    assert "fit-contradicts-intake" in codes(plan, library)


def test_measures_targets_and_dates_are_checked(drafted, library):
    """A score tracked without a baseline, a target no better than it and an objective due too soon are errors."""
    start = drafted.session_plan.start_date
    goal = drafted.goals[0]
    bad = [
        Objective(
            id="x1", description="Reduce the GAD-7.", measure="GAD-7", target="5", target_date=start + timedelta(60)
        ),
        Objective(
            id="x2",
            description="Reduce PHQ-9.",
            measure="PHQ-9",
            baseline="15",
            target="15",
            target_date=start + timedelta(60),
        ),
        Objective(
            id="x3", description="Keep a diary daily for six consecutive weeks.", target_date=start + timedelta(14)
        ),
    ]
    plan = drafted.model_copy(update={"goals": [goal.model_copy(update={"objectives": bad}), *drafted.goals[1:]]})
    found = codes(plan, library)
    assert {"fit-no-baseline", "fit-target", "fit-date"} <= set(found)


def test_deferred_approach_and_orientation_share(drafted, library):
    """An intervention in a deferred approach is an error; a plan mostly outside the primary one is a warning."""
    emdr = drafted.interventions[-1].model_copy(update={"modality": "emdr", "category": "technique"})
    deferring = drafted.case.model_copy(update={"deferred": ["emdr"]})
    plan = drafted.model_copy(update={"interventions": [*drafted.interventions, emdr], "case": deferring})
    assert "fit-deferred" in codes(plan, library)
    others = [i.model_copy(update={"modality": "psychodynamic"}) for i in drafted.interventions]
    assert "fit-orientation" in codes(drafted.model_copy(update={"interventions": others}), library, "warning")


def test_unassessed_risk_needs_an_item_to_assess_it(drafted, library):
    """With risk not assessed, the plan must assess it (the drafted risk assessment), besides recording why."""
    plan = drafted.model_copy(update={"risk_assessed": False, "risk_not_assessed_reason": "Ran out of time."})
    assert "fit-risk-unassessed" in codes(plan, library)
    assessing = Intervention(
        id="i98",
        description="Complete the risk assessment at the first session.",
        category="evaluation",
        frequency="once",
        sources=["mbc-int-complete-risk-assessment"],
    )
    plan = plan.model_copy(update={"interventions": [*plan.interventions, assessing]})
    assert "fit-risk-unassessed" not in codes(plan, library)


def test_words_the_intake_never_quoted_are_questioned(drafted, library):
    """Words beside a goal that the intake does not quote are a point to consider; quoted ones are not."""
    quoted = drafted.case.client_words[0]
    goals = [drafted.goals[0].model_copy(update={"client_words": quoted}), *drafted.goals[1:]]
    assert "fit-quote-not-intake" not in codes(drafted.model_copy(update={"goals": goals}), library, "warning")
    goals[0] = goals[0].model_copy(update={"client_words": "I am fine with couples therapy"})
    assert "fit-quote-not-intake" in codes(drafted.model_copy(update={"goals": goals}), library, "warning")
