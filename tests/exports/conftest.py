"""Plans to export: one drafted from a replayed intake, the same plan signed, and a hand-built hostile one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chains.drafting import draft_plan
from clinical.intake_engine import IntakeContext
from clinical.plan import (
    Diagnosis,
    Flag,
    Goal,
    Intervention,
    Objective,
    PlanSessions,
    ProgressMonitoring,
    Signature,
    TreatmentPlan,
)
from clinical.record import ClientInfo
from clinical.replay import replay_intake
from exports.document import ExportContext
from knowledge.models import Taxonomy
from tests.builders import load_case

TODAY = date(2026, 11, 23)
#: Reports suicidal ideation and self-harm, so its plan carries a safety plan.
CASE = "dbt_self_harm_dysregulation"

#: Markup, a link, an image, a page-count alias, a NUL, a lone surrogate (as JSON from a model can carry) and
#: non-Latin text: all but the NUL and the surrogate must show as typed. (The plan itself already holds U+FFFD
#: for the surrogate: `records.models.scrub`; the exporters' own guard drops any that reach them regardless.)
HOSTILE = (
    "<para>Tom & Jerry</para> <script>alert(1)</script> ![x](http://evil/x.png) **bold** {nb} "
    "nul\x00here\ud800 Zoë Łukasz Привет"
)
#: What an export shows: a DOCX cannot store the NUL, so every format drops it; the surrogate shows as U+FFFD.
HOSTILE_SHOWN = HOSTILE.replace("\x00", "").replace("\ud800", "\ufffd")
#: A plan-check finding, which no export may show.
LINT_TEXT = "Plan check <b>finding</b>: goal needs words"
#: Chinese, which Noto Sans has no glyphs for.
CJK = "我想好起来"
#: 5,000 characters ending in a 300-character token with no space to break at.
LONG_FORMULATION = ("Avoidance keeps the fear alive & <b>unchallenged</b>; " * 100)[:4699] + " " + "x" * 300
PRACTICE = "Riverside Counselling · 12 Mill Lane, Leeds · 0113 496 0000"
CLINICIAN = "Dr Ana Ortiz, PsyD"
SIGNATURE = Signature(
    clinician_name="Dr Ana Ortiz", credentials="PsyD, LP", signed_on=date(2026, 12, 1), client_participated=True
)


@pytest.fixture(scope="session")
def taxonomy(library) -> Taxonomy:
    """The real library's vocabulary."""
    return library.taxonomy


@pytest.fixture(scope="session")
def context(library) -> ExportContext:
    """What the app gives the exporters: the real library, and a practice and clinician from settings."""
    return ExportContext(library.taxonomy, library.by_id, practice=PRACTICE, clinician=CLINICIAN)


@pytest.fixture(scope="session")
def bare_context(library) -> ExportContext:
    """An install that configured no practice or clinician line."""
    return ExportContext(library.taxonomy, library.by_id)


@pytest.fixture(scope="session")
def drafted_plan(library_index, library) -> TreatmentPlan:
    """The offline composer's draft for a replayed intake with reported risk."""
    answers, _ = load_case(CASE)
    alias = answers.pop("alias")
    record = replay_intake(answers, alias, IntakeContext(library.taxonomy, library_index.area_fit), today=TODAY)
    return draft_plan(record, library_index, library, today=TODAY).plan


@pytest.fixture(scope="session")
def final_plan(drafted_plan) -> TreatmentPlan:
    """The drafted plan, with a diagnosis the clinician added, saved as version 3 and signed (a test double: the
    blanks the draft left are not filled, which `PlanService.finalize` would refuse)."""
    return drafted_plan.model_copy(
        update={
            "status": "final",
            "version": 3,
            "signature": SIGNATURE,
            "created_at": datetime(2026, 12, 1, 15, 30, tzinfo=UTC),
            "diagnoses": [Diagnosis(label="Borderline personality disorder", icd10="F60.3")],
        },
        deep=True,
    )


@pytest.fixture(scope="session")
def hostile_plan() -> TreatmentPlan:
    """A plan whose text tries markup, links, control characters, scripts the font lacks and sheer length."""
    objectives = [
        Objective(
            id="g1-o1",
            description=HOSTILE,
            measure="<PHQ-9> & co",
            baseline="19",
            target="9 & below",
            target_date=date(2027, 3, 1),
            status="in progress",
            sources=["evil source"],
        ),
        Objective(id="g1-o2", description="Keep a mood log\r\nwith a bell\x07 and a\ttab."),
    ]
    return TreatmentPlan(
        client=ClientInfo(alias="../Zoë Ł <b>&", pronouns="they/them"),
        presenting_problem="Line one\r\nLine two " + HOSTILE,
        formulation=LONG_FORMULATION,
        diagnoses=[Diagnosis(label="<dx> & co")],
        goals=[
            Goal(
                id="g1",
                description=HOSTILE,
                client_words=f"{CJK} & <i>well</i>",
                problem_area="not-a-known-area",
                objectives=objectives,
                sources=["evil-<source>"],
            ),
            Goal(id="g2", description="Sleep through the night.", problem_area="sleep"),
        ],
        interventions=[
            Intervention(id="i1", description=HOSTILE, category="technique"),
            Intervention(
                id="i2",
                description="Behavioral activation.",
                modality="cbt",
                category="homework",
                frequency="weekly & daily",
                objective_ids=["g1-o1"],
                sources=["depression-int-behavioral-activation"],
            ),
        ],
        session_plan=PlanSessions(frequency="weekly", duration_minutes=50, format="telehealth"),
        progress_monitoring=ProgressMonitoring(measures=["PHQ-9"], review_interval_days=90),
        discharge_criteria=[HOSTILE],
        flags=[Flag(code="check", severity="warning", message=LINT_TEXT, path="goals[0]")],
    )
