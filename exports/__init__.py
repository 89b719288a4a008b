"""Plan exporters: each is (plan, context) → bytes, with no network and no files left behind, so the page, the
CLI and tests share them.

`FORMATS` is the registry the page and CLI offer; `render` and `filename` are what they call. What a document says
and in which order lives in `exports.document`, which every document format (and the Plan page's preview) draws.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from clinical.plan import TreatmentPlan
from exports.document import ExportContext

# XML 1.0 refuses C0 controls other than tab/newline/CR, lone surrogates and U+FFFE/U+FFFF; DEL and C1
# controls are legal there but are never meaningful text and no font has glyphs for them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` with line breaks as `\\n` and no control characters other than tab and newline.

    Pasted or model-written text can hold anything; a DOCX refuses such characters outright.
    """
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# ---- Registry ------------------------------------------------------------------------------------------------

Renderer = Callable[[TreatmentPlan, ExportContext], bytes]


@dataclass(frozen=True)
class ExportFormat:
    """A format a plan can be downloaded in. `needs_safety_plan`: offered only for plans that have one."""

    key: str
    label: str
    extension: str
    mime: str
    render: Renderer
    needs_safety_plan: bool = False
    stem: str = "treatment-plan"

    def available(self, plan: TreatmentPlan) -> bool:
        """Whether this plan can be exported in this format."""
        return plan.safety_plan is not None or not self.needs_safety_plan


def _imported(module: str, function: str) -> Renderer:
    # The renderers import `printable` from this package, so importing them here would be circular; imported on
    # first use, python-docx and fpdf2 also cost nothing to pages that never export.
    def render(plan: TreatmentPlan, context: ExportContext) -> bytes:
        return getattr(import_module(module), function)(plan, context)

    return render


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("pdf", "PDF", ".pdf", "application/pdf", _imported("exports.pdf", "to_pdf")),
        ExportFormat(
            "docx",
            "Word (DOCX)",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _imported("exports.docx", "to_docx"),
        ),
        ExportFormat("md", "Markdown", ".md", "text/markdown", _imported("exports.text", "to_markdown")),
        ExportFormat("json", "JSON", ".json", "application/json", _imported("exports.text", "to_json")),
        ExportFormat(
            "fhir", "FHIR R4 (JSON)", ".fhir.json", "application/fhir+json", _imported("exports.fhir", "to_fhir")
        ),
        ExportFormat(
            "safety-plan",
            "Client's safety plan (PDF)",
            ".pdf",
            "application/pdf",
            _imported("exports.pdf", "to_safety_plan_pdf"),
            needs_safety_plan=True,
            stem="safety-plan",
        ),
    )
}


def export_format(key: str) -> ExportFormat:
    """The format registered under `key`."""
    try:
        return FORMATS[key]
    except KeyError:
        raise ValueError(f"unknown export format {key!r}; known: {', '.join(FORMATS)}") from None


def render(plan: TreatmentPlan, context: ExportContext, key: str) -> bytes:
    """The plan in the format registered under `key`."""
    fmt = export_format(key)
    if not fmt.available(plan):
        raise ValueError(f"{fmt.label} needs a plan with a safety plan.")
    return fmt.render(plan, context)


def filename(plan: TreatmentPlan, key: str) -> str:
    """A safe download name (only A–Z, a–z, 0–9, `.`, `_`, `-`), e.g. `treatment-plan_client-a_v3_draft.docx`."""
    ascii_alias = unicodedata.normalize("NFKD", plan.client.alias).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_alias).strip("-")[:40].strip("-") or "client"
    fmt = export_format(key)
    return f"{fmt.stem}_{slug}_v{plan.version}_{plan.status}{fmt.extension}"
