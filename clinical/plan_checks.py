"""Plan lint: the documentation standards a reviewer checks, applied to a plan before anyone signs it.

Errors are what an auditor would reject (an objective with no target date, an intervention with no
frequency, a missing safety plan when risk was reported); what is still to complete are the blanks a
draft leaves for the clinician (a "[to complete]", an empty safety-plan step, the start date); warnings
are what a supervisor would ask about (a goal without the client's words, no diagnosis). Errors and
blanks block signing.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping

from clinical.fit_check import fit_check
from clinical.plan import GAP_MARKERS, SAFETY_PLAN_STEPS, Flag, TreatmentPlan, safety_step_title
from clinical.risk import FINDING_KINDS, PLAN_ELEMENTS, RiskKind
from knowledge.pathways import default_pathways

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
        "raise",
        "voice",
        "break",
        "postpone",
        "explain",
        "decide",
        "reintroduce",
        "gain",
        "work",
        "meet",
        "trace",
        "approach",
        "pause",
        "step",
        "manage",
        "turn",
        "call",
        "restore",
        "arrange",
        "move",
        "delay",
        "undertake",
        "obtain",
        "improve",
        "talk",
        "generate",
        "receive",
        "get",
        "leave",
        "adopt",
    ]
)
_MEASURABLE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|at least|at most|weekly|daily|each|every|"
    r"per|percent|rating|score|times|complete|completed|written|all|no more than|fewer than|consecutive)\b",
    re.I,
)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def lint(plan: TreatmentPlan, library_ids: Container[str] = ()) -> list[Flag]:
    """Every finding for a plan: errors first, then what is still to complete, then warnings."""
    flags: list[Flag] = []

    def flag(code: str, severity: str, message: str, path: str = "") -> None:
        flags.append(Flag(code=code, severity=severity, message=message, path=path))

    if not plan.goals:
        flag("no-goals", "error", "The plan has no goals.", "goals")
    for g, goal in enumerate(plan.goals):
        where = f"goals[{g}]"
        if not goal.client_words:
            flag("goal-client-words", "warning", f"Goal {g + 1} has no words from the client beside it.", where)
        if not goal.objectives:
            flag("goal-no-objectives", "error", f"Goal {g + 1} has no objectives.", where)
        for o, objective in enumerate(goal.objectives):
            at = f"{where}.objectives[{o}]"
            name = f"Objective {g + 1}.{o + 1}"
            text = objective.description
            if objective.target_date is None:
                flag("objective-target-date", "error", f"{name} has no target date.", at)
            if not (_MEASURABLE.search(text) or objective.target):
                flag("objective-measurable", "error", f"{name} has no measurable criterion.", at)
            first = re.sub(r"[^a-z]", "", text.split(maxsplit=1)[0].lower()) if text.strip() else ""
            if first not in _ACTION_VERBS:
                flag("objective-action-verb", "warning", f"{name} does not start with an action verb.", at)
    objective_ids = {o.id for o in plan.objectives()}
    for i, intervention in enumerate(plan.interventions):
        at = f"interventions[{i}]"
        if not intervention.frequency:
            flag("intervention-frequency", "error", f"Intervention {i + 1} has no frequency.", at)
        unknown = [o for o in intervention.objective_ids if o not in objective_ids]
        if unknown:
            flag(
                "intervention-objectives",
                "error",
                f"Intervention {i + 1} serves objectives no longer in the plan ({', '.join(unknown)}).",
                at,
            )
    if not plan.progress_monitoring.next_review_date:
        flag("review-date", "error", "No review date is scheduled.", "progress_monitoring")
    if not plan.discharge_criteria:
        flag("discharge-criteria", "error", "No discharge criteria.", "discharge_criteria")
    if plan.safety_plan is None and plan.risk_reported:
        flag("safety-plan", "error", "Risk was reported but the plan has no safety plan.", "safety_plan")
    if not plan.risk_assessed and not plan.risk_not_assessed_reason.strip():
        flag(
            "risk-not-assessed",
            "incomplete",
            "Risk was not assessed at intake. Assess it (and update the intake), or record why it was not assessed.",
            "risk_not_assessed_reason",
        )
    for kind in plan.risk_kinds:
        # The Stanley–Brown plan covers the others; a plan drafted from a case picture has its elements checked by
        # the clinical-fit check instead.
        if kind in FINDING_KINDS and plan.case is None and kind not in {e.kind for e in plan.safety_elements}:
            needs = PLAN_ELEMENTS[RiskKind(kind)]
            flag(
                "risk-element",
                "warning",
                f"The intake reported {RiskKind(kind).label}: the plan needs {needs.element[0].lower()}"
                f"{needs.element[1:]} ({needs.source})",
                "risk_kinds",
            )
    for d, diagnosis in enumerate(plan.diagnoses):
        if not diagnosis.code_well_formed:
            flag(
                "diagnosis-code",
                "error",
                f"“{diagnosis.icd10}” is not an ICD-10-CM code (a letter, two digits or letters, then optionally a "
                "point and up to four more, e.g. F32.1).",
                f"diagnoses[{d}]",
            )
    for path, label, text in _texts(plan):
        if match := _PLACEHOLDER.search(text):
            flag("placeholder", "error", f"{label} has an unfilled placeholder {match.group(0)}.", path)
        for line in text.splitlines() or [text]:
            if GAP_MARKERS.search(line):  # one finding per blank line, so a formulation lists each heading left
                flag("to-complete", "incomplete", f"{label}: {_gap_context(line)}", path)
    if plan.safety_plan is not None:
        for step in SAFETY_PLAN_STEPS:
            if not [item for item in getattr(plan.safety_plan, step) if item.strip()]:
                flag(
                    "safety-step",
                    "incomplete",
                    f"Safety plan {safety_step_title(step)}: nothing written yet; complete it with the client.",
                    f"safety_plan.{step}",
                )
    if plan.session_plan.start_date is None:
        flag("start-date", "incomplete", "The plan has no start date.", "session_plan.start_date")
    if not plan.diagnoses:
        flag("diagnosis", "warning", "No diagnosis is recorded (label and ICD-10-CM code).", "diagnoses")
    if library_ids:
        missing = [s for s in plan.source_ids() if s not in library_ids]
        if missing:
            flag("unknown-source", "error", f"Sources not in the library: {', '.join(missing)}", "sources")
    if isinstance(library_ids, Mapping):  # the entries themselves: the plan can be checked against its case
        fit_check(plan, library_ids, default_pathways(), flag)
    order = {"error": 0, "incomplete": 1, "warning": 2}
    return sorted(flags, key=lambda f: order[f.severity])


def _gap_context(line: str) -> str:
    """What is still blank, in the line's own words: its label ("Precipitants"), else the prompt beside the gap."""
    head, colon, _ = line.partition(":")
    if colon and not GAP_MARKERS.search(head) and len(head) <= 60:
        return f"complete “{head.strip()}”"
    cleaned = " ".join(GAP_MARKERS.sub("", line).split()).strip(" .")
    if not cleaned:
        return "complete the blank"
    return f"complete “{cleaned[:80]}{'…' if len(cleaned) > 80 else ''}”"


def _texts(plan: TreatmentPlan) -> Iterator[tuple[str, str, str]]:
    """(path, label, text) of every free text a composer can leave a blank or placeholder in."""
    yield "presenting_problem", "Presenting problem", plan.presenting_problem
    yield "formulation", "Formulation", plan.formulation
    for g, goal in enumerate(plan.goals):
        yield f"goals[{g}]", f"Goal {g + 1}", goal.description
        for o, objective in enumerate(goal.objectives):
            name = f"Objective {g + 1}.{o + 1}"
            for text in (objective.description, objective.measure, objective.baseline, objective.target):
                if text:
                    yield f"goals[{g}].objectives[{o}]", name, text
    for i, intervention in enumerate(plan.interventions):
        for text in (intervention.description, intervention.frequency):
            if text:
                yield f"interventions[{i}]", f"Intervention {i + 1}", text
    if plan.safety_plan is not None:
        for step in SAFETY_PLAN_STEPS:
            for item in getattr(plan.safety_plan, step):
                yield f"safety_plan.{step}", f"Safety plan {safety_step_title(step)}", item
    for criterion in plan.discharge_criteria:
        yield "discharge_criteria", "Discharge criteria", criterion
