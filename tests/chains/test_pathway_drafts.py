"""Offline drafts within the clinical pathways: the riskiest presentations get the right elements and none of the
harmful ones, every draft passes the clinical-fit check, and what lies outside the plan is said."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.clinical import has_element
from chains.drafting import draft_plan
from clinical.intake_engine import IntakeContext
from clinical.plan_checks import lint
from clinical.replay import replay_intake

TODAY = date(2027, 3, 1)
LOGISTICS = "Weekly from 2027-03-08; review every 6 weeks."

CASES = {
    "psychosis": {
        "identifying": "Reece, 19, he/him, student.",
        "presenting_problem": "Four months of hearing voices commenting on him; lately they tell him he should not be "
        "alive. He says he does not want to die. Believes neighbours are watching him.",
        "risk": "Command hallucinations telling him to die; denies intent or plan. No self-harm.",
        "orientation": "CBT for psychosis.",
        "logistics": LOGISTICS,
    },
    "restrictive": {
        "identifying": "Mia, 20, she/her.",
        "presenting_problem": "Restricting to one meal a day for six months; lost 9 kg. Fainted twice. Panicky "
        "when she has to eat with others.",
        "medical": "GP: heart rate 44, BP 86/54, dizzy on standing.",
        "risk": "Denies SI and self-harm.",
        "measures": "EDE-Q global 4.4.",
        "orientation": "CBT-E.",
        "logistics": LOGISTICS,
    },
    "perinatal": {
        "identifying": "Nadia, 31, she/her; baby is 10 weeks old.",
        "presenting_problem": "Low mood and exhaustion since the birth; waking for night feeds, lies awake after.",
        "symptoms": "EPDS 17. Poor sleep, tearful, feels a failure as a mother.",
        "risk": "Denies thoughts of harming herself or the baby.",
        "orientation": "IPT, role transition.",
        "logistics": LOGISTICS,
    },
    "unmatched": {
        "identifying": "Ray, 52.",
        "presenting_problem": "Wants help deciding whether to sell the family business.",
        "risk": "Denies SI, self-harm, HI.",
        "logistics": LOGISTICS,
    },
    "mania": {
        "identifying": "Tom, 33, he/him.",
        "presenting_problem": "Low mood now, but last month a hypomanic spell: not slept for days, spent his savings.",
        "risk": "Denies SI, self-harm, HI.",
        "measures": "PHQ-9 16.",
        "orientation": "CBT.",
        "logistics": LOGISTICS,
    },
}


@pytest.fixture(scope="module")
def plans(library, library_index):
    context = IntakeContext(library.taxonomy, library_index.area_fit)
    return {
        name: draft_plan(replay_intake(answers, "X.", context, TODAY), library_index, library, today=TODAY).plan
        for name, answers in CASES.items()
    }


@pytest.mark.parametrize("name", list(CASES))
def test_drafts_pass_the_clinical_fit_check(plans, library, name):
    """No plan-check or fit-check error on any offline draft; every intervention names a modality."""
    plan = plans[name]
    assert [f.message for f in lint(plan, library.by_id) if f.severity == "error"] == []
    assert all(i.modality for i in plan.interventions)


def test_psychosis_gets_early_intervention_and_a_crisis_plan(plans):
    """Voices telling him to die: EIP referral, a psychosis crisis plan covering commands, no nightmares goal."""
    plan = plans["psychosis"]
    assert "Early-intervention-in-psychosis service" in {r.service for r in plan.referrals}
    assert "psychosis" in {e.kind for e in plan.safety_elements}
    assert has_element(plan, "command-hallucination-plan")
    assert plan.goals[0].problem_area == "psychosis" and "sleep" not in {g.problem_area for g in plan.goals}
    assert plan.scope_notes  # diagnosis and medication belong to the psychiatric team


def test_restrictive_eating_gets_medical_monitoring_not_interoceptive_exposure(plans):
    """Low heart rate and fainting: medical monitoring, level of care, weight restoration; nothing that provokes."""
    plan = plans["restrictive"]
    assert "medical" in {e.kind for e in plan.safety_elements}
    for element in ("medical-monitoring", "level-of-care-criteria", "weight-restoration"):
        assert has_element(plan, element), element
    assert not has_element(plan, "interoceptive-exposure")
    assert {"GP / primary-care physician", "Specialist eating-disorder service"} <= {r.service for r in plan.referrals}
    assert any(o.measure == "EDE-Q" and o.baseline == "4.4" for o in plan.objectives())


def test_new_mother_gets_no_sleep_restriction_and_an_epds_objective(plans):
    """Night feeds rule out sleep restriction; EPDS drives an objective; IPT supplies the therapeutic work."""
    plan = plans["perinatal"]
    assert not has_element(plan, "sleep-restriction")
    epds = [o for o in plan.objectives() if o.measure == "EPDS"]
    assert epds and float(epds[0].target) < 17
    therapeutic = [i for i in plan.interventions if i.category not in ("crisis-safety", "evaluation")]
    assert sum(i.modality == "ipt" for i in therapeutic) * 2 >= len(therapeutic)


def test_possible_mania_is_named_outside_the_plan_and_referred(plans):
    """A hypomanic spell is said at the top of the plan, with a psychiatric referral."""
    plan = plans["mania"]
    assert any("mania" in note.lower() for note in plan.scope_notes)
    assert "Psychiatric assessment" in {r.service for r in plan.referrals}


def test_a_presentation_no_pathway_fits_says_so_at_the_top(plans):
    """With no pathway for the presentation, the draft says so instead of pretending."""
    assert any(note.startswith("No clinical pathway fits") for note in plans["unmatched"].scope_notes)
    assert not any(note.startswith("No clinical pathway fits") for note in plans["psychosis"].scope_notes)
