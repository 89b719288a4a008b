"""Plan exporters: each is plan → bytes, with no network and no files left behind, so the page, the CLI and
tests share them.

`FORMATS` is the registry the page and CLI offer; `render` and `filename` are what they call. The wording
shared by the DOCX and PDF documents (status line, table columns, safety-plan steps, signature lines) lives
here too, so both documents say the same thing in the same order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from exports.text import to_json, to_markdown
from knowledge.models import Taxonomy
from records.plan import Flag, Intervention, Objective, TreatmentPlan

# XML 1.0 refuses C0 controls other than tab/newline/CR, lone surrogates and U+FFFE/U+FFFF; DEL and C1
# controls are legal there but are never meaningful text and no font has glyphs for them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` with line breaks as `\\n` and no control characters other than tab and newline.

    Pasted or model-written text can hold anything; a DOCX refuses such characters outright.
    """
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# ---- Wording shared by the DOCX and PDF documents ------------------------------------------------------------

NOT_SET = "—"
BLANK = "______________________"

#: The six Stanley–Brown steps: the `SafetyPlan` field and its heading (the Markdown export's wording, numbered).
SAFETY_PLAN_STEPS: tuple[tuple[str, str], ...] = (
    ("warning_signs", "Step 1 — Warning signs"),
    ("internal_coping", "Step 2 — Internal coping strategies"),
    ("social_distraction", "Step 3 — People and places for distraction"),
    ("people_to_ask_for_help", "Step 4 — People to ask for help"),
    ("professionals_and_agencies", "Step 5 — Professionals and agencies"),
    ("means_safety", "Step 6 — Making the environment safe"),
)

OBJECTIVE_COLUMNS = ("Objective", "Measure", "Baseline", "Target", "Target date", "Status")
INTERVENTION_COLUMNS = ("Intervention", "Modality", "Category", "Frequency", "Objectives", "Sources")


def document_title(plan: TreatmentPlan) -> str:
    """The document's title, naming the client by alias only."""
    return f"Treatment plan — {plan.client.alias}" if plan.client.alias.strip() else "Treatment plan"


def status_line(plan: TreatmentPlan) -> str:
    """DRAFT or FINAL, the version, and who signed."""
    if plan.status != "final":
        return f"DRAFT — for clinician review · version {plan.version}"
    line = f"FINAL · version {plan.version}"
    if plan.signature:
        sig = plan.signature
        line += f" · signed by {sig.clinician_name}, {sig.credentials} on {sig.signed_on.isoformat()}"
    return line


def client_details(plan: TreatmentPlan) -> str:
    """Alias, age and pronouns, as far as they are known."""
    details = [f"Alias: {plan.client.alias}"]
    if plan.client.age is not None:
        details.append(f"Age: {plan.client.age}")
    if plan.client.pronouns:
        details.append(f"Pronouns: {plan.client.pronouns}")
    return " · ".join(details)


def objective_cells(objective: Objective) -> tuple[str, ...]:
    """One objective as the cells of `OBJECTIVE_COLUMNS`."""
    return (
        f"{objective.id}. {objective.description}",
        objective.measure or NOT_SET,
        objective.baseline or NOT_SET,
        objective.target or NOT_SET,
        objective.target_date.isoformat() if objective.target_date else NOT_SET,
        objective.status,
    )


def interventions_in_order(plan: TreatmentPlan) -> list[Intervention]:
    """Interventions grouped by category as the Markdown export groups them, plan order within a category."""
    return sorted(plan.interventions, key=lambda i: i.category)


def intervention_cells(intervention: Intervention, taxonomy: Taxonomy) -> tuple[str, ...]:
    """One intervention as the cells of `INTERVENTION_COLUMNS`."""
    return (
        f"{intervention.id}. {intervention.description}",
        taxonomy.modality_label(intervention.modality) if intervention.modality else "Any modality",
        taxonomy.category_label(intervention.category),
        intervention.frequency or "Frequency not set",
        ", ".join(intervention.objective_ids) or "All objectives",
        ", ".join(intervention.sources) or NOT_SET,
    )


def sessions_text(plan: TreatmentPlan) -> str:
    """How often, how long and in what format sessions happen."""
    s = plan.session_plan
    parts = (s.frequency, f"{s.duration_minutes} minutes" if s.duration_minutes else None, s.format)
    return ", ".join(p for p in parts if p) or "Not set."


def monitoring_lines(plan: TreatmentPlan) -> list[str]:
    """The measures readministered and when progress is reviewed."""
    pm = plan.progress_monitoring
    next_review = pm.next_review_date.isoformat() if pm.next_review_date else "not scheduled"
    return [
        f"Measures: {', '.join(pm.measures) or 'none named'}",
        f"Review every {pm.review_interval_days or NOT_SET} days; next review {next_review}.",
    ]


def flag_line(flag: Flag) -> str:
    """A plan-check finding in one line."""
    return f"{flag.severity}: {flag.message}" + (f" ({flag.path})" if flag.path else "")


def signature_lines(plan: TreatmentPlan) -> list[tuple[str, str]]:
    """(label, value) lines to sign on paper; filled from the signature once the plan is final."""
    sig = plan.signature if plan.status == "final" else None
    if sig is None:
        return [
            ("Clinician signature", BLANK),
            ("Name", BLANK),
            ("Credentials", BLANK),
            ("Date", BLANK),
            ("Client participation", "[ ] The client participated in developing this plan."),
            ("Client signature", f"{BLANK}   Date: {BLANK}"),
        ]
    return [
        ("Clinician signature", f"Signed by {sig.clinician_name} on {sig.signed_on.isoformat()}"),
        ("Name", sig.clinician_name),
        ("Credentials", sig.credentials),
        ("Date", sig.signed_on.isoformat()),
        (
            "Client participation",
            "The client participated in developing this plan."
            if sig.client_participated
            else "Client participation not attested.",
        ),
        ("Client signature", f"{BLANK}   Date: {BLANK}"),
    ]


# ---- Registry ------------------------------------------------------------------------------------------------

Renderer = Callable[[TreatmentPlan, Taxonomy], bytes]


@dataclass(frozen=True)
class ExportFormat:
    """A format a plan can be downloaded in."""

    key: str
    label: str
    extension: str
    mime: str
    render: Renderer


def _imported(module: str, function: str) -> Renderer:
    # The renderers import the shared wording above from this package, so importing them here would be circular;
    # imported on first use, python-docx and fpdf2 also cost nothing to pages that never export.
    def render(plan: TreatmentPlan, taxonomy: Taxonomy) -> bytes:
        return getattr(import_module(module), function)(plan, taxonomy)

    return render


def _json(plan: TreatmentPlan, taxonomy: Taxonomy) -> bytes:
    return to_json(plan)


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("md", "Markdown", ".md", "text/markdown", to_markdown),
        ExportFormat("json", "JSON", ".json", "application/json", _json),
        ExportFormat(
            "docx",
            "Word (DOCX)",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _imported("exports.docx", "to_docx"),
        ),
        ExportFormat("pdf", "PDF", ".pdf", "application/pdf", _imported("exports.pdf", "to_pdf")),
        ExportFormat(
            "fhir", "FHIR R4 (JSON)", ".fhir.json", "application/fhir+json", _imported("exports.fhir", "to_fhir")
        ),
    )
}


def export_format(key: str) -> ExportFormat:
    """The format registered under `key`."""
    try:
        return FORMATS[key]
    except KeyError:
        raise ValueError(f"unknown export format {key!r}; known: {', '.join(FORMATS)}") from None


def render(plan: TreatmentPlan, taxonomy: Taxonomy, key: str) -> bytes:
    """The plan in the format registered under `key`."""
    return export_format(key).render(plan, taxonomy)


def filename(plan: TreatmentPlan, key: str) -> str:
    """A safe download name (only A–Z, a–z, 0–9, `.`, `_`, `-`), e.g. `treatment-plan_client-a_v3_draft.docx`."""
    ascii_alias = unicodedata.normalize("NFKD", plan.client.alias).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_alias).strip("-")[:40].strip("-") or "client"
    return f"treatment-plan_{slug}_v{plan.version}_{plan.status}{export_format(key).extension}"
