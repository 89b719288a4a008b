"""The Word export, read back with python-docx."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from exports import INTERVENTION_COLUMNS, OBJECTIVE_COLUMNS, SAFETY_PLAN_STEPS
from exports.docx import to_docx
from tests.exports.conftest import CJK, HOSTILE_SHOWN, LONG_FORMULATION


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


def cells(table) -> list[list[str]]:
    """A table as rows of cell text."""
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def drafted_doc(drafted_plan, taxonomy):
    """The drafted plan's DOCX, parsed."""
    return read(to_docx(drafted_plan, taxonomy))


def test_sections_follow_the_markdown_order(drafted_doc, drafted_plan):
    """Title, status and every section heading appear in the Markdown export's order; goals are sub-headings."""
    assert drafted_doc.paragraphs[0].style.name == "Title"
    assert drafted_doc.paragraphs[0].text == "Treatment plan — Sky"
    assert headings(drafted_doc, 1) == [
        "Presenting problem",
        "Formulation",
        "Goals and objectives",
        "Interventions",
        "Session plan",
        "Safety plan",
        "Progress monitoring",
        "Discharge criteria",
        "Signatures",
    ]
    assert headings(drafted_doc, 2) == [f"{g.id}. {g.description}" for g in drafted_plan.goals]
    text = lines(drafted_doc)
    assert drafted_plan.formulation.splitlines()[0] in text
    assert "Alias: Sky · Age: 20 · Pronouns: she/they" in text


def test_objectives_table_per_goal(drafted_doc, drafted_plan, taxonomy):
    """Each goal has a table whose rows are its objectives with measure, target date and status."""
    goal_tables = drafted_doc.tables[: len(drafted_plan.goals)]
    for goal, table in zip(drafted_plan.goals, goal_tables, strict=True):
        rows = cells(table)
        assert tuple(rows[0]) == OBJECTIVE_COLUMNS
        assert len(rows) == len(goal.objectives) + 1
        for row, objective in zip(rows[1:], goal.objectives, strict=True):
            assert row[0].startswith(f"{objective.id}. {objective.description}")
            assert f"Sources: {', '.join(objective.sources)}" in row[0]
            assert row[4] == objective.target_date.isoformat()
            assert row[5] == objective.status
    text = lines(drafted_doc)
    for goal in drafted_plan.goals:
        assert f"Problem area: {taxonomy.area_label(goal.problem_area)}" in text
        assert f"Sources: {', '.join(goal.sources)}" in text
    assert any(f"In the client's words: “{drafted_plan.goals[0].client_words}”" == t for t in text)


def test_interventions_table(drafted_doc, drafted_plan, taxonomy):
    """One row per intervention with its modality, category, frequency, objectives and sources."""
    rows = cells(drafted_doc.tables[-1])
    assert tuple(rows[0]) == INTERVENTION_COLUMNS
    by_id = {row[0].split(".", 1)[0]: row for row in rows[1:]}
    assert set(by_id) == {i.id for i in drafted_plan.interventions}
    for i in drafted_plan.interventions:
        row = by_id[i.id]
        assert row[0] == f"{i.id}. {i.description}"
        assert row[1] == (taxonomy.modality_label(i.modality) if i.modality else "Any modality")
        assert row[2] == taxonomy.category_label(i.category)
        assert row[3:] == [i.frequency, ", ".join(i.objective_ids), ", ".join(i.sources)]


def test_safety_plan_has_the_six_steps(drafted_doc, drafted_plan):
    """The safety plan lists the six Stanley–Brown steps with the plan's items under them."""
    assert headings(drafted_doc, 3) == [label for _, label in SAFETY_PLAN_STEPS]
    bullets = [p.text for p in drafted_doc.paragraphs if p.style.name == "List Bullet"]
    for item in drafted_plan.safety_plan.professionals_and_agencies + drafted_plan.safety_plan.means_safety:
        assert item in bullets


def test_draft_status_and_blank_signature_lines(drafted_doc, drafted_plan):
    """A draft says so (with the review notice, and on every page's footer) and leaves signature lines blank."""
    status = drafted_doc.paragraphs[1]
    assert status.text == "DRAFT — for clinician review · version 1" and status.runs[0].bold
    text = lines(drafted_doc)
    assert drafted_plan.review_notice in text
    assert "DRAFT" in drafted_doc.sections[0].footer.paragraphs[0].text
    for label in ("Clinician signature", "Name", "Credentials", "Date"):
        assert f"{label}: ______________________" in text
    assert "Client participation: [ ] The client participated in developing this plan." in text


def test_final_plan_is_signed(final_plan, taxonomy):
    """A final plan shows FINAL with the signer, fills the signature lines and drops the review notice."""
    doc = read(to_docx(final_plan, taxonomy))
    text = lines(doc)
    assert text[1] == "FINAL · version 3 · signed by Dr Ana Ortiz, PsyD, LP on 2026-12-01"
    assert final_plan.review_notice not in text
    assert "Clinician signature: Signed by Dr Ana Ortiz on 2026-12-01" in text
    assert {"Name: Dr Ana Ortiz", "Credentials: PsyD, LP", "Date: 2026-12-01"} <= set(text)
    assert "Client participation: The client participated in developing this plan." in text
    assert "Diagnoses" in headings(doc, 1) and "Borderline personality disorder (F60.3)" in text
    assert "FINAL" in doc.sections[0].footer.paragraphs[0].text


def test_hostile_text_is_literal(hostile_plan, taxonomy):
    """Markup, links and non-Latin text are plain runs; control characters are dropped; nothing is cut."""
    data = to_docx(hostile_plan, taxonomy)
    doc = read(data)
    text = lines(doc)
    assert f"g1. {HOSTILE_SHOWN}" in headings(doc, 2)
    assert f"g1-o1. {HOSTILE_SHOWN}" in cells(doc.tables[0])[1][0]
    assert cells(doc.tables[0])[1][1:5] == ["<PHQ-9> & co", "19", "9 & below", "2027-03-01"]
    assert cells(doc.tables[0])[2][0] == "g1-o2. Keep a mood log\nwith a bell and a\ttab."
    assert f"In the client's words: “{CJK} & <i>well</i>”" in text
    assert LONG_FORMULATION in text
    assert f"Line two {HOSTILE_SHOWN}" in text
    assert "Problem area: not-a-known-area" in text
    assert "Plan check" in headings(doc, 1) and "warning: <b>check</b> & fix (goals[0])" in text
    assert "Safety plan" not in headings(doc, 1)
    assert "No objectives yet." in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script>" not in xml
    assert "\x00" not in xml and "hyperlink" not in xml


def test_metadata_names_only_the_alias(drafted_doc):
    """Core properties carry the title and nothing of python-docx's template or anyone's name."""
    props = drafted_doc.core_properties
    assert props.title == "Treatment plan — Sky"
    assert props.author == props.comments == props.last_modified_by == ""
