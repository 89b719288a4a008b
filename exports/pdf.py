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
from fpdf import encryption as _fpdf_encryption

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
    safety_plan_document,
)
from storage.files import atomic_write

FONT = "Noto"
_VARIABLE_FONT = Path(fontpkg_noto_sans.__file__).parent / "files" / "NotoSans[wdth,wght].ttf"
_WEIGHTS = {"": 400, "B": 700}  # fpdf2 style → weight

_BODY = 10
_LINE = 5.0  # mm per body line
_GREY = 90
_HEADINGS = {1: (14, 5.0), 2: (12, 3.5), 3: (10.5, 2.0)}  # level → (font size, mm above)
#: How many lines of what follows a heading must fit under it on the same page.
_LINES_WITH_HEADING = 3
#: An objective or intervention shorter than this is never split across pages (mm).
_KEEP_TOGETHER = 60

# fpdf2 keeps the ImportError of its optional `cryptography` dependency, traceback included, and that traceback
# holds the frames that first imported fpdf2: often a page run whose variables hold a client's plan. Nothing
# per-client may outlive a session (tests/pages/test_isolation.py walks the heap for it), so drop the frames.
if getattr(_fpdf_encryption, "import_error", None) is not None:
    _fpdf_encryption.import_error = _fpdf_encryption.import_error.with_traceback(None)

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
    embeds. Dropping them first makes this 0.7 s; `font_files` keeps the result on disk so it is paid once.
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
def _font_version() -> str:
    from importlib.metadata import version

    return version("fontpkg-noto-sans")


def font_files(cache_dir: Path | None = None) -> dict[str, Path]:
    """The two static Noto Sans weights as files (fpdf2 reads fonts from files), made once and kept in the data
    folder's cache, so a new process's first PDF does not wait for them. Holds no client data."""
    if cache_dir is None:
        from config import get_settings

        cache_dir = get_settings().cache_dir
    folder = cache_dir / "fonts"
    files = {}
    for style, weight in _WEIGHTS.items():
        path = folder / f"NotoSans-{weight}-{_font_version()}.ttf"
        if not path.is_file():
            try:
                atomic_write(path, _static_font(weight))
            except OSError:  # a read-only data folder: a private temporary copy still works
                path = Path(tempfile.mkdtemp(prefix="anamnesis-font-")) / path.name
                path.write_bytes(_static_font(weight))
        files[style] = path
    return files


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
        for style, path in font_files().items():
            self.add_font(FONT, style, path)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(_GREY)
        self.cell(0, 4, f"{self.footer_text} · page {self.page_no()}", align="C")
        self.set_text_color(0)


def to_pdf(plan: TreatmentPlan, context: ExportContext) -> bytes:
    """The plan as a PDF: the document's blocks, each heading kept on the page of what follows it."""
    document = plan_document(plan, context)
    pdf = _new_pdf(document, plan)
    writer = _Writer(pdf)
    writer.page_title(document.title)
    if any(REPLACEMENT in _clean(text) for text in _strings(plan.model_dump())):
        writer.paragraph(
            f"Characters this PDF's font cannot show are printed as {REPLACEMENT}; "
            "the DOCX and JSON exports keep them.",
            "muted",
        )
    writer.draw(document.blocks)
    return _finish(pdf)


def to_safety_plan_pdf(plan: TreatmentPlan, context: ExportContext) -> bytes:
    """The client's copy of the safety plan on one printed page: large type, shrunk only as far as it must be
    to fit (a very long plan that cannot fit at a readable size runs onto a second page rather than lose text)."""
    document = safety_plan_document(plan, context)
    for size in (13, 12, 11, 10, 9, 8):
        pdf = _new_pdf(document, plan)
        writer = _Writer(pdf, body=size)
        writer.page_title(document.title)
        writer.draw(document.blocks)
        if pdf.page_no() == 1:
            break
    return _finish(pdf)


def _new_pdf(document: Document, plan: TreatmentPlan) -> _PlanPDF:
    pdf = _PlanPDF(_clean(document.footer[:120]))
    pdf.set_title(_clean(document.title))
    pdf.set_lang("en")
    pdf.set_creator("Anamnesis")
    if plan.created_at:
        pdf.set_creation_date(plan.created_at)
    pdf.add_page()
    return pdf


def _finish(pdf: FPDF) -> bytes:
    try:
        return bytes(pdf.output())
    finally:
        for font in pdf.fonts.values():
            if hasattr(font, "close"):
                font.close()


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
    """Draws a document's blocks, each ending at the left margin on a new line."""

    def __init__(self, pdf: FPDF, body: float = _BODY) -> None:
        self.pdf = pdf
        self.body = body
        self.line = body * 0.5

    # -- measuring -------------------------------------------------------------------------------------------

    def _lines(self, text: str, size: float, bold: bool = False, indent: float = 0) -> int:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        lines = self.pdf.multi_cell(self.pdf.epw - indent, size * 0.5, _clean(text), dry_run=True, output="LINES")
        return max(1, len(lines))

    def _heading_height(self, heading: Heading) -> float:
        size, space_before = self._heading_style(heading.level)
        return space_before + self._lines(heading.text, size, bold=True) * size * 0.5 + 1

    def _lead_height(self, blocks: Sequence[Block], start: int) -> float:
        """The height of what must stay with a heading: the next block's first lines (and, when the next block is
        a heading too, that heading with its own first lines)."""
        if start >= len(blocks):
            return 0
        block = blocks[start]
        if isinstance(block, Heading):
            return self._heading_height(block) + self._lead_height(blocks, start + 1)
        if isinstance(block, Item):  # an item short enough to be kept whole moves whole, so the heading goes with it
            height = self._item_height(block)
            return height if height < _KEEP_TOGETHER else (_LINES_WITH_HEADING + 1) * self.line
        return _LINES_WITH_HEADING * self.line

    def _item_height(self, item: Item) -> float:
        height = 1.5 + self._lines(f"{item.number}  {item.text}", self.body, bold=True) * self.line
        if item.details:
            height += self._lines(self._details(item), self.body - 1, indent=6) * (self.body - 1) * 0.5
        return height

    # -- drawing ---------------------------------------------------------------------------------------------

    def draw(self, blocks: Sequence[Block]) -> None:
        for position, block in enumerate(blocks):
            match block:
                case Heading():
                    # Never leave a heading alone at the foot of a page: move it to the next one with its text.
                    if self.pdf.will_page_break(self._heading_height(block) + self._lead_height(blocks, position + 1)):
                        self.pdf.add_page()
                    self.heading(block)
                case Paragraph(text, tone):
                    self.paragraph(text, tone)
                case Fields(pairs):
                    for label, value in pairs:
                        self.labelled(label, value)
                    self.pdf.ln(1)
                case Bullets(items):
                    self.bullets(items)
                case Item():
                    height = self._item_height(block)
                    if height < _KEEP_TOGETHER and self.pdf.will_page_break(height):
                        self.pdf.add_page()
                    self.item(block)
                case Table(columns, rows):
                    self.table(columns, rows)

    def text(self, text: str, *, size: float, bold: bool = False, color: int = 0, indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.5, _clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)

    def page_title(self, title: str) -> None:
        self.text(title, size=self.body + 8, bold=True)
        self.pdf.ln(2)

    def _heading_style(self, level: int) -> tuple[float, float]:
        size, space_before = _HEADINGS[level]
        return size + (self.body - _BODY), space_before

    def heading(self, heading: Heading) -> None:
        size, space_before = self._heading_style(heading.level)
        self.pdf.ln(space_before)
        self.text(heading.text, size=size, bold=True)
        self.pdf.ln(1)

    def paragraph(self, text: str, tone: str = "body") -> None:
        for line in [line for line in _clean(text).splitlines() if line.strip()] or [NOT_SET]:
            self.text(
                line,
                size=self.body + (1 if tone == "strong" else 0),
                bold=tone == "strong",
                color=0 if tone in ("body", "strong") else _GREY,
            )
            self.pdf.ln(1)

    def labelled(self, label: str, value: str) -> None:
        """A bold label and its value, flowing on as one paragraph."""
        pdf = self.pdf
        pdf.set_font(FONT, "B", self.body)
        pdf.write(self.line, _clean(f"{label}: "))
        pdf.set_font(FONT, "", self.body)
        pdf.write(self.line, _clean(value))
        pdf.ln(self.line)

    def bullets(self, items: Sequence[str]) -> None:
        pdf = self.pdf
        for item in items or [NOT_SET]:
            pdf.set_font(FONT, "", self.body)
            pdf.cell(5, self.line, "•")
            pdf.multi_cell(pdf.epw - 5, self.line, _clean(item), align="L", new_x="LMARGIN", new_y="NEXT")

    @staticmethod
    def _details(item: Item) -> str:
        return " · ".join(f"{label}: {value}" for label, value in item.details)

    def item(self, item: Item) -> None:
        """An objective or intervention: its number and wording in bold, then its details in a smaller line."""
        self.pdf.ln(1.5)
        self.text(f"{item.number}  {item.text}", size=self.body, bold=True)
        if item.details:
            self.text(self._details(item), size=self.body - 1, color=_GREY, indent=6)

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", self.body - 1.5)
        widths = (22, 88, 66) if len(columns) == 3 else None
        with pdf.table(
            col_widths=widths, text_align="LEFT", line_height=(self.body - 1.5) * 0.5, markdown=False
        ) as table:
            for values in (columns, *rows):
                row = table.row()
                for value in values:
                    row.cell(_clean(value))
