"""What tests build from: the replayed intakes, a small valid plan, the intake answers the page tests type, a
small library, a record full of identifiers. Plain helpers (fixtures live in each folder's conftest.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from clinical.plan import (
    GAP_MARKERS,
    Goal,
    Intervention,
    Objective,
    PlanSessions,
    ProgressMonitoring,
    Signature,
    TreatmentPlan,
)
from clinical.record import ClientInfo, IntakeRecord
from knowledge.loader import Library

FIXTURES = Path(__file__).parent / "fixtures" / "intakes"


CASES = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))


def load_case(name: str) -> tuple[dict, dict]:
    """The clinician's answers and the expected record facts for one case."""
    answers = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return answers, expected


START = date(2026, 11, 23)


REVIEW = date(2027, 2, 21)


SIGNATURE = Signature(
    clinician_name="A. Rivera", credentials="LCSW", signed_on=date(2026, 11, 23), client_participated=True
)


def completed(plan: TreatmentPlan) -> TreatmentPlan:
    """A drafted plan with every blank filled in, as the clinician would before signing."""
    return TreatmentPlan.model_validate_json(GAP_MARKERS.sub("written with the client", plan.model_dump_json()))


def make_plan(alias: str = "R.K.") -> TreatmentPlan:
    """A small plan that passes lint."""
    objectives = [
        Objective(
            id="g1-o1",
            description="Reduce PHQ-9 from 19 to below 10",
            measure="PHQ-9",
            baseline="19",
            target="9",
            target_date=REVIEW,
            sources=["dep-obj-phq9"],
        ),
        Objective(id="g1-o2", description="Schedule three valued activities each week", target_date=REVIEW),
    ]
    return TreatmentPlan(
        client=ClientInfo(alias=alias),
        presenting_problem="Low mood since a job loss.",
        goals=[
            Goal(
                id="g1",
                description="Lift mood",
                client_words="I want to feel like myself",
                problem_area="depression",
                objectives=objectives,
            )
        ],
        interventions=[
            Intervention(
                id="i1",
                description="Behavioural activation",
                category="technique",
                frequency="weekly",
                objective_ids=["g1-o1", "g1-o2"],
            )
        ],
        session_plan=PlanSessions(frequency="weekly", duration_minutes=50, start_date=START),
        progress_monitoring=ProgressMonitoring(measures=["PHQ-9"], review_interval_days=90, next_review_date=REVIEW),
        discharge_criteria=["PHQ-9 below 10 at two reviews"],
    )


ANSWERS = [
    "38-year-old, she/her, architect, lives with her partner",
    "Low mood and panic attacks since being passed over for promotion in September",
    "Early waking, poor concentration, heart racing on the train, for about three months",
    "Critical father, parents divorced when she was 9",
    "Keeps colleagues at arm's length; very deferential with me",
    "Intellectualization, overwork, running",
    "Denies SI, HI and self-harm",
    "One or two glasses of wine on weekends",
    "No medical concerns; no medications",
    "Insightful, funny, close friendship with her sister",
    "Six sessions of CBT five years ago, helpful for panic",
    "PHQ-9 14, GAD-7 was 12",
    'She says "I want to stop feeling like a fraud at work"',
    "Psychodynamic with some CBT for the panic",
    "Weekly 50-minute sessions starting 2026-12-07, review every 90 days",
]


def small_library(library: Library, n: int = 40) -> Library:
    """The first entries of a few areas, enough to exercise the index quickly."""
    picked = [e for area in ("depression", "panic", "grief") for e in library.for_area(area)[: n // 3]]
    unique = {e.id: e for e in picked}
    return replace(library, entries=tuple(unique.values()))


NOTES = {
    "identifying": "Jane Roe, 34-year-old, lives at 12 Elm Street, Springfield, MA 01101. Phone 413-555-0199.",
    "presenting_problem": "Seen by Dr. Alan Smith on 03/14/2026; MRN 88812345. Email jroe@example.com.",
    "client_goals": 'She said "I want to sleep again" and wants to feel calmer.',
    "logistics": "Weekly sessions",
}


IDENTIFIERS = [
    "Jane Roe",
    "12 Elm Street",
    "01101",
    "413-555-0199",
    "Alan Smith",
    "03/14/2026",
    "88812345",
    "jroe@example.com",
]


def record_with_identifiers() -> IntakeRecord:
    """A record whose notes are full of identifiers."""
    return IntakeRecord(client=ClientInfo(alias="Jane Roe"), sections=NOTES)


#: A client harmed by her husband (strangulation, his handgun, threats, children at home), as a clinician writes it.
IPV = {
    "identifying": "Dana, 34, she/her. Lives with her husband and their two children (6 and 9).",
    "presenting_problem": "Three weeks ago her husband strangled her during an argument; she lost consciousness. "
    '"I honestly thought I was going to die."',
    "client_goals": '"I want the kids to stop being scared."',
    "symptoms": "Nightmares, startles easily. PHQ-9 today: 15. PCL-5 = 46.",
    "risk": "Husband keeps a handgun in the bedside drawer and has threatened to kill her. Children at home heard it. "
    "Denies SI, self-harm or HI.",
    "orientation": "Trauma-informed CBT; stabilisation first. No couples sessions while violence continues.",
    "logistics": "Weekly from 2027-03-08, review every 4 weeks. Do not leave voicemails.",
}
