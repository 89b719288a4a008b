"""The Word export, read back with python-docx."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from clinical.plan import SAFETY_PLAN_STEPS, safety_step_title
from exports.docx import to_docx
from tests.exports.conftest import CJK, HOSTILE_SHOWN, LINT_TEXT, LONG_FORMULATION, PRACTICE


def read(data: bytes) -> docx.document.Document:
    """The document python-docx parses from the export."""
    return docx.Document(io.BytesIO(data))


def headings(doc, level: int) -> list[str]:
    """The text of every heading of one level, in order."""
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def lines(doc) -> list[str]:
    """Every paragraph's text, body first, then every table cell's."""
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


@pytest.fixture(scope="module")
def drafted_doc(drafted_plan, context):
    """The drafted plan's DOCX, parsed."""
    return read(to_docx(drafted_plan, context))


def test_header_facts_then_sections_in_order(drafted_doc, drafted_plan):
    """Title, practice, status and the header facts come first; then the sections, goals as sub-headings."""
    paragraphs = [p.text for p in drafted_doc.paragraphs]
    assert drafted_doc.paragraphs[0].style.name == "Title" and paragraphs[0] == "Treatment plan — Sky"
    assert paragraphs[1:4] == [PRACTICE, "DRAFT — for clinician review · version 1", drafted_plan.review_notice]
    start = drafted_plan.session_plan.start_date.isoformat()
    assert paragraphs[4:7] == ["Client: Sky, age 20, she/they", "Clinician: Dr Ana Ortiz, PsyD", f"Start date: {start}"]
    assert paragraphs[9] == "Diagnoses: None recorded"
    assert headings(drafted_doc, 1) == [
        "Presenting problem",
        "Formulation",
        "Goals, objectives and interventions",
        "Risk reported at intake",
        "Safety plan",
        *(["Referrals and coordination of care"] if drafted_plan.referrals else []),
        "Progress monitoring",
        "Discharge criteria",
        "Signatures",
        "Sources",
    ]
    assert headings(drafted_doc, 2) == [f"Goal {n}. {g.description}" for n, g in enumerate(drafted_plan.goals, 1)]
    assert all(p.paragraph_format.keep_with_next for p in drafted_doc.paragraphs if p.style.name.startswith("Heading"))


def test_objectives_and_interventions_under_each_goal(drafted_doc, drafted_plan):
    """Under each goal: its objectives numbered 1.1, 1.2… with their details, then the interventions serving it."""
    text = lines(drafted_doc)
    for n, goal in enumerate(drafted_plan.goals, start=1):
        start = text.index(f"Goal {n}. {goal.description}")
        objective = goal.objectives[0]
        position = text.index(f"{n}.1  {objective.description}", start)
        assert text[position + 1].startswith(f"Measure: {objective.measure}" if objective.measure else "Target date")
    assert text.count("Interventions") == len(drafted_plan.goals)
    for number, intervention in enumerate(drafted_plan.interventions, start=1):
        assert text.count(f"{number}  {intervention.description}") == 1


def test_sources_table_and_no_ids_elsewhere(drafted_doc, drafted_plan):
    """Library ids appear only in the Sources table, one row per citation, with the entry's wording."""
    (table,) = drafted_doc.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Item", "Library entry", "Id"]
    assert {row[2] for row in rows[1:]} == set(drafted_plan.source_ids())
    body = " ".join(p.text for p in drafted_doc.paragraphs)
    assert not [source for source in drafted_plan.source_ids() if source in body]


def test_safety_plan_has_the_six_steps(drafted_doc, drafted_plan):
    """The safety plan lists the six Stanley–Brown steps with the plan's items under them."""
    step_titles = [safety_step_title(step) for step in SAFETY_PLAN_STEPS]
    assert [h for h in headings(drafted_doc, 3) if h.startswith("Step")] == step_titles
    bullets = [p.text for p in drafted_doc.paragraphs if p.style.name == "List Bullet"]
    for item in drafted_plan.safety_plan.professionals_and_agencies + drafted_plan.safety_plan.means_safety:
        assert item in bullets


def test_draft_leaves_signature_lines_blank(drafted_doc):
    """A draft says so on every page's footer and leaves the signature lines to fill by hand."""
    text = lines(drafted_doc)
    assert "DRAFT" in drafted_doc.sections[0].footer.paragraphs[0].text
    for label in ("Clinician signature", "Name and credentials", "Date"):
        assert f"{label}: ______________________" in text
    assert "Client participation: [ ] The client participated in developing this plan." in text


def test_final_plan_is_signed(final_plan, context):
    """A final plan shows FINAL with the signer, fills the signature lines and drops the review notice."""
    doc = read(to_docx(final_plan, context))
    text = lines(doc)
    assert text[2] == "FINAL · version 3 · signed by Dr Ana Ortiz, PsyD, LP on 2026-12-01"
    assert final_plan.review_notice not in text
    assert "Clinician: Dr Ana Ortiz, PsyD, LP" in text and "Diagnoses: F60.3 Borderline personality disorder" in text
    assert "Clinician signature: Signed electronically by Dr Ana Ortiz on 2026-12-01" in text
    assert "Client participation: The client participated in developing this plan." in text
    assert "FINAL" in doc.sections[0].footer.paragraphs[0].text


def test_hostile_text_is_literal(hostile_plan, context):
    """Hostile and unusual text is written literally and nothing is cut.

    Markup, links and non-Latin text are plain runs; control characters are dropped; nothing is cut; the plan
    check's findings are not in the document."""
    data = to_docx(hostile_plan, context)
    doc = read(data)
    text = lines(doc)
    assert f"Goal 1. {HOSTILE_SHOWN}" in headings(doc, 2)
    assert f"1.1  {HOSTILE_SHOWN}" in text
    assert "Measure: <PHQ-9> & co · Baseline: 19 · Target: 9 & below · Target date: 2027-03-01" in " ".join(text)
    assert "1.2  Keep a mood log\nwith a bell and a\ttab." in text
    assert f"In the client's words: “{CJK} & <i>well</i>”" in text
    assert LONG_FORMULATION in text
    assert f"Line two {HOSTILE_SHOWN}" in text
    assert "Problem area: not-a-known-area" in text
    assert "Safety plan" not in headings(doc, 1) and "No objectives yet." in text
    assert not [t for t in text if LINT_TEXT in t or "Plan check" in t]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script>" not in xml
