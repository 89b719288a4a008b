"""The plan as a Word document (python-docx), for the clinician to edit, print and sign.

It draws the blocks of `exports.document`. Every string goes in as a plain run: Word never interprets it, so
markup in a plan shows as typed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph

from clinical.plan import TreatmentPlan
from exports import printable
from exports.document import (
    NOT_SET,
    Block,
    Bullets,
    Document,
    ExportContext,
    Fields,
    Heading,
    Item,
    Paragraph,
    Table,
    plan_document,
)

_MUTED = RGBColor(0x55, 0x55, 0x55)
_SMALL = Pt(9)
#: Column widths of the sources table, in inches: the 6.5" between 1" margins on US Letter.
_SOURCE_WIDTHS = (1.2, 3.3, 2.0)


def to_docx(plan: TreatmentPlan, context: ExportContext) -> bytes:
    """The plan as a .docx: the document's blocks as headings, paragraphs, numbered items and one table."""
    return _word(plan_document(plan, context), plan)


def _word(document: Document, plan: TreatmentPlan) -> bytes:
    doc = new_word_document()
    _set_up(doc, document, plan)
    doc.add_heading(printable(document.title), level=0)
    for block in document.blocks:
        _draw(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _draw(doc: WordDocument, block: Block) -> None:
    match block:
        case Heading(text, level):
            heading = doc.add_heading(printable(text), level=level)
            heading.paragraph_format.keep_with_next = True
        case Paragraph(text, tone):
            for line in [line for line in printable(text).splitlines() if line.strip()] or [NOT_SET]:
                paragraph = doc.add_paragraph()
                _run(paragraph, line, bold=tone == "strong", italic=tone in ("muted", "notice"), muted=tone == "muted")
        case Fields(pairs):
            for label, value in pairs:
                paragraph = doc.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(2)
                _run(paragraph, f"{label}: ", bold=True)
                _run(paragraph, value)
        case Bullets(items):
            for item in items or (NOT_SET,):
                _run(doc.add_paragraph(style="List Bullet"), item)
        case Item(number, text, details):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.keep_with_next = bool(details)
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, f"{number}  ", bold=True)
            _run(paragraph, text)
            if details:
                detail = doc.add_paragraph()
                detail.paragraph_format.left_indent = Inches(0.3)
                _run(detail, " · ".join(f"{label}: {value}" for label, value in details), size=_SMALL, muted=True)
        case Table(columns, rows):
            _table(doc, columns, rows)


def _set_up(doc: WordDocument, document: Document, plan: TreatmentPlan) -> None:
    """Margins, a footer marking every page, and metadata naming nobody but the alias."""
    section = doc.sections[0]
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin = section.bottom_margin = Inches(1)
    _run(section.footer.paragraphs[0], document.footer, size=Pt(8))
    props = doc.core_properties
    props.title = printable(document.title)
    # The template ships "python-docx" as author and a comment; a plan names no one but the client's alias.
    props.author = props.last_modified_by = props.comments = props.subject = props.keywords = ""
    props.created = props.modified = plan.created_at or datetime.now(UTC)


def _run(
    paragraph: WordParagraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    muted: bool = False,
    size: Pt | None = None,
) -> None:
    run = paragraph.add_run(printable(text))
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if muted:
        run.font.color.rgb = _MUTED
    if size is not None:
        run.font.size = size


def _table(doc: WordDocument, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    # Repeat the header row on every page a long table runs onto.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, column in zip(header.cells, columns, strict=True):
        _run(cell.paragraphs[0], column, bold=True, size=_SMALL)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _run(cell.paragraphs[0], value, size=_SMALL)
    # Word reads each cell's width, LibreOffice the grid's; set both.
    widths = _SOURCE_WIDTHS if len(columns) == len(_SOURCE_WIDTHS) else [6.5 / len(columns)] * len(columns)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Inches(width)
        for cell in column.cells:
            cell.width = Inches(width)
