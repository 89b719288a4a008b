"""The extraction benchmark itself: its corpus is well formed and its comparison can tell right from wrong."""

from __future__ import annotations

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
