"""Plan lint: the documentation standards a reviewer checks, applied to a plan before anyone signs it.

Errors are what an auditor would reject (an objective with no target date, an intervention with no
frequency, a missing safety plan when risk was reported); warnings are what a supervisor would ask
about (a goal without the client's words).
"""

from __future__ import annotations

import re
from collections.abc import Container

from records.plan import Flag, TreatmentPlan

_ACTION_VERBS = frozenset(
    [
        "identify",
        "describe",
        "practice",
        "report",
        "reduce",
        "increase",
        "complete",
        "attend",
        "name",
        "use",
        "list",
        "demonstrate",
        "track",
        "record",
        "lower",
        "decrease",
        "maintain",
        "engage",
        "write",
        "rate",
        "schedule",
        "share",
        "express",
        "tolerate",
        "apply",
        "notice",
        "recognize",
        "explore",
        "verbalize",
        "participate",
        "initiate",
        "resume",
        "return",
        "sleep",
        "spend",
        "limit",
        "abstain",
        "stop",
        "keep",
        "develop",
        "create",
        "contact",
        "discuss",
        "compare",
        "challenge",
        "replace",
        "reach",
        "build",
        "follow",
        "rebuild",
        "test",
        "drop",
        "hold",
        "link",
        "tell",
        "state",
        "show",
        "achieve",
        "sustain",
        "learn",
        "join",
        "eat",
        "walk",
        "respond",
        "reconnect",
        "begin",
        "set",
        "plan",
        "ask",
        "make",
        "take",
        "give",
        "seek",
        "articulate",
        "distinguish",
        "carry",
        "bring",
        "try",
        "gather",
        "map",
        "sort",
        "observe",
        "label",
        "reflect",
        "tolerate",
        "accept",
        "agree",
        "allow",
        "choose",
        "remain",
        "stay",
        "prepare",
        "review",
        "spot",
        "recall",
        "practise",
        "put",
        "initiate",
    ]
)
_MEASURABLE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|at least|at most|weekly|daily|each|every|"
    r"per|percent|rating|score|times|complete|completed|written|all|no more than|fewer than|consecutive)\b",
    re.I,
)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def lint(plan: TreatmentPlan, library_ids: Container[str] = ()) -> list[Flag]:
    """Every finding for a plan, errors first."""
    flags: list[Flag] = []

    def flag(code: str, severity: str, message: str, path: str = "") -> None:
        flags.append(Flag(code=code, severity=severity, message=message, path=path))

    if not plan.goals:
        flag("no-goals", "error", "The plan has no goals.", "goals")
    for g, goal in enumerate(plan.goals):
        where = f"goals[{g}]"
        if not goal.client_words:
            flag("goal-client-words", "warning", f"Goal {goal.id} has no words from the client beside it.", where)
        if not goal.objectives:
            flag("goal-no-objectives", "error", f"Goal {goal.id} has no objectives.", where)
        for o, objective in enumerate(goal.objectives):
            at = f"{where}.objectives[{o}]"
            text = objective.description
            if objective.target_date is None:
                flag("objective-target-date", "error", f"Objective {objective.id} has no target date.", at)
            if not (_MEASURABLE.search(text) or objective.target):
                flag("objective-measurable", "error", f"Objective {objective.id} has no measurable criterion.", at)
            first = re.sub(r"[^a-z]", "", text.split(maxsplit=1)[0].lower()) if text.strip() else ""
            if first not in _ACTION_VERBS:
                flag(
                    "objective-action-verb",
                    "warning",
                    f"Objective {objective.id} does not start with an action verb.",
                    at,
                )
    objective_ids = {o.id for o in plan.objectives()}
    for i, intervention in enumerate(plan.interventions):
        at = f"interventions[{i}]"
        if not intervention.frequency:
            flag("intervention-frequency", "error", f"Intervention {intervention.id} has no frequency.", at)
        unknown = [o for o in intervention.objective_ids if o not in objective_ids]
        if unknown:
            flag(
                "intervention-objectives",
                "error",
                f"Intervention {intervention.id} names unknown objectives {unknown}.",
                at,
            )
    if not plan.progress_monitoring.next_review_date:
        flag("review-date", "error", "No review date is scheduled.", "progress_monitoring")
    if not plan.discharge_criteria:
        flag("discharge-criteria", "error", "No discharge criteria.", "discharge_criteria")
    if plan.safety_plan is None and plan.risk_reported:
        flag("safety-plan", "error", "Risk was reported but the plan has no safety plan.", "safety_plan")
    for path, text in _texts(plan):
        if _PLACEHOLDER.search(text):
            flag("placeholder", "error", f"Unfilled placeholder in {path}: {_PLACEHOLDER.search(text).group(0)}", path)
    if library_ids:
        missing = [s for s in plan.source_ids() if s not in library_ids]
        if missing:
            flag("unknown-source", "error", f"Sources not in the library: {', '.join(missing)}", "sources")
    return sorted(flags, key=lambda f: f.severity != "error")


def _texts(plan: TreatmentPlan):
    yield "formulation", plan.formulation
    for g, goal in enumerate(plan.goals):
        yield f"goals[{g}]", goal.description
        for o, objective in enumerate(goal.objectives):
            yield f"goals[{g}].objectives[{o}]", objective.description
    for i, intervention in enumerate(plan.interventions):
        yield f"interventions[{i}]", intervention.description
