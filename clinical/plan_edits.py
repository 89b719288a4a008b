"""The edits a clinician makes to a plan, as pure functions: each returns a new plan. Ids stay stable; new items
get the next free id; a library entry keeps its source id."""

from __future__ import annotations

import re

from clinical.plan import GAP, Goal, Intervention, Objective, TreatmentPlan
from knowledge.models import Entry, Kind


def _next_id(existing: list[str], prefix: str) -> str:
    numbers = [int(i[len(prefix) :]) for i in existing if i.startswith(prefix) and i[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def move(items: list, index: int, delta: int) -> list:
    """The list with item `index` moved `delta` places (clamped at the ends)."""
    items = list(items)
    target = max(0, min(len(items) - 1, index + delta))
    items.insert(target, items.pop(index))
    return items


def add_goal(plan: TreatmentPlan, problem_area: str, description: str = "", sources: list[str] = ()) -> TreatmentPlan:
    """A new, empty goal at the end."""
    goal = Goal(
        id=_next_id([g.id for g in plan.goals], "g"),
        description=description,
        problem_area=problem_area,
        sources=list(sources),
    )
    return plan.model_copy(update={"goals": [*plan.goals, goal]})


def remove_goal(plan: TreatmentPlan, goal_id: str) -> TreatmentPlan:
    """Drop a goal and its objectives; interventions stop pointing at them."""
    gone = {o.id for g in plan.goals if g.id == goal_id for o in g.objectives}
    goals = [g for g in plan.goals if g.id != goal_id]
    return _without_objectives(plan.model_copy(update={"goals": goals}), gone)


def add_objective(
    plan: TreatmentPlan, goal_id: str, description: str = "", sources: list[str] = (), measure: str | None = None
) -> TreatmentPlan:
    """A new objective at the end of a goal, due at the next review."""
    goals = []
    for goal in plan.goals:
        if goal.id == goal_id:
            objective = Objective(
                id=_next_id([o.id for o in goal.objectives], f"{goal.id}-o"),
                description=description,
                measure=measure,
                target_date=plan.progress_monitoring.next_review_date,
                sources=list(sources),
            )
            goal = goal.model_copy(update={"objectives": [*goal.objectives, objective]})
        goals.append(goal)
    return plan.model_copy(update={"goals": goals})


def remove_objective(plan: TreatmentPlan, objective_id: str) -> TreatmentPlan:
    """Drop one objective; interventions stop pointing at it."""
    goals = [g.model_copy(update={"objectives": [o for o in g.objectives if o.id != objective_id]}) for g in plan.goals]
    return _without_objectives(plan.model_copy(update={"goals": goals}), {objective_id})


def _without_objectives(plan: TreatmentPlan, gone: set[str]) -> TreatmentPlan:
    interventions = [
        i.model_copy(update={"objective_ids": [o for o in i.objective_ids if o not in gone]})
        for i in plan.interventions
    ]
    return plan.model_copy(update={"interventions": interventions})


def add_intervention(
    plan: TreatmentPlan,
    description: str = "",
    category: str = "technique",
    modality: str | None = None,
    frequency: str | None = None,
    objective_ids: list[str] = (),
    sources: list[str] = (),
) -> TreatmentPlan:
    """A new intervention at the end."""
    intervention = Intervention(
        id=_next_id([i.id for i in plan.interventions], "i"),
        description=description,
        category=category,
        modality=modality,
        frequency=frequency,
        objective_ids=list(objective_ids),
        sources=list(sources),
    )
    return plan.model_copy(update={"interventions": [*plan.interventions, intervention]})


def remove_intervention(plan: TreatmentPlan, intervention_id: str) -> TreatmentPlan:
    """Drop one intervention."""
    return plan.model_copy(update={"interventions": [i for i in plan.interventions if i.id != intervention_id]})


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _filled(text: str, plan: TreatmentPlan, entry: Entry) -> str:
    """A library entry's placeholders filled from the plan where it knows the answer; a score the plan has no
    baseline for becomes a blank the clinician completes before signing."""
    pm = plan.progress_monitoring
    values = {
        "target_date": pm.next_review_date.isoformat() if pm.next_review_date else GAP,
        "frequency": plan.session_plan.frequency or GAP,
        "review_interval": f"{pm.review_interval_days}-day" if pm.review_interval_days else GAP,
        "measure": entry.measure or GAP,
        "baseline": "[baseline to be measured]",
        "target": "[target to be agreed]",
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), GAP), text)


def add_entry(plan: TreatmentPlan, entry: Entry, goal_id: str | None = None) -> TreatmentPlan:
    """Put a library entry into the plan with its source id: a goal becomes a new goal, an objective joins
    `goal_id` (or the first goal), an intervention serves that goal's objectives. Placeholders are filled from the
    plan (target date = next review) or left as blanks to complete."""
    text = _filled(entry.text, plan, entry)
    match entry.kind:
        case Kind.GOAL:
            return add_goal(plan, entry.problem_areas[0], text, [entry.id])
        case Kind.OBJECTIVE:
            target = goal_id or (plan.goals[0].id if plan.goals else None)
            if target is None:
                plan = add_goal(plan, entry.problem_areas[0])
                target = plan.goals[-1].id
            return add_objective(plan, target, text, [entry.id], entry.measure)
        case Kind.INTERVENTION:
            serves = [o.id for g in plan.goals if g.id == goal_id for o in g.objectives]
            modality = entry.modalities[0] if entry.modalities else None
            category = entry.category.value if entry.category else "technique"
            return add_intervention(plan, text, category, modality, entry.frequency, serves, [entry.id])
    raise ValueError(f"A {entry.kind.value} entry cannot be added to a plan.")
