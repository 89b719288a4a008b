"""The plan as a PDF (fpdf2) with Noto Sans embedded, in the same order and wording as the DOCX.

Text is written literally: fpdf2's Markdown and HTML modes stay off and its `{nb}` page-count alias is
disabled, so whatever a plan holds shows exactly as typed, and nothing in it becomes a link.
"""

from __future__ import annotations

import functools
import io
import logging
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import fontpkg_noto_sans
from fontTools import ttLib
from fontTools.varLib import instancer
from fpdf import FPDF

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

FONT = "Noto"
_VARIABLE_FONT = Path(fontpkg_noto_sans.__file__).parent / "files" / "NotoSans[wdth,wght].ttf"
_WEIGHTS = {"": 400, "B": 700}  # fpdf2 style → weight

_BODY = 10
_LINE = 5.0  # mm per body line
_GREY = 90
_HEADINGS = {1: (14, 5.0), 2: (12, 3.0), 3: (10.5, 2.0)}  # level → (font size, mm above)


#: Printed in place of a character Noto Sans has no glyph for (CJK, emoji…); fpdf2 would leave a blank.
REPLACEMENT = "\ufffd"


class _DropMissingGlyphWarnings(logging.Filter):
    """fpdf2 logs every character a font lacks; `_clean` has already replaced and the page notes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "is missing the following glyphs" not in record.msg


logging.getLogger("fpdf.output").addFilter(_DropMissingGlyphWarnings())


@functools.cache
def _static_font(weight: int) -> bytes:
    """Noto Sans fixed at one weight (normal width), as a static TrueType font.

    `add_font(..., variations=…)` would instance the variable font on every document, about 2.5 s per weight,
    nearly all of it spent on the OpenType layout tables — which fpdf2 neither uses (no text shaping) nor
    embeds. Dropping them first makes this 0.7 s, once per process; the font holds no client data.
    """
    with ttLib.TTFont(_VARIABLE_FONT, recalcTimestamp=False, lazy=True) as font:
        for tag in ("GSUB", "GPOS", "GDEF"):
            if tag in font:
                del font[tag]
        # updateFontNames gives each weight its own name ("Noto Sans Bold"), so the two embedded fonts differ.
        instancer.instantiateVariableFont(
            font, {"wght": weight, "wdth": 100}, inplace=True, static=True, updateFontNames=True
        )
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


@functools.cache
def _covered() -> frozenset[str]:
    """The characters Noto Sans has glyphs for (both weights share one character map)."""
    with ttLib.TTFont(_VARIABLE_FONT, lazy=True) as font:
        return frozenset(map(chr, font.getBestCmap())) | {"\n"}


class _PlanPDF(FPDF):
    """US Letter pages whose footer repeats the title, draft/final marker, version and page number."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(format="letter")
        self.footer_text = footer_text
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages(None)  # otherwise a literal "{nb}" in a plan would be replaced by the page count

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(_GREY)
        self.cell(0, 4, f"{self.footer_text} · page {self.page_no()}", align="C")
        self.set_text_color(0)


def to_pdf(plan: TreatmentPlan, taxonomy: Taxonomy) -> bytes:
    """The plan as a PDF with the DOCX's sections; objectives and interventions as labelled paragraphs, which
    stay readable however long a cell's text is (a table row cannot run across a page)."""
    marker = "FINAL" if plan.status == "final" else "DRAFT — for clinician review"
    footer = _clean(f"{document_title(plan)[:80]} · {marker} · version {plan.version}")
    pdf = _PlanPDF(footer)
    pdf.set_title(_clean(document_title(plan)))
    pdf.set_lang("en")
    pdf.set_creator("Anamnesis")
    if plan.created_at:
        pdf.set_creation_date(plan.created_at)

    # fpdf2 reads fonts from files, so the cached instances are written to a private folder for this document.
    with tempfile.TemporaryDirectory(prefix="anamnesis-pdf-", ignore_cleanup_errors=True) as folder:
        for style, weight in _WEIGHTS.items():
            path = Path(folder) / f"NotoSans-{weight}.ttf"
            path.write_bytes(_static_font(weight))
            pdf.add_font(FONT, style, path)
        try:
            _write_plan(_Writer(pdf), plan, taxonomy)
            return bytes(pdf.output())
        finally:
            for font in pdf.fonts.values():
                if hasattr(font, "close"):
                    font.close()


def _write_plan(w: _Writer, plan: TreatmentPlan, taxonomy: Taxonomy) -> None:
    w.pdf.add_page()
    w.text(document_title(plan), size=18, bold=True)
    w.space(1)
    w.text(status_line(plan), size=11, bold=True)
    if plan.status != "final":
        w.text(plan.review_notice, color=_GREY)
    if any(REPLACEMENT in _clean(text) for text in _strings(plan.model_dump())):
        w.text(
            f"Characters this PDF's font cannot show are printed as {REPLACEMENT}; "
            "the DOCX and JSON exports keep them.",
            color=_GREY,
        )
    w.text(client_details(plan))

    w.heading("Presenting problem")
    w.paragraphs(plan.presenting_problem)
    w.heading("Formulation")
    w.paragraphs(plan.formulation)
    if plan.diagnoses:
        w.heading("Diagnoses")
        w.bullets([d.label + (f" ({d.icd10})" if d.icd10 else "") for d in plan.diagnoses])

    w.heading("Goals and objectives")
    for goal in plan.goals:
        w.heading(f"{goal.id}. {goal.description}", level=2)
        w.labelled("Problem area", taxonomy.area_label(goal.problem_area))
        if goal.client_words:
            w.labelled("In the client's words", f"“{goal.client_words}”")
        w.labelled("Sources", ", ".join(goal.sources) or NOT_SET)
        if not goal.objectives:
            w.text("No objectives yet.", color=_GREY)
        for objective in goal.objectives:
            w.item(OBJECTIVE_COLUMNS, objective_cells(objective), objective.sources)

    w.heading("Interventions")
    if not plan.interventions:
        w.text("None yet.", color=_GREY)
    for intervention in interventions_in_order(plan):
        w.item(INTERVENTION_COLUMNS[:-1], intervention_cells(intervention, taxonomy)[:-1], intervention.sources)

    w.heading("Session plan")
    w.text(sessions_text(plan))

    if plan.safety_plan is not None:
        w.heading("Safety plan")
        for field, label in SAFETY_PLAN_STEPS:
            w.heading(label, level=3)
            w.bullets(getattr(plan.safety_plan, field))

    w.heading("Progress monitoring")
    for line in monitoring_lines(plan):
        w.text(line)
    w.heading("Discharge criteria")
    w.bullets(plan.discharge_criteria)
    if plan.flags:
        w.heading("Plan check")
        w.bullets([flag_line(f) for f in plan.flags])

    w.heading("Signatures")
    for label, value in signature_lines(plan):
        w.space(2)
        w.labelled(label, value)


def _clean(text: str) -> str:
    """`text` as printed: no control characters, tabs as spaces (the font has no tab glyph), and
    `REPLACEMENT` for each character the font lacks, so nothing vanishes without a trace."""
    covered = _covered()
    return "".join(c if c in covered else REPLACEMENT for c in printable(text).replace("\t", "    "))


def _strings(value: object) -> Iterator[str]:
    """Every string in a dumped model."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class _Writer:
    """The few block types a plan needs, each ending at the left margin on a new line."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def space(self, mm: float) -> None:
        self.pdf.ln(mm)

    def text(self, text: str, *, size: float = _BODY, bold: bool = False, color: int = 0, indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.5, _clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)

    def heading(self, text: str, level: int = 1) -> None:
        # Start a new page rather than leave a heading alone at the bottom of one.
        if self.pdf.will_page_break(25 if level < 3 else 15):
            self.pdf.add_page()
        size, space_before = _HEADINGS[level]
        self.space(space_before)
        self.text(text, size=size, bold=True)
        self.space(1)

    def paragraphs(self, text: str) -> None:
        for line in [line for line in _clean(text).splitlines() if line.strip()] or [NOT_SET]:
            self.text(line)
            self.space(1)

    def labelled(self, label: str, value: str) -> None:
        """A bold label and its value, flowing on as one paragraph."""
        pdf = self.pdf
        pdf.set_font(FONT, "B", _BODY)
        pdf.write(_LINE, _clean(f"{label}: "))
        pdf.set_font(FONT, "", _BODY)
        pdf.write(_LINE, _clean(value))
        pdf.ln(_LINE)

    def bullets(self, items: Sequence[str]) -> None:
        pdf = self.pdf
        for item in items or [NOT_SET]:
            pdf.set_font(FONT, "", _BODY)
            pdf.cell(5, _LINE, "•")
            pdf.multi_cell(pdf.epw - 5, _LINE, _clean(item), align="L", new_x="LMARGIN", new_y="NEXT")

    def item(self, labels: Sequence[str], cells: Sequence[str], sources: Sequence[str]) -> None:
        """An objective or intervention: its wording in bold, then each other column as a labelled line."""
        self.space(1.5)
        self.text(cells[0], bold=True)
        details = " · ".join(f"{label}: {value}" for label, value in zip(labels[1:], cells[1:], strict=True))
        self.text(details, indent=4)
        self.text(f"Sources: {', '.join(sources) or NOT_SET}", size=8.5, color=_GREY, indent=4)
