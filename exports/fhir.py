"""The plan as a FHIR R4 Bundle (JSON): one CarePlan and one Goal per plan goal, for systems that import FHIR.

Built from plain dicts (fhir.resources is a test-only dependency). The client appears only as the alias in
`Reference.display`; no identifiers leave the app. Annotation text is FHIR `markdown`, so it is escaped.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from clinical.plan import SAFETY_PLAN_STEPS, Goal, Objective, TreatmentPlan, safety_step_title
from exports import printable
from exports.document import (
    ExportContext,
    clinician_line,
    document_title,
    objective_details,
    review_text,
    sessions_text,
)
from exports.text import md
from knowledge.models import Taxonomy

#: Library entries are cited as `urn:anamnesis:library:<entry id>`.
LIBRARY_URN = "urn:anamnesis:library:"

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:anamnesis:treatment-plan")

Resource = dict[str, Any]
_EMPTY = (None, "", [], {})


def to_fhir(plan: TreatmentPlan, context: ExportContext) -> bytes:
    """A Bundle of type "collection", UTF-8 JSON; the same plan version always gives the same resource ids."""
    taxonomy = context.taxonomy
    subject = {"display": _string(plan.client.alias) or "Client (no alias)"}
    # Position as well as id, so two goals sharing an id still get distinct resources.
    goal_ids = [_uuid(plan, f"goal/{n}/{goal.id}") for n, goal in enumerate(plan.goals)]
    goals = [
        _goal(plan, number, goal, goal_id, subject, taxonomy)
        for number, (goal, goal_id) in enumerate(zip(plan.goals, goal_ids, strict=True), start=1)
    ]
    care_plan = _care_plan(plan, goal_ids, subject, context)
    bundle: Resource = {"resourceType": "Bundle", "id": _uuid(plan, "bundle"), "type": "collection"}
    if plan.created_at and plan.created_at.tzinfo:
        bundle["timestamp"] = plan.created_at.isoformat(timespec="seconds")
    bundle["entry"] = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in (care_plan, *goals)]
    return json.dumps(_finished(bundle), indent=2, ensure_ascii=False).encode("utf-8")


def _care_plan(plan: TreatmentPlan, goal_ids: list[str], subject: Resource, context: ExportContext) -> Resource:
    taxonomy = context.taxonomy
    final = plan.status == "final"
    care_plan: Resource = {
        "resourceType": "CarePlan",
        "id": _uuid(plan, "careplan"),
        "status": "active" if final else "draft",
        "intent": "plan",
        "category": [{"text": "Psychotherapy treatment plan"}],
        "title": document_title(plan),
        "description": plan.presenting_problem,
        "subject": subject,
        "created": _date_time(plan.created_at) if plan.created_at else None,
        "period": {"start": plan.session_plan.start_date.isoformat()} if plan.session_plan.start_date else None,
        "instantiatesUri": _library_uris(plan.source_ids()),
        "author": _author(plan),
        "addresses": [{"display": d.display()} for d in plan.diagnoses],
        "goal": [
            {"reference": f"urn:uuid:{goal_id}", "display": goal.description}
            for goal, goal_id in zip(plan.goals, goal_ids, strict=True)
        ],
        "activity": [],
        "note": _notes(_care_plan_notes(plan, context)),
    }
    goal_of_objective = {
        o.id: goal_id for goal, goal_id in zip(plan.goals, goal_ids, strict=True) for o in goal.objectives
    }
    for intervention in plan.interventions:
        description = intervention.description
        if intervention.modality:
            description += f" (Modality: {taxonomy.modality_label(intervention.modality)}.)"
        # An intervention naming no objectives serves them all, as the Markdown export says.
        objective_ids = intervention.objective_ids or list(goal_of_objective)
        served = dict.fromkeys(goal_of_objective[o] for o in objective_ids if o in goal_of_objective)
        detail: Resource = {
            "code": {"text": taxonomy.category_label(intervention.category)},
            "status": "not-started",
            "description": description,
            "scheduledString": intervention.frequency,
            "goal": [{"reference": f"urn:uuid:{goal_id}"} for goal_id in served],
            "instantiatesUri": _library_uris(intervention.sources),
        }
        care_plan["activity"].append({"detail": detail})
    return care_plan


def _care_plan_notes(plan: TreatmentPlan, context: ExportContext) -> list[str]:
    notes = []
    if plan.status != "final":
        notes.append(plan.review_notice)
    if context.practice:
        notes.append(f"Practice: {context.practice}")
    notes.append(f"Clinician: {clinician_line(plan, context)}")
    if plan.formulation.strip():
        notes.append("Formulation:\n" + plan.formulation)
    notes.append(f"Sessions: {sessions_text(plan)}")
    if plan.safety_plan is not None:
        steps = [f"{safety_step_title(s)}: {'; '.join(getattr(plan.safety_plan, s)) or '—'}" for s in SAFETY_PLAN_STEPS]
        notes.append("Safety plan (Stanley–Brown):\n" + "\n".join(steps))
    for element in plan.safety_elements:
        steps = [f"{step.heading}: {'; '.join(step.items) or '—'}" for step in element.steps]
        notes.append(f"{element.title}:\n" + "\n".join(steps))
    if plan.referrals:
        notes.append("Referrals:\n" + "\n".join(f"• {r.service} ({r.urgency}): {r.reason}" for r in plan.referrals))
    if plan.scope_notes:
        notes.append("Outside this plan:\n" + "\n".join(f"• {n}" for n in plan.scope_notes))
    measures = ", ".join(plan.progress_monitoring.measures) or "none named"
    notes.append(f"Progress monitoring: measures {measures}; review {review_text(plan)}.")
    if plan.discharge_criteria:
        notes.append("Discharge criteria:\n" + "\n".join(f"• {c}" for c in plan.discharge_criteria))
    if plan.status == "final" and plan.signature:
        notes.append(
            "The client participated in developing this plan."
            if plan.signature.client_participated
            else "Client participation not attested."
        )
    return notes


def _goal(
    plan: TreatmentPlan, number: int, goal: Goal, goal_id: str, subject: Resource, taxonomy: Taxonomy
) -> Resource:
    notes = []
    if goal.client_words:
        notes.append(f"In the client's words: “{goal.client_words}”")
    notes += [_objective_note(f"{number}.{n}", o) for n, o in enumerate(goal.objectives, start=1)]
    return {
        "resourceType": "Goal",
        "id": goal_id,
        "lifecycleStatus": "active" if plan.status == "final" else "proposed",
        "description": {"text": _string(goal.description) or _string(goal.id) or "Goal"},
        "subject": subject,
        "addresses": [{"display": taxonomy.area_label(goal.problem_area)}],
        "target": [_target(o) for o in goal.objectives],
        "note": _notes(notes),
    }


def _target(objective: Objective) -> Resource:
    """One objective: what is measured, the value that means it is met, and by when."""
    measure = _string(objective.measure or "") or _string(objective.description) or "Objective"
    return {
        "measure": {"text": measure},
        "detailString": objective.target,
        "dueDate": objective.target_date.isoformat() if objective.target_date else None,
    }


def _objective_note(number: str, objective: Objective) -> str:
    details = "; ".join(f"{label.lower()} {value}" for label, value in objective_details(objective))
    return f"Objective {number}: {objective.description} ({details})"


def _library_uris(sources: list[str]) -> list[str]:
    # Percent-encoded: a FHIR uri holds no whitespace, and a model-written id might.
    return [LIBRARY_URN + quote(printable(s), safe="") for s in sources]


def _author(plan: TreatmentPlan) -> Resource | None:
    if plan.status != "final" or plan.signature is None:
        return None
    return {"display": f"{plan.signature.clinician_name}, {plan.signature.credentials}"}


def _notes(texts: list[str]) -> list[Resource]:
    """Annotations; their text is FHIR markdown, so it is escaped and line breaks are kept as hard breaks."""
    notes = []
    for text in texts:
        lines = [md(line.strip()) for line in printable(text).splitlines() if line.strip()]
        if lines:
            notes.append({"text": "  \n".join(lines)})
    return notes


def _string(text: str) -> str:
    # FHIR strings must not be empty and should have no control characters or surrounding whitespace.
    return printable(text).strip()


def _date_time(moment: datetime) -> str:
    # A FHIR dateTime with a time must carry a zone; for a naive time, the date alone is what is known.
    return moment.isoformat(timespec="seconds") if moment.tzinfo else moment.date().isoformat()


def _uuid(plan: TreatmentPlan, part: str) -> str:
    """A stable id for one resource of one plan version (alias + creation time + version + part)."""
    created = plan.created_at.isoformat() if plan.created_at else ""
    # JSON keeps the parts apart unambiguously, and its ASCII escapes encode any character.
    name = json.dumps([plan.client.alias, created, plan.version, part])
    return str(uuid.uuid5(_NAMESPACE, name))


def _finished(value: Any) -> Any:
    """`value` with every string cleaned and empty strings, lists and objects removed at every depth:
    FHIR forbids empty values, and a lone surrogate would not even encode as UTF-8."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        value = {k: _finished(v) for k, v in value.items()}
        return {k: v for k, v in value.items() if v not in _EMPTY}
    if isinstance(value, list):
        return [v for v in map(_finished, value) if v not in _EMPTY]
    return value
