"""Comparing two versions of a plan: what changed in each part, sentence by sentence."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from clinical.plan import SAFETY_PLAN_STEPS, TreatmentPlan, safety_step_title


@dataclass(frozen=True)
class Change:
    """What changed in one part of a plan between two versions: the sentences removed and those added."""

    where: str
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(\[])|\n+")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _details(pairs: tuple[tuple[str, object], ...]) -> str:
    """'Measure PHQ-9; baseline 14; by 2027-03-07' from the pairs that have a value."""
    return "; ".join(f"{label} {value}" for label, value in pairs if value).capitalize()


def outline(plan: TreatmentPlan) -> list[tuple[str, str]]:
    """The plan as (where, sentence) pairs in reading order, for comparing versions sentence by sentence."""
    lines: list[tuple[str, str]] = [("Status", plan.status)]
    lines += [("Presenting problem", s) for s in _sentences(plan.presenting_problem)]
    lines += [("Formulation", s) for s in _sentences(plan.formulation)]
    lines += [("Diagnoses", d.display()) for d in plan.diagnoses]
    for g, goal in enumerate(plan.goals, start=1):
        where = f"Goal {g}"
        lines += [(where, s) for s in _sentences(goal.description)]
        lines.append((where, f"Problem area: {goal.problem_area}"))
        if goal.client_words:
            lines.append((where, f"In the client's words: “{goal.client_words}”"))
        for o, objective in enumerate(goal.objectives, start=1):
            where = f"Objective {g}.{o}"
            lines += [(where, s) for s in _sentences(objective.description)]
            details = (
                ("measure", objective.measure),
                ("baseline", objective.baseline),
                ("target", objective.target),
                ("by", objective.target_date),
                ("status", objective.status),
            )
            lines.append((where, _details(details)))
    for i, intervention in enumerate(plan.interventions, start=1):
        where = f"Intervention {i}"
        lines += [(where, s) for s in _sentences(intervention.description)]
        served = ", ".join(plan.number_of(o) for o in intervention.objective_ids) or "the whole plan"
        lines.append((where, f"{intervention.frequency or 'No frequency'}; serves {served}"))
    s = plan.session_plan
    sessions = (
        ("frequency", s.frequency),
        ("minutes", s.duration_minutes),
        ("format", s.format),
        ("start", s.start_date),
        ("planned sessions", s.sessions),
    )
    lines.append(("Sessions", _details(sessions) or "Not set"))
    if plan.safety_plan:
        for step in SAFETY_PLAN_STEPS:
            lines += [(f"Safety plan, {safety_step_title(step)}", item) for item in getattr(plan.safety_plan, step)]
    pm = plan.progress_monitoring
    lines.append(
        (
            "Progress monitoring",
            f"Review every {pm.review_interval_days or '-'} days, next {pm.next_review_date or '-'}",
        )
    )
    lines += [("Progress monitoring", f"Measure: {m}") for m in pm.measures]
    lines += [("Discharge criteria", c) for c in plan.discharge_criteria]
    if plan.signature:
        sig = plan.signature
        lines.append(("Signature", f"Signed by {sig.clinician_name}, {sig.credentials} on {sig.signed_on}"))
    return lines


def changes(older: TreatmentPlan, newer: TreatmentPlan) -> list[Change]:
    """The sentences removed from and added to each part of the plan, in reading order."""
    a, b = outline(older), outline(newer)
    found: list[Change] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        places = list(dict.fromkeys([where for where, _ in b[j1:j2]] + [where for where, _ in a[i1:i2]]))
        for where in places:
            removed = tuple(text for w, text in a[i1:i2] if w == where)
            added = tuple(text for w, text in b[j1:j2] if w == where)
            if found and found[-1].where == where:  # one part's changes stay together
                last = found.pop()
                removed, added = last.removed + removed, last.added + added
            found.append(Change(where, removed, added))
    return found
