"""The document every export draws: header facts first, the plan grouped by goal, signatures, then sources."""

from __future__ import annotations

from clinical.plan import SAFETY_PLAN_STEPS, safety_step_title
from exports.document import (
    CRISIS_FOOTER,
    Bullets,
    Fields,
    Heading,
    Item,
    Paragraph,
    Table,
    plan_document,
    safety_plan_document,
)
from tests.exports.conftest import CLINICIAN, LINT_TEXT, PRACTICE


def texts(document) -> list[str]:
    """Every string a document shows, block by block."""
    out = [document.title, document.footer]
    for block in document.blocks:
        match block:
            case Heading(text) | Paragraph(text):
                out.append(text)
            case Fields(pairs) | Item(_, _, pairs):
                out += [f"{label}: {value}" for label, value in pairs]
                if isinstance(block, Item):
                    out.append(block.text)
            case Bullets(items):
                out += items
            case Table(columns, rows):
                out += [" | ".join(row) for row in (columns, *rows)]
    return out


def header(document) -> dict[str, str]:
    """The first block of labelled facts."""
    return dict(next(b for b in document.blocks if isinstance(b, Fields)).pairs)


def test_header_names_who_what_when_before_the_plan(drafted_plan, context):
    """The document header says who, what and when before the presenting problem.

    Practice line, status and review notice, then client, clinician, start date, sessions, review and
    diagnoses — before the presenting problem."""
    document = plan_document(drafted_plan, context)
    assert document.blocks[0] == Paragraph(PRACTICE, "muted")
    assert document.blocks[1] == Paragraph("DRAFT — for clinician review · version 1", "strong")
    assert document.blocks[2].text == drafted_plan.review_notice
    facts = header(document)
    assert list(facts) == ["Client", "Clinician", "Start date", "Sessions", "Plan review", "Diagnoses"]
    assert facts["Client"] == "Sky, age 20, she/they"
    assert facts["Clinician"] == CLINICIAN
    assert facts["Start date"] == drafted_plan.session_plan.start_date.isoformat()
    sessions = drafted_plan.session_plan
    assert (
        facts["Sessions"]
        == f"{sessions.frequency}, {sessions.duration_minutes} minutes; {sessions.sessions} sessions planned"
    )
    assert facts["Plan review"].startswith(f"every {drafted_plan.progress_monitoring.review_interval_days} days")
    assert facts["Diagnoses"] == "None recorded"
    first_heading = next(i for i, b in enumerate(document.blocks) if isinstance(b, Heading))
    assert document.blocks[first_heading].text == "Presenting problem"
    assert first_heading == 4


def test_final_plan_names_the_signer_and_the_diagnosis(final_plan, bare_context):
    """A signed plan names its signer and leads with the diagnosis code.

    A signed plan names who signed as its clinician and gives the diagnosis code first; no practice line is
    invented when none is configured."""
    document = plan_document(final_plan, bare_context)
    facts = header(document)
    assert facts["Clinician"] == "Dr Ana Ortiz, PsyD, LP"
    assert facts["Diagnoses"] == "F60.3 Borderline personality disorder"
    assert document.blocks[0] == Paragraph(
        "FINAL · version 3 · signed by Dr Ana Ortiz, PsyD, LP on 2026-12-01", "strong"
    )
    assert not [b for b in document.blocks if isinstance(b, Paragraph) and b.text == final_plan.review_notice]


def test_objectives_and_interventions_sit_under_their_goal(drafted_plan, context):
    """Objectives and interventions are numbered under the goal they serve.

    Each goal heading is followed by its objectives (numbered 1.1, 1.2…) and the interventions serving them;
    every intervention appears exactly once, numbered by its place in the plan."""
    blocks = plan_document(drafted_plan, context).blocks
    goal_starts = [i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2]
    assert [blocks[i].text for i in goal_starts] == [
        f"Goal {n}. {g.description}" for n, g in enumerate(drafted_plan.goals, start=1)
    ]
    ends = [*goal_starts[1:], next(i for i, b in enumerate(blocks) if b == Heading("Safety plan"))]
    seen = []
    for n, (goal, start, end) in enumerate(zip(drafted_plan.goals, goal_starts, ends, strict=True), start=1):
        items = [b for b in blocks[start:end] if isinstance(b, Item)]
        objectives = [i for i in items if "." in i.number]
        assert [(i.number, i.text) for i in objectives] == [
            (f"{n}.{m}", o.description) for m, o in enumerate(goal.objectives, start=1)
        ]
        for item in [i for i in items if "." not in i.number]:
            intervention = drafted_plan.interventions[int(item.number) - 1]
            assert item.text == intervention.description
            assert drafted_plan.goal_served(intervention) is goal
            assert dict(item.details)["Serves"].startswith("objective")
            seen.append(intervention.id)
    assert sorted(seen) == sorted(i.id for i in drafted_plan.interventions)


def test_sources_are_an_appendix_not_beside_every_item(drafted_plan, context):
    """Library ids appear only in the closing Sources table.

    Library ids appear only in the closing Sources table, each with the entry's wording, and every source the
    plan cites is there."""
    document = plan_document(drafted_plan, context)
    table = document.blocks[-1]
    assert isinstance(table, Table) and table.columns == ("Item", "Library entry", "Id")
    assert {row[2] for row in table.rows} == set(drafted_plan.source_ids())
    first = drafted_plan.goals[0]
    assert table.rows[0][:2] == ("Goal 1", context.entry_title(first.sources[0]))
    body = texts(document)[: -len(table.rows) - 1]
    assert not [t for t in body for source in drafted_plan.source_ids() if source in t]


def test_no_plan_check_text(hostile_plan, context):
    """The plan check's findings are the editor's: no document shows them."""
    assert hostile_plan.flags
    assert not [t for t in texts(plan_document(hostile_plan, context)) if LINT_TEXT in t or "Plan check" in t]


def test_interventions_serving_no_objective_are_for_the_whole_plan(hostile_plan, context):
    """An intervention naming no objective is listed after the goals, for the plan as a whole."""
    blocks = plan_document(hostile_plan, context).blocks
    position = blocks.index(Heading("Interventions for the whole plan", 2))
    item = blocks[position + 1]
    assert isinstance(item, Item) and item.number == "1" and dict(item.details)["Serves"] == "the whole plan"


def test_client_safety_plan_has_the_six_steps_and_crisis_lines(drafted_plan, context):
    """The client's copy lists the six steps in order with their items and always ends with the crisis lines."""
    document = safety_plan_document(drafted_plan, context)
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    assert headings == [safety_step_title(step) for step in SAFETY_PLAN_STEPS]
    bullets = [item for b in document.blocks if isinstance(b, Bullets) for item in b.items]
    assert drafted_plan.safety_plan.means_safety[0] in bullets
    assert Paragraph(CRISIS_FOOTER, "strong") in document.blocks
    assert not [t for t in texts(document) if "Formulation" in t or "PHQ-9" in t]


def test_reported_risk_kinds_and_unassessed_risk_are_in_the_document(drafted_plan, context):
    """Each reported kind names the element the plan needs and its source; unassessed risk says so, with the reason."""
    plan = drafted_plan.model_copy(update={"risk_kinds": ["danger_from_others", "medical"]})
    shown = texts(plan_document(plan, context))
    assert "Risk reported at intake" in shown
    assert any(t.startswith("Danger from others — the plan needs: A safety plan for violence") for t in shown)
    assert any(t.startswith("Medical risk — ") and "CR233" in t for t in shown)
    unassessed = drafted_plan.model_copy(update={"risk_assessed": False, "risk_not_assessed_reason": "Left early"})
    assert "Risk was not assessed at intake: Left early." in texts(plan_document(unassessed, context))
    quiet = drafted_plan.model_copy(update={"risk_kinds": []})
    assert "Risk reported at intake" not in texts(plan_document(quiet, context))
