"""The plan as a Word document (python-docx), for the clinician to edit, print and sign.

Every string goes in as a plain run: Word never interprets it, so markup in a plan shows as typed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from exports import (
    INTERVENTION_COLUMNS,
    NOT_SET,
    OBJECTIVE_COLUMNS,
    SAFETY_PLAN_STEPS,
    client_details,
    document_title,
    flag_line,
    intervention_cells,
    interventions_in_order,
    monitoring_lines,
    objective_cells,
    printable,
    sessions_text,
    signature_lines,
    status_line,
)
from knowledge.models import Taxonomy
from records.plan import TreatmentPlan

# Column widths in inches; they add up to the 6.5" between 1" margins on US Letter.
_OBJECTIVE_WIDTHS = (2.5, 0.9, 0.7, 0.7, 0.95, 0.75)
_INTERVENTION_WIDTHS = (2.2, 1.0, 0.9, 1.0, 0.6, 0.8)
_TABLE_FONT = Pt(9)


def to_docx(plan: TreatmentPlan, taxonomy: Taxonomy) -> bytes:
    """The plan as a .docx: the Markdown export's sections, with objectives and interventions as tables."""
    doc = Document()
    _set_up(doc, plan)

    doc.add_heading(printable(document_title(plan)), level=0)
    _paragraph(doc, status_line(plan), bold=True)
    if plan.status != "final":
        _paragraph(doc, plan.review_notice, italic=True)
    _paragraph(doc, client_details(plan))

    doc.add_heading("Presenting problem", level=1)
    _text(doc, plan.presenting_problem)
    doc.add_heading("Formulation", level=1)
    _text(doc, plan.formulation)
    if plan.diagnoses:
        doc.add_heading("Diagnoses", level=1)
        _bullets(doc, [d.label + (f" ({d.icd10})" if d.icd10 else "") for d in plan.diagnoses])

    doc.add_heading("Goals and objectives", level=1)
    for goal in plan.goals:
        doc.add_heading(printable(f"{goal.id}. {goal.description}"), level=2)
        _labelled(doc, "Problem area", taxonomy.area_label(goal.problem_area))
        if goal.client_words:
            _labelled(doc, "In the client's words", f"“{goal.client_words}”")
        _labelled(doc, "Sources", ", ".join(goal.sources) or NOT_SET)
        if not goal.objectives:
            _paragraph(doc, "No objectives yet.", italic=True)
            continue
        table = _table(doc, OBJECTIVE_COLUMNS, [objective_cells(o) for o in goal.objectives], _OBJECTIVE_WIDTHS)
        # Objective sources go under the wording: a seventh column of long ids would squeeze the rest.
        for row, objective in zip(table.rows[1:], goal.objectives, strict=True):
            if objective.sources:
                note = row.cells[0].add_paragraph()
                _run(note, "Sources: " + ", ".join(objective.sources), size=Pt(8), italic=True)

    doc.add_heading("Interventions", level=1)
    if plan.interventions:
        rows = [intervention_cells(i, taxonomy) for i in interventions_in_order(plan)]
        _table(doc, INTERVENTION_COLUMNS, rows, _INTERVENTION_WIDTHS)
    else:
        _paragraph(doc, "None yet.", italic=True)

    doc.add_heading("Session plan", level=1)
    _paragraph(doc, sessions_text(plan))

    if plan.safety_plan is not None:
        doc.add_heading("Safety plan", level=1)
        for field, label in SAFETY_PLAN_STEPS:
            doc.add_heading(label, level=3)
            _bullets(doc, getattr(plan.safety_plan, field))

    doc.add_heading("Progress monitoring", level=1)
    for line in monitoring_lines(plan):
        _paragraph(doc, line)
    doc.add_heading("Discharge criteria", level=1)
    _bullets(doc, plan.discharge_criteria)
    if plan.flags:
        doc.add_heading("Plan check", level=1)
        _bullets(doc, [flag_line(f) for f in plan.flags])

    doc.add_heading("Signatures", level=1)
    for label, value in signature_lines(plan):
        _labelled(doc, label, value)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _set_up(doc: WordDocument, plan: TreatmentPlan) -> None:
    """Margins, a footer marking every page, and metadata naming nobody but the alias."""
    section = doc.sections[0]
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin = section.bottom_margin = Inches(1)
    footer = section.footer.paragraphs[0]
    marker = "FINAL" if plan.status == "final" else "DRAFT — for clinician review"
    _run(footer, f"{document_title(plan)} · {marker} · version {plan.version}", size=Pt(8))

    props = doc.core_properties
    props.title = printable(document_title(plan))
    # The template ships "python-docx" as author and a comment; a plan names no one but the client's alias.
    props.author = props.last_modified_by = props.comments = props.subject = props.keywords = ""
    props.created = props.modified = plan.created_at or datetime.now(UTC)


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: Pt | None = None) -> None:
    run = paragraph.add_run(printable(text))
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size is not None:
        run.font.size = size


def _paragraph(doc: WordDocument, text: str, *, bold: bool = False, italic: bool = False) -> Paragraph:
    paragraph = doc.add_paragraph()
    _run(paragraph, text, bold=bold, italic=italic)
    return paragraph


def _labelled(doc: WordDocument, label: str, value: str) -> None:
    paragraph = doc.add_paragraph()
    _run(paragraph, f"{label}: ", bold=True)
    _run(paragraph, value)


def _text(doc: WordDocument, text: str) -> None:
    """A free-text field, one paragraph per line, or a dash when empty."""
    lines = [line for line in printable(text).splitlines() if line.strip()] or [NOT_SET]
    for line in lines:
        _paragraph(doc, line)


def _bullets(doc: WordDocument, items: Sequence[str]) -> None:
    for item in items or [NOT_SET]:
        _run(doc.add_paragraph(style="List Bullet"), item)


def _table(doc: WordDocument, columns: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    # Repeat the header row on every page a long table runs onto.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, column in zip(header.cells, columns, strict=True):
        _run(cell.paragraphs[0], column, bold=True, size=_TABLE_FONT)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _run(cell.paragraphs[0], value, size=_TABLE_FONT)
    # Word reads each cell's width, LibreOffice the grid's; set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Inches(width)
        for cell in column.cells:
            cell.width = Inches(width)
    return table
