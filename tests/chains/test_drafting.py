"""Drafting from the replayed intakes: structure, provenance, dates, baselines, safety plan, client words."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from chains.drafting import build_draft_chain, draft_plan
from chains.offline_composer import feasible_date, measure_target
from chains.retrieval import allowed
from clinical.fit_check import minimum_days
from clinical.instruments import instrument
from clinical.intake_engine import IntakeContext
from clinical.plan import (
    TreatmentPlan,
)
from clinical.plan_checks import lint
from clinical.record import ClientInfo, IntakeRecord, Measure, ReportedLogistics
from clinical.replay import replay_intake
from clinical.risk import RiskAssessment
from knowledge.models import Kind
from tests.builders import CASES, load_case

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def drafted(library_index, library):
    """Every replayed intake with the plan drafted from it."""
    chain = build_draft_chain(library_index, library, today=TODAY)
    context = IntakeContext(library.taxonomy, library_index.area_fit)
    results = {}
    for name in CASES:
        answers, expected = load_case(name)
        alias = answers.pop("alias")
        record = replay_intake(answers, alias, context, today=TODAY)
        results[name] = (record, chain.invoke(record).plan, expected)
    return results


@pytest.mark.parametrize("name", CASES)
def test_complete_intakes_pass_their_own_lint(drafted, name, library):
    """A drafted plan has no error, checked against its case; unassessed risk waits for a reason (and is assessed)."""
    record, plan, _ = drafted[name]
    assert [f.code for f in lint(plan, library.by_id) if f.severity == "error"] == []
    if record.risk.assessed:
        assert plan.risk_assessed
        return
    assert "risk-not-assessed" in {f.code for f in plan.flags if f.blocks_signing} and not plan.risk_assessed
    assert any("mbc-int-complete-risk-assessment" in i.sources for i in plan.interventions)
    explained = plan.model_copy(update={"risk_not_assessed_reason": "Client left early; risk to assess next session."})
    assert "risk-not-assessed" not in {f.code for f in lint(explained, library.by_id)}


def test_reported_kinds_beyond_suicide_name_their_plan_element():
    """Danger from others, psychosis and medical risk each make the plan check name the element the plan needs."""
    plan = TreatmentPlan(
        client=ClientInfo(alias="A"), risk_kinds=["danger_from_others", "psychosis", "medical", "suicide"]
    )
    warnings = [f.message for f in lint(plan) if f.code == "risk-element"]
    assert len(warnings) == 3
    assert "danger from others" in warnings[0] and "WHO" in warnings[0]
    assert "early-intervention" in warnings[1] and "NICE CG178" in warnings[1]
    assert "MEED" not in warnings[2] and "CR233" in warnings[2]


@pytest.mark.parametrize("name", CASES)
def test_structure_and_provenance(drafted, name, library):
    """2–6 goals, 1–4 objectives each, interventions with frequency; every item cites real library ids."""
    _, plan, _ = drafted[name]
    assert 2 <= len(plan.goals) <= 6
    for goal in plan.goals:
        assert 1 <= len(goal.objectives) <= 4 and goal.sources
        assert all(o.sources and o.target_date for o in goal.objectives)
    assert plan.interventions and all(i.frequency and i.sources for i in plan.interventions)
    assert all(s in library.by_id for s in plan.source_ids())
    assert plan.status == "draft" and "clinician review" in plan.review_notice


@pytest.mark.parametrize("name", CASES)
def test_dates_follow_start_and_review_interval(drafted, name):
    """Target dates and the next review come from the start date and review interval."""
    record, plan, _ = drafted[name]
    start, interval = record.session.start_date, record.session.review_interval_days
    assert plan.progress_monitoring.next_review_date == start + timedelta(days=interval)
    for goal in plan.goals:
        first = goal.objectives[0]
        assert first.target_date == feasible_date(start, first.description, 1, interval)
        assert first.target_date - start >= timedelta(days=minimum_days(first.description))


@pytest.mark.parametrize("name", CASES)
def test_baselines_from_measures(drafted, name):
    """Objectives on an intake measure carry its score as baseline and the band target; none is invented."""
    record, plan, _ = drafted[name]
    scores = {m.name: m for m in record.measures}
    for objective in plan.objectives():
        if objective.baseline is not None:
            measure = scores[objective.measure]
            assert objective.baseline == measure.display_score
            assert objective.target == str(measure_target(measure))
            assert measure.display_score in objective.description
        assert "{" not in objective.description


@pytest.mark.parametrize("name", CASES)
def test_safety_plan_only_with_risk(drafted, name):
    """A safety plan exists exactly when risk was reported, and names only people from the intake."""
    record, plan, expected = drafted[name]
    assert (plan.safety_plan is not None) == expected["risk"]["flagged"]
    if plan.safety_plan:
        assert any("988" in item for item in plan.safety_plan.professionals_and_agencies)
        for item in plan.safety_plan.people_to_ask_for_help:
            assert item.startswith("[to complete]") or any(p in item for p in record.risk.protective_factors)


@pytest.mark.parametrize("name", CASES)
def test_client_words_are_verbatim(drafted, name):
    """Words beside a goal are the client's own, exactly as quoted in the intake."""
    record, plan, _ = drafted[name]
    placed = [goal.client_words for goal in plan.goals if goal.client_words]
    assert all(quote in record.client_words for quote in placed + plan.client_goals)
    assert sorted(placed + plan.client_goals) == sorted(record.client_words)  # every quote kept, once


@pytest.mark.parametrize("name", CASES)
def test_orientation_is_preferred(drafted, name, library):
    """Half the therapeutic interventions are in the primary orientation where the library has them; all name one."""
    record, plan, _ = drafted[name]
    assert all(i.modality for i in plan.interventions)
    therapeutic = [i for i in plan.interventions if i.category not in ("crisis-safety", "evaluation")]
    primary = [i for i in therapeutic if i.modality == record.orientation[0]]
    if len(primary) / len(therapeutic) < 0.5:  # only when the library has no more for these areas
        areas = {g.problem_area for g in plan.goals}
        unused = [
            e.id
            for e in library.of_kind(Kind.INTERVENTION)
            if record.orientation[0] in e.modalities
            and set(e.problem_areas) & areas
            and e.category.value not in ("crisis-safety", "evaluation")
            and e.id not in plan.source_ids()
            and allowed(e, plan.case, [])
        ]
        assert not unused, unused


def test_formulation_marks_gaps_and_invents_nothing(drafted):
    """The psychodynamic formulation uses the intake's words and marks what it cannot know."""
    record, plan, _ = drafted["psychodynamic_grief_depression"]
    assert plan.formulation.startswith("Psychodynamic formulation")
    assert "Core conflict: [to complete]" in plan.formulation
    assert record.sections["history"] in plan.formulation


def test_json_round_trip(drafted):
    """The JSON export reads back into the same plan (without the plan check, which is not part of a document)."""
    from exports.text import to_json

    _, plan, _ = drafted[CASES[0]]
    assert TreatmentPlan.model_validate(json.loads(to_json(plan))) == plan.model_copy(update={"flags": []})


def test_unassessed_risk_gets_no_safety_plan(library_index, library):
    """No safety plan is invented when risk was not reported; gaps in the intake stay marked."""
    record = IntakeRecord(
        client=ClientInfo(alias="Q"),
        sections={"presenting_problem": "Panic attacks on the bus."},
        problem_areas=["panic", "anxiety"],
        session=ReportedLogistics(frequency="weekly"),
    )
    plan = draft_plan(record, library_index, library, today=TODAY).plan
    assert plan.safety_plan is None and not plan.risk_reported
    assert plan.progress_monitoring.next_review_date == TODAY + timedelta(days=90)


def test_measure_target():
    """Targets are clinically significant change (cut-off and reliable change); healthy baselines get maintenance."""
    assert measure_target(Measure(name="PHQ-9", score=19)) == 9  # the band's top is further than a reliable change
    assert measure_target(Measure(name="PHQ-9", score=12)) == 6  # 12 - 6 (reliable change) is lower than 9
    assert instrument("PHQ-9").objective_target(6) == (9, "maintain")
    assert instrument("CSI-16").objective_target(38) == (52, "improve")  # higher is better
    assert measure_target(Measure(name="DERS", score=110)) == 92  # no published target: a quarter of the way
    for name in ("PHQ-9", "GAD-7", "EPDS", "PCL-5", "EDE-Q", "CSI-16", "AUDIT", "ISI"):
        catalogued = instrument(name)
        for score in range(int(catalogued.low), int(catalogued.high) + 1):
            target, mode = catalogued.objective_target(score)
            if mode == "improve":  # never a target at or past the baseline
                assert (target > score) if catalogued.higher_is_better else (target < score), (name, score)


def test_risk_flag_comes_from_record(library_index, library):
    """risk_reported mirrors the intake's risk flag."""
    record = IntakeRecord(
        client=ClientInfo(alias="Q"),
        sections={"presenting_problem": "Low mood."},
        problem_areas=["depression"],
        risk=RiskAssessment(self_harm=True),
    )
    plan = draft_plan(record, library_index, library, today=TODAY).plan
    assert plan.risk_reported and plan.safety_plan is not None
    assert not [f for f in plan.flags if f.code == "safety-plan"]
