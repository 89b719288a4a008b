"""Treatment plans as a durable, versioned service, and the edits a clinician makes to a plan.

Every save appends a version (nothing is overwritten); a finalized version is read-only, and revising
it starts a new draft. Lint runs on every save, so the flags stored with a version are always current.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, datetime

from chains.lint import lint
from knowledge.models import Entry, Kind
from records.plan import (
    GAP,
    SAFETY_PLAN_STEPS,
    Flag,
    Goal,
    Intervention,
    Objective,
    Signature,
    TreatmentPlan,
    safety_step_title,
)
from records.store import PlanVersion, RecordStore, StoreError

#: Fields that change with every save and say nothing about the plan's content.
_BOOKKEEPING = {"version", "created_at", "flags"}


class PlanLocked(StoreError):
    """The plan's latest version is final; revise it to start a new draft."""


class PlanUnfinished(StoreError):
    """The plan still has errors or blanks; `blockers` lists each, with where it is."""

    def __init__(self, blockers: list[Flag]):
        self.blockers = blockers
        super().__init__(
            f"Complete {len(blockers)} item{'s' if len(blockers) != 1 else ''} before signing: "
            + " ".join(f.message for f in blockers)
        )


def blockers(plan: TreatmentPlan, library_ids: Container[str] = ()) -> list[Flag]:
    """What stands between this plan and a signature: plan-check errors and blanks still to complete."""
    return [f for f in lint(plan, library_ids) if f.blocks_signing]


@dataclass
class PlanService:
    """Load, save, finalize and compare versions of a client's plan for one clinician (`owner`)."""

    store: RecordStore
    library_ids: Container[str] = field(default_factory=frozenset)
    owner: str = ""

    def _check(self, client_id: str) -> None:
        if self.store.client(client_id, self.owner) is None:
            raise StoreError("That client no longer exists.")

    def history(self, client_id: str) -> list[PlanVersion]:
        """Every version, newest first."""
        self._check(client_id)
        return self.store.plan_versions(client_id)

    def load(self, client_id: str, version: int | None = None) -> TreatmentPlan | None:
        """A version of the plan (the latest by default), or None if there is none."""
        self._check(client_id)
        stored = self.store.plan_json(client_id, version)
        return TreatmentPlan.model_validate_json(stored) if stored else None

    def _append(
        self, client_id: str, plan: TreatmentPlan, summary: str, expected: int | None, action: str
    ) -> TreatmentPlan:
        plan = plan.model_copy(update={"flags": lint(plan, self.library_ids), "created_at": datetime.now(UTC)})
        version = self.store.add_plan_version(
            client_id,
            lambda number: plan.model_copy(update={"version": number}).model_dump_json(),
            plan.status,
            summary,
            expected,
            action,
            self.owner,
        )
        return plan.model_copy(update={"version": version})

    def save_draft(self, client_id: str, plan: TreatmentPlan, summary: str) -> TreatmentPlan:
        """Store a freshly composed draft as the next version (a redraft never needs the old one)."""
        self._check(client_id)
        latest = self.store.plan_versions(client_id)
        plan = plan.model_copy(update={"status": "draft", "signature": None})
        return self._append(client_id, plan, summary, latest[0].version if latest else None, "plan.draft")

    def save(self, client_id: str, plan: TreatmentPlan, summary: str) -> TreatmentPlan:
        """Save an edit of `plan` (which carries the version it was edited from) as the next version.

        Unchanged content saves nothing. Refuses to edit a final version (see `revise`) and refuses when
        someone else saved since `plan.version` was loaded.
        """
        self._check(client_id)
        base = self.load(client_id, plan.version)
        if base is None:
            raise StoreError("There is no saved plan to edit; draft one first.")
        if base.status == "final":
            raise PlanLocked("This version is final and read-only. Revise it to start a new version.")
        if _content(base) == _content(plan):
            return base
        return self._append(client_id, plan.model_copy(update={"status": "draft"}), summary, plan.version, "plan.edit")

    def revise(self, client_id: str, version: int) -> TreatmentPlan:
        """Start a new draft from a final version; the signature does not carry over."""
        self._check(client_id)
        base = self.load(client_id, version)
        if base is None:
            raise StoreError("There is no saved plan to revise.")
        draft = base.model_copy(update={"status": "draft", "signature": None})
        return self._append(client_id, draft, f"Revision of final version {version}", version, "plan.revise")

    def finalize(self, client_id: str, plan: TreatmentPlan, signature: Signature) -> TreatmentPlan:
        """Sign the plan: no plan-check error and nothing left to complete (`PlanUnfinished` lists what is), and
        the clinician named."""
        self._check(client_id)
        if not signature.clinician_name.strip() or not signature.credentials.strip():
            raise StoreError("Enter the clinician's name and credentials to finalize.")
        if not signature.client_participated:
            raise StoreError("Confirm that the client took part in developing this plan before finalizing.")
        unfinished = blockers(plan, self.library_ids)
        if unfinished:
            raise PlanUnfinished(unfinished)
        base = self.load(client_id, plan.version)
        if base is not None and base.status == "final":
            raise PlanLocked("This version is already final.")
        final = plan.model_copy(update={"status": "final", "signature": signature})
        summary = f"Finalized by {signature.clinician_name.strip()}"
        return self._append(client_id, final, summary, plan.version, "plan.finalize")

    def export(self, client_id: str, plan: TreatmentPlan, fmt: str) -> None:
        """Log that a version was exported (the file itself is made by `exports.render`)."""
        self.store.record_event(self.owner, "plan.export", client_id, {"version": plan.version, "format": fmt})

    def diff(self, client_id: str, older: int, newer: int) -> list[Change]:
        """What changed between two versions, sentence by sentence, grouped by the part of the plan it is in."""
        a, b = self.load(client_id, older), self.load(client_id, newer)
        if a is None or b is None:
            raise StoreError("Pick two saved versions to compare.")
        return changes(a, b)


@dataclass(frozen=True)
class Change:
    """What changed in one part of a plan between two versions: the sentences removed and those added."""

    where: str
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


def _content(plan: TreatmentPlan) -> dict:
    return plan.model_dump(mode="json", exclude=_BOOKKEEPING)


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


# -- edits ----------------------------------------------------------------------------------------
# Pure functions: each returns a new plan. Ids stay stable; new items get the next free id.


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
    raise StoreError(f"A {entry.kind.value} entry cannot be added to a plan.")
