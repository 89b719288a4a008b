"""The plan as a document: the blocks every export and the Plan page's preview lay out, in one order and wording.

`plan_document` decides what a reader sees — the header facts a supervisor or payer looks for first, the plan with
objectives and interventions under the goal they serve, the signature lines and an appendix of library sources —
and each renderer (Markdown, DOCX, PDF, the page's preview) only draws the blocks. Nothing here reads the plan
check: lint findings are for the editor, never for a document handed over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from clinical.plan import SAFETY_PLAN_STEPS, Intervention, Objective, TreatmentPlan, safety_step_title
from clinical.risk import PLAN_ELEMENTS, RiskKind
from knowledge.models import Entry, Taxonomy

if TYPE_CHECKING:
    from config import Settings
    from knowledge.loader import Library

NOT_SET = "—"
BLANK = "______________________"
#: Crisis contacts printed on the client's copy of a safety plan whatever else it says (US numbers; the plan's own
#: step 5 holds the clinician's local contacts). 988 Suicide & Crisis Lifeline: SAMHSA, https://988lifeline.org.
CRISIS_FOOTER = "In an emergency call 911 or go to the nearest emergency department. Call or text 988 (US)."


@dataclass(frozen=True)
class Heading:
    """A section (level 1), a goal (2) or a sub-heading (3). Renderers keep it on the page of what follows."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Running text; `tone` is how it stands out: body, muted (notes), strong (status) or notice (review banner)."""

    text: str
    tone: Literal["body", "muted", "strong", "notice"] = "body"


@dataclass(frozen=True)
class Fields:
    """Labelled facts, one per line ("Start date: 2026-12-07")."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    """A list; an empty one is drawn as a dash."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """A numbered objective or intervention: its wording, then its details as one line of labelled values."""

    number: str
    text: str
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Table:
    """Rows of cells under column headings (the sources appendix)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Fields | Bullets | Item | Table


@dataclass(frozen=True)
class Document:
    """What a renderer draws: a title, a footer for every page, and the blocks in order."""

    title: str
    footer: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ExportContext:
    """What a document needs besides the plan: the vocabulary for labels, the library for the sources appendix,
    and the practice's own lines. Holds no client data, so one can serve every session."""

    taxonomy: Taxonomy
    entries: Mapping[str, Entry] = field(default_factory=dict)
    practice: str = ""
    clinician: str = ""

    @classmethod
    def configured(cls, library: Library, settings: Settings) -> ExportContext:
        """The context the app and the CLI use: this library, and the practice lines from settings."""
        return cls(library.taxonomy, library.by_id, settings.practice, settings.clinician)

    def entry_title(self, entry_id: str) -> str:
        """A library entry's wording, shortened to a title; says so when the entry is not in this library."""
        entry = self.entries.get(entry_id)
        return shorten(entry.text, 90) if entry else "Not in the current library"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (with … when cut)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:.") + "…"


# ---- pieces shared with the FHIR export and the page -------------------------------------------------------------


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


def client_line(plan: TreatmentPlan) -> str:
    """Alias, age and pronouns, as far as they are known."""
    parts = [plan.client.alias or NOT_SET]
    if plan.client.age is not None:
        parts.append(f"age {plan.client.age}")
    if plan.client.pronouns:
        parts.append(plan.client.pronouns)
    return ", ".join(parts)


def sessions_text(plan: TreatmentPlan) -> str:
    """How often, how long, in what format and how many sessions: "weekly, 50 minutes, in person; 20 planned"."""
    s = plan.session_plan
    parts = ", ".join(
        p for p in (s.frequency, f"{s.duration_minutes} minutes" if s.duration_minutes else None, s.format) if p
    )
    planned = f"{s.sessions} session{'s' if s.sessions != 1 else ''} planned" if s.sessions else ""
    return "; ".join(p for p in (parts, planned) if p) or "Not set"


def review_text(plan: TreatmentPlan) -> str:
    """When progress is reviewed."""
    pm = plan.progress_monitoring
    every = f"every {pm.review_interval_days} days" if pm.review_interval_days else "interval not set"
    following = f"; next review {pm.next_review_date.isoformat()}" if pm.next_review_date else "; next review not set"
    return every + following


def diagnoses_text(plan: TreatmentPlan) -> str:
    """The diagnoses as recorded, code first: "F32.1 Major depressive disorder; F41.1 …"."""
    return "; ".join(d.display() for d in plan.diagnoses) or "None recorded"


def clinician_line(plan: TreatmentPlan, context: ExportContext) -> str:
    """Who is responsible: the signer of a final plan, else the practice's configured clinician."""
    if plan.status == "final" and plan.signature:
        return f"{plan.signature.clinician_name}, {plan.signature.credentials}"
    return context.clinician or NOT_SET


def objective_details(objective: Objective) -> tuple[tuple[str, str], ...]:
    """An objective's measure, baseline, target, date and status, as far as they are set."""
    pairs = [
        ("Measure", objective.measure),
        ("Baseline", objective.baseline),
        ("Target", objective.target),
        ("Target date", objective.target_date.isoformat() if objective.target_date else None),
        ("Status", objective.status),
    ]
    return tuple((label, value) for label, value in pairs if value)


def intervention_details(
    plan: TreatmentPlan, intervention: Intervention, taxonomy: Taxonomy
) -> tuple[tuple[str, str], ...]:
    """How often, in which modality, what kind of element, and which objectives it serves."""
    served = [plan.number_of(o) for o in intervention.objective_ids if plan.number_of(o) != o]
    return (
        ("Frequency", intervention.frequency or "not set"),
        ("Modality", taxonomy.modality_label(intervention.modality) if intervention.modality else "any"),
        ("Element", taxonomy.category_label(intervention.category)),
        ("Serves", f"objective{'s' if len(served) != 1 else ''} {', '.join(served)}" if served else "the whole plan"),
    )


def signature_fields(plan: TreatmentPlan) -> tuple[tuple[str, str], ...]:
    """Lines to sign on paper; filled from the signature once the plan is final."""
    sig = plan.signature if plan.status == "final" else None
    if sig is None:
        return (
            ("Clinician signature", BLANK),
            ("Name and credentials", BLANK),
            ("Date", BLANK),
            ("Client participation", "[ ] The client participated in developing this plan."),
            ("Client signature", f"{BLANK}   Date: {BLANK}"),
        )
    return (
        ("Clinician signature", f"Signed electronically by {sig.clinician_name} on {sig.signed_on.isoformat()}"),
        ("Name and credentials", f"{sig.clinician_name}, {sig.credentials}"),
        ("Date", sig.signed_on.isoformat()),
        (
            "Client participation",
            "The client participated in developing this plan."
            if sig.client_participated
            else "Client participation not attested.",
        ),
        ("Client signature", f"{BLANK}   Date: {BLANK}"),
    )


def source_rows(plan: TreatmentPlan, context: ExportContext) -> tuple[tuple[str, str, str], ...]:
    """(item, library entry, id) for every library source cited: the provenance, out of the reader's way."""
    rows = []
    for g, goal in enumerate(plan.goals, start=1):
        rows += [(f"Goal {g}", context.entry_title(s), s) for s in goal.sources]
        for o, objective in enumerate(goal.objectives, start=1):
            rows += [(f"Objective {g}.{o}", context.entry_title(s), s) for s in objective.sources]
    for i, intervention in enumerate(plan.interventions, start=1):
        rows += [(f"Intervention {i}", context.entry_title(s), s) for s in intervention.sources]
    return tuple(rows)


# ---- the documents -----------------------------------------------------------------------------------------------


def _text_blocks(text: str) -> list[Paragraph]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [Paragraph(line) for line in lines] or [Paragraph(NOT_SET, "muted")]


def plan_document(plan: TreatmentPlan, context: ExportContext) -> Document:
    """The whole plan as a reader should meet it: who and what first, then the plan, signatures and sources."""
    taxonomy = context.taxonomy
    marker = "FINAL" if plan.status == "final" else "DRAFT — for clinician review"
    blocks: list[Block] = []
    if context.practice:
        blocks.append(Paragraph(context.practice, "muted"))
    blocks.append(Paragraph(status_line(plan), "strong"))
    if plan.status != "final":
        blocks.append(Paragraph(plan.review_notice, "notice"))
    blocks.append(
        Fields(
            (
                ("Client", client_line(plan)),
                ("Clinician", clinician_line(plan, context)),
                ("Start date", plan.session_plan.start_date.isoformat() if plan.session_plan.start_date else NOT_SET),
                ("Sessions", sessions_text(plan)),
                ("Plan review", review_text(plan)),
                ("Diagnoses", diagnoses_text(plan)),
            )
        )
    )
    if plan.scope_notes:
        blocks.append(Heading("Outside this plan"))
        blocks.append(Bullets(tuple(plan.scope_notes)))
    blocks += [Heading("Presenting problem"), *_text_blocks(plan.presenting_problem)]
    blocks += [Heading("Formulation"), *_text_blocks(plan.formulation)]
    if plan.client_goals:
        blocks += [Heading("The client's goals, in their words"), Bullets(tuple(f"“{q}”" for q in plan.client_goals))]

    blocks.append(Heading("Goals, objectives and interventions"))
    if plan.pathways:
        blocks.append(Paragraph("Clinical pathways followed: " + "; ".join(plan.pathways) + ".", "muted"))
    if not plan.goals:
        blocks.append(Paragraph("No goals yet.", "muted"))
    groups = {goal.id if goal else None: items for goal, items in plan.intervention_groups()}
    for g, goal in enumerate(plan.goals, start=1):
        blocks.append(Heading(f"Goal {g}. {goal.description}", 2))
        facts = [("Problem area", taxonomy.area_label(goal.problem_area))]
        if goal.client_words:
            facts.append(("In the client's words", f"“{goal.client_words}”"))
        blocks.append(Fields(tuple(facts)))
        blocks.append(Heading("Objectives", 3))
        if not goal.objectives:
            blocks.append(Paragraph("No objectives yet.", "muted"))
        for o, objective in enumerate(goal.objectives, start=1):
            blocks.append(Item(f"{g}.{o}", objective.description, objective_details(objective)))
        if groups.get(goal.id):
            blocks.append(Heading("Interventions", 3))
            blocks += [_intervention_item(plan, i, taxonomy) for i in groups[goal.id]]
    if groups.get(None):
        blocks.append(Heading("Interventions for the whole plan", 2))
        blocks += [_intervention_item(plan, i, taxonomy) for i in groups[None]]

    blocks += risk_blocks(plan)
    if plan.safety_plan is not None:
        blocks.append(Heading("Safety plan"))
        for step in SAFETY_PLAN_STEPS:
            blocks += [Heading(safety_step_title(step), 3), Bullets(tuple(getattr(plan.safety_plan, step)))]
    for element in plan.safety_elements:
        blocks.append(Heading(element.title))
        for step in element.steps:
            blocks += [Heading(step.heading, 3), Bullets(tuple(step.items))]
        if element.source:
            blocks.append(Paragraph(f"Following: {element.source}", "muted"))
    if plan.referrals:
        blocks.append(Heading("Referrals and coordination of care"))
        blocks.append(Bullets(tuple(f"{r.service} ({r.urgency}): {r.reason}" for r in plan.referrals)))
    if plan.constraints:
        blocks += [Paragraph("Sequencing and format stated at intake:", "strong"), Bullets(tuple(plan.constraints))]

    blocks.append(Heading("Progress monitoring"))
    measures = ", ".join(plan.progress_monitoring.measures) or "none named"
    blocks.append(Fields((("Measures", measures), ("Review", review_text(plan)))))
    if plan.progress_monitoring.recommended:
        blocks.append(Bullets(tuple(plan.progress_monitoring.recommended)))
    blocks += [Heading("Discharge criteria"), Bullets(tuple(plan.discharge_criteria))]
    blocks += [Heading("Signatures"), Fields(signature_fields(plan))]
    rows = source_rows(plan, context)
    if rows:
        blocks.append(Heading("Sources"))
        blocks.append(
            Paragraph("The Anamnesis library entries each item was adapted from (for audit; ids are stable).", "muted")
        )
        blocks.append(Table(("Item", "Library entry", "Id"), rows))
    title = document_title(plan)
    return Document(title, f"{title} · {marker} · version {plan.version}", tuple(blocks))


def risk_blocks(plan: TreatmentPlan) -> list[Block]:
    """The risk the intake reported, kind by kind, with the plan element each requires and its source; or that risk
    was not assessed, and why."""
    if not plan.risk_assessed:
        reason = plan.risk_not_assessed_reason or "no reason recorded"
        return [Heading("Risk"), Paragraph(f"Risk was not assessed at intake: {reason}.")]
    if not plan.risk_kinds:
        return []
    rows = []
    for value in plan.risk_kinds:
        kind = RiskKind(value)
        needs = PLAN_ELEMENTS[kind]
        rows.append(f"{kind.label.capitalize()} — the plan needs: {needs.element} (source: {needs.source})")
    return [Heading("Risk reported at intake"), Bullets(tuple(rows))]


def _intervention_item(plan: TreatmentPlan, intervention: Intervention, taxonomy: Taxonomy) -> Item:
    number = plan.number_of(intervention.id)
    return Item(number, intervention.description, intervention_details(plan, intervention, taxonomy))


def safety_plan_document(plan: TreatmentPlan, context: ExportContext) -> Document:
    """The client's own copy of the safety plan: the six steps in plain words, nothing clinical besides."""
    if plan.safety_plan is None:
        raise ValueError("This plan has no safety plan.")
    blocks: list[Block] = [
        Paragraph(f"For {plan.client.alias}" + (f" · {context.practice}" if context.practice else ""), "muted"),
        Paragraph("Use these steps in order, until you feel safe. Keep this page where you can find it.", "strong"),
    ]
    for step in SAFETY_PLAN_STEPS:
        blocks += [Heading(safety_step_title(step), 3), Bullets(tuple(getattr(plan.safety_plan, step)))]
    blocks.append(Paragraph(CRISIS_FOOTER, "strong"))
    dated = plan.signature.signed_on.isoformat() if plan.signature else None
    blocks.append(
        Paragraph(f"Written with {clinician_line(plan, context)}" + (f" on {dated}" if dated else ""), "muted")
    )
    title = "My safety plan"
    return Document(title, f"Safety plan — {plan.client.alias} · version {plan.version}", tuple(blocks))
