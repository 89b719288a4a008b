"""The extraction benchmark itself: its corpus is well formed and its comparison can tell right from wrong."""

from __future__ import annotations

import json
from datetime import date

from benchmarks.extraction import CORPUS, HALVES, KINDS, SAME_INSTRUMENT, cases, compare
from clinical.instruments import BY_NAME
from clinical.intake_engine import IntakeContext
from clinical.replay import replay_intake


def test_both_halves_pair_every_intake_with_its_expected_facts():
    """Each half holds at least 20 intakes, each beside its expected facts (the held-out half is only counted)."""
    for half in HALVES:
        intakes = [p for p in (CORPUS / half).glob("*.json") if p.name.count(".") == 1]
        assert len(intakes) >= 20, half
        assert all(p.with_name(p.stem + ".expected.json").exists() for p in intakes), half
        assert all(p.with_name(p.stem + ".clinical.json").exists() for p in intakes), half


def test_tuning_facts_use_the_catalogue_and_the_statuses():
    """Expected measures name catalogued instruments; risk statuses are the three the record uses."""
    for name, _, expected in cases("tuning"):
        for measure in expected["measures"]:
            assert all(n in BY_NAME for n in SAME_INSTRUMENT.get(measure["name"], (measure["name"],))), name
        assert {expected["risk"][kind] for kind in KINDS} <= {"reported", "denied", "not_assessed"}, name


def test_the_comparison_catches_a_wrong_fact(library):
    """A replayed intake scored against its own facts, then against a deliberately wrong age and risk."""
    _, answers, expected = cases("tuning")[0]
    answers = dict(answers)
    alias = answers.pop("alias")
    record = replay_intake(answers, alias, IntakeContext(library.taxonomy), date.fromisoformat(expected["written_on"]))
    results = compare(record, expected)
    assert {"age", "risk.suicide", "measures", "start_date", "orientation_primary"} <= set(results)
    wrong = {**expected, "client": {**expected["client"], "age": 111}}
    wrong["risk"] = {
        **expected["risk"],
        "psychosis": "reported" if record.risk.psychosis.status.value != "reported" else "denied",
    }
    misses = compare(record, wrong)
    assert misses["age"] == [(False, f"age: got {record.client.age!r}, expected 111")]
    assert misses["risk.psychosis"][0][0] is False


CHECKS = {"goal_about", "safety_plan", "referral", "tracks", "recommends", "orientation", "element", "out_of_scope"}


def test_supervisor_statements_use_the_brief_vocabulary():
    """Every must and must-not statement has words and one check from the brief (both halves, structure only)."""
    from benchmarks.clinical import ELEMENTS

    for half in HALVES:
        for path in (CORPUS / half).glob("*.clinical.json"):
            spec = json.loads(path.read_text("utf-8"))
            for item in [*spec["must"], *spec["must_not"]]:
                assert item["says"].strip() and len(item["check"]) == 1, path.name
                ((kind, value),) = item["check"].items()
                assert kind in CHECKS, path.name
                assert kind != "element" or value in ELEMENTS, path.name


def test_the_clinical_reading_catches_harm_and_misses(library):
    """A plan with couple-cycle work breaks 'no couples work'; a plan without an IPV safety element misses it."""
    from benchmarks.clinical import holds
    from clinical.plan import Intervention, SafetyElement
    from tests.builders import make_plan

    plan = make_plan()
    couple = Intervention(
        id="i9",
        description="Map the couple's negative interaction cycle with both partners in session.",
        category="relationship",
        frequency="weekly",
    )
    labels = {}
    assert not holds(plan, {"element": "couple-conjoint-work"}, labels, positive=False)
    harmful = plan.model_copy(update={"interventions": [*plan.interventions, couple]})
    assert holds(harmful, {"element": "couple-conjoint-work"}, labels, positive=False)
    assert not holds(plan, {"safety_plan": "ipv"}, labels, positive=True)
    safe = plan.model_copy(update={"safety_elements": [SafetyElement(kind="danger_from_others", title="IPV plan")]})
    assert holds(safe, {"safety_plan": "ipv"}, labels, positive=True)
    negated = Intervention(id="i8", description="No couples work while violence continues.", category="psychoeducation")
    assert not holds(
        plan.model_copy(update={"interventions": [negated]}), {"element": "couple-conjoint-work"}, labels, False
    )
