"""JSON and Markdown exports of a treatment plan."""

from __future__ import annotations

import json
import re

from knowledge.models import Taxonomy
from records.plan import TreatmentPlan

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=])", re.M)
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.M)


def md(text: str) -> str:
    """Escape text so a Markdown renderer shows it literally (no links, images, HTML, emphasis or headings),
    while the raw file stays readable."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_NUMBERED.sub(r"\1\\\2", _MD_LINE_START.sub(r"\1\\\2", text))


def to_json(plan: TreatmentPlan) -> bytes:
    """The plan as JSON (the schema of `TreatmentPlan`), UTF-8."""
    return json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False).encode("utf-8")


def to_markdown(plan: TreatmentPlan, taxonomy: Taxonomy) -> bytes:
    """A readable Markdown document of the plan, every clinician/library/model string escaped."""
    lines = [f"# Treatment plan — {md(plan.client.alias)}", ""]
    status = "FINAL" if plan.status == "final" else "DRAFT — for clinician review"
    lines += [f"**Status:** {status} · version {plan.version}", ""]
    if plan.status != "final":
        lines += [f"> {md(plan.review_notice)}", ""]
    details = [f"Alias: {md(plan.client.alias)}"]
    if plan.client.age is not None:
        details.append(f"Age: {plan.client.age}")
    if plan.client.pronouns:
        details.append(f"Pronouns: {md(plan.client.pronouns)}")
    lines += [" · ".join(details), ""]
    lines += ["## Presenting problem", "", *_paragraphs(plan.presenting_problem), ""]
    lines += ["## Formulation", "", *_paragraphs(plan.formulation), ""]
    if plan.diagnoses:
        lines += ["## Diagnoses", ""]
        lines += [f"- {md(d.label)}" + (f" ({md(d.icd10)})" if d.icd10 else "") for d in plan.diagnoses]
        lines.append("")
    lines += ["## Goals and objectives", ""]
    for goal in plan.goals:
        lines += [f"### {md(goal.id)}. {md(goal.description)}", ""]
        lines.append(f"Problem area: {md(taxonomy.area_label(goal.problem_area))}  ")
        if goal.client_words:
            lines.append(f"In the client's words: “{md(goal.client_words)}”  ")
        lines += [f"Sources: {md(', '.join(goal.sources))}", ""]
        lines += [
            "| Objective | Measure | Baseline | Target | Target date | Status | Sources |",
            "|---|---|---|---|---|---|---|",
        ]
        for o in goal.objectives:
            cells = [
                f"{o.id}. {o.description}",
                o.measure or "",
                o.baseline or "",
                o.target or "",
                o.target_date.isoformat() if o.target_date else "",
                o.status,
                ", ".join(o.sources),
            ]
            lines.append("| " + " | ".join(md(c).replace("\n", " ") for c in cells) + " |")
        lines.append("")
    lines += ["## Interventions", ""]
    for category in sorted({i.category for i in plan.interventions}):
        lines += [f"### {md(taxonomy.category_label(category))}", ""]
        for i in plan.interventions:
            if i.category != category:
                continue
            modality = taxonomy.modality_label(i.modality) if i.modality else "any modality"
            lines.append(
                f"- **{md(i.id)}** {md(i.description)} — *{md(i.frequency or 'frequency not set')}*; "
                f"{md(modality)}; for {md(', '.join(i.objective_ids) or 'all objectives')}; "
                f"sources: {md(', '.join(i.sources))}"
            )
        lines.append("")
    s = plan.session_plan
    lines += [
        "## Sessions",
        "",
        md(
            ", ".join(
                v for v in (s.frequency, f"{s.duration_minutes} minutes" if s.duration_minutes else None, s.format) if v
            )
            or "Not set."
        ),
        "",
    ]
    if plan.safety_plan is not None:
        lines += ["## Safety plan", ""]
        for title, items in (
            ("Warning signs", plan.safety_plan.warning_signs),
            ("Internal coping strategies", plan.safety_plan.internal_coping),
            ("People and places for distraction", plan.safety_plan.social_distraction),
            ("People to ask for help", plan.safety_plan.people_to_ask_for_help),
            ("Professionals and agencies", plan.safety_plan.professionals_and_agencies),
            ("Making the environment safe", plan.safety_plan.means_safety),
        ):
            lines += [f"**{title}**", "", *[f"- {md(item)}" for item in items], ""]
    pm = plan.progress_monitoring
    lines += ["## Progress monitoring", ""]
    lines.append(f"Measures: {md(', '.join(pm.measures) or 'none named')}  ")
    next_review = pm.next_review_date.isoformat() if pm.next_review_date else "not scheduled"
    lines.append(f"Review every {pm.review_interval_days or '—'} days; next review {next_review}.")
    lines += ["", "## Discharge criteria", "", *[f"- {md(c)}" for c in plan.discharge_criteria], ""]
    if plan.flags:
        lines += ["## Plan check", "", *[f"- {f.severity}: {md(f.message)}" for f in plan.flags], ""]
    lines += ["## Signatures", ""]
    if plan.signature:
        sig = plan.signature
        lines.append(
            f"Clinician: {md(sig.clinician_name)}, {md(sig.credentials)} — signed {sig.signed_on.isoformat()}  "
        )
        lines.append(
            "The client participated in developing this plan."
            if sig.client_participated
            else "Client participation not attested."
        )
    else:
        lines += [
            "Clinician: ______________________  Credentials: ________  Date: __________",
            "",
            "Client: ______________________  Date: __________",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _paragraphs(text: str) -> list[str]:
    return [md(line) + "  " for line in text.splitlines() if line.strip()] or ["—"]
