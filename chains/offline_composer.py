"""The offline composer: a plan written from retrieved library entries by rules, with no model.

It is deterministic and grounded: every goal, objective and intervention is a
library entry (cited by id) adapted with the client's specifics — dates from the start date and
review interval, baselines and targets from the measures, the client's own words, the session
frequency. Nothing about the client is invented; gaps are marked for the clinician.
"""

from __future__ import annotations

import re
from datetime import timedelta

from chains.retrieval import DraftInputs
from clinical.instruments import instrument
from clinical.plan import (
    GAP,
    Goal,
    Intervention,
    Objective,
    PlanSessions,
    ProgressMonitoring,
    SafetyPlan,
    TreatmentPlan,
)
from clinical.record import IntakeRecord, Measure, SectionId
from clinical.risk import RiskKind
from knowledge.index import LibraryIndex
from knowledge.loader import Library
from knowledge.models import Entry, Kind

DEFAULT_REVIEW_DAYS = 90
#: Cosine similarity below which a client quote is not put beside a goal.
CLIENT_WORDS_MIN_SIMILARITY = 0.2
_RELATIONS = re.compile(
    r"\b(?:sister|brother|mother|mom|father|dad|parent|partner|wife|husband|spouse|friend|kids|children|son|"
    r"daughter|aunt|uncle|grand\w*|cousin|roommate|pastor|priest|imam|rabbi|sponsor|neighbou?r|coach|teacher)s?\b",
    re.I,
)


def measure_target(measure: Measure) -> int:
    """The score that would mean the objective is met: the catalogue's target for the instrument (the top of its
    lowest band), never past the baseline; for an uncatalogued measure, a 20% reduction."""
    catalogued = instrument(measure.name)
    target = (
        catalogued.treatment_target(measure.score) if catalogued else min(round(measure.score * 0.8), measure.score)
    )
    return int(target)


class OfflineComposer:
    """Deterministic plan composition from retrieved library entries."""

    def __init__(self, library: Library, index: LibraryIndex):
        self.library = library
        self.index = index

    # -- scoring -------------------------------------------------------------------------------

    @staticmethod
    def _fit(entry: Entry, orientation: list[str]) -> int:
        """+2 for the chosen orientation, 0 for modality-neutral, -1 for another orientation only."""
        if not entry.modalities:
            return 0
        return 2 if set(entry.modalities) & set(orientation) else -1

    def _objective_score(self, entry: Entry, goal: Entry, rank: int, record: IntakeRecord) -> float:
        measures = {m.name for m in record.measures}
        score = -rank * 0.1 + self._fit(entry, record.orientation)
        if goal.id in entry.goals:
            score += 3
        if entry.measure and entry.measure in measures:
            score += 5  # a baseline from the intake makes the objective measurable from day one
        if ("{baseline}" in entry.text or "{target}" in entry.text) and entry.measure not in measures:
            score -= 6  # it would need a score the intake does not have
        return score

    # -- composing -----------------------------------------------------------------------------

    def compose(self, inputs: DraftInputs) -> TreatmentPlan:
        """Build the whole plan from the inputs (no I/O besides the in-memory index)."""
        record = inputs.record
        session = record.session
        interval = session.review_interval_days or DEFAULT_REVIEW_DAYS
        start = session.start_date or inputs.today
        measures = {m.name: m for m in record.measures}
        goals: list[Goal] = []
        interventions: list[Intervention] = []
        used: set[str] = set()
        goal_limit = 2 if len(inputs.areas) >= 4 else 3

        for area in inputs.areas[: max(goal_limit, 1) + (1 if record.risk.urgent_areas else 0)]:
            candidates = inputs.candidates.get(area, {})
            goal_entries = [e for e in candidates.get(Kind.GOAL, []) if e.id not in used]
            if not goal_entries:
                continue
            goal_entry = max(goal_entries, key=lambda e: (self._fit(e, record.orientation), -goal_entries.index(e)))
            used.add(goal_entry.id)
            goal_id = f"g{len(goals) + 1}"
            pool = [e for e in candidates.get(Kind.OBJECTIVE, []) if e.id not in used]
            pool += [
                e
                for e in self.library.of_kind(Kind.OBJECTIVE)
                if goal_entry.id in e.goals and e not in pool and e.id not in used
            ]
            ranked = sorted(pool, key=lambda e: -self._objective_score(e, goal_entry, pool.index(e), record))
            chosen = ranked[: 3 if len(inputs.areas) <= 2 else 2]
            objectives = []
            for n, entry in enumerate(chosen, start=1):
                used.add(entry.id)
                target_date = start + timedelta(days=interval * (1 if n == 1 else 2))
                objectives.append(
                    self._objective(f"{goal_id}-o{n}", entry, target_date, measures, session.frequency, interval)
                )
            goals.append(
                Goal(
                    id=goal_id,
                    description=goal_entry.text,
                    problem_area=area,
                    objectives=objectives,
                    sources=[goal_entry.id],
                )
            )
            interventions += self._interventions(
                goal_entry, objectives, candidates.get(Kind.INTERVENTION, []), record, used, len(interventions)
            )

        self._attach_client_words(goals, record)
        plan = TreatmentPlan(
            client=record.client,
            presenting_problem=self._presenting_problem(record),
            formulation=formulation(record, self.library),
            goals=goals,
            interventions=interventions,
            session_plan=PlanSessions(
                frequency=session.frequency,
                duration_minutes=session.duration_minutes,
                format=session.format,
                start_date=session.start_date,
                sessions=session.sessions,
            ),
            risk_reported=record.risk.calls_for_safety_plan,
            risk_kinds=[kind.value for kind in record.risk.reported_kinds],
            risk_assessed=record.risk.assessed,
            risk_not_assessed_reason=record.risk.not_assessed_reason or "",
            safety_plan=safety_plan(record) if record.risk.calls_for_safety_plan else None,
            progress_monitoring=ProgressMonitoring(
                measures=list(dict.fromkeys(m.name for m in record.measures)),
                review_interval_days=interval,
                next_review_date=start + timedelta(days=interval),
            ),
            discharge_criteria=discharge_criteria(goals, record),
        )
        return plan

    def _objective(self, objective_id, entry, target_date, measures, frequency, interval) -> Objective:
        measure = measures.get(entry.measure or "")
        values = {
            "target_date": target_date.isoformat(),
            "measure": entry.measure or "the agreed measure",
            "frequency": frequency or "weekly",
            "review_interval": f"{interval}-day",
            "baseline": measure.display_score if measure else "[baseline to be measured]",
            "target": str(measure_target(measure)) if measure else "[target to be agreed]",
        }
        text = re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), entry.text)
        return Objective(
            id=objective_id,
            description=text,
            measure=entry.measure,
            baseline=measure.display_score if measure else None,
            target=str(measure_target(measure)) if measure else None,
            target_date=target_date,
            sources=[entry.id],
        )

    def _interventions(self, goal_entry, objectives, candidates, record, used, offset) -> list[Intervention]:
        pool = [e for e in candidates if e.id not in used and e.category and e.category.value != "crisis-safety"]
        pool += [
            e for e in self.library.of_kind(Kind.INTERVENTION)
            if goal_entry.id in e.goals and e not in pool and e.id not in used and e.category.value != "crisis-safety"
        ]  # fmt: skip
        ranked = sorted(
            pool,
            key=lambda e: (
                -(self._fit(e, record.orientation) + (3 if goal_entry.id in e.goals else 0) - pool.index(e) * 0.1)
            ),
        )
        chosen: list[Entry] = []
        for entry in ranked:  # three per goal, no two of the same category
            if len(chosen) == 3:
                break
            if all(entry.category != c.category for c in chosen):
                chosen.append(entry)
        if record.risk.calls_for_safety_plan and goal_entry.problem_areas[0] in ("suicidality", "self-harm"):
            crisis = [e for e in candidates if e.category and e.category.value == "crisis-safety" and e.id not in used]
            chosen = crisis[:1] + chosen[:2] if crisis else chosen
        result = []
        for entry in chosen:
            used.add(entry.id)
            modality = next(
                (m for m in entry.modalities if m in record.orientation),
                entry.modalities[0] if entry.modalities else None,
            )
            result.append(
                Intervention(
                    id=f"i{offset + len(result) + 1}",
                    description=re.sub(r"\{[a-z_]+\}", lambda m: _fill_generic(m.group(0), record), entry.text),
                    modality=modality,
                    category=entry.category.value,
                    frequency=entry.frequency
                    or (f"{record.session.frequency} in session" if record.session.frequency else "each session"),
                    objective_ids=[o.id for o in objectives],
                    sources=[entry.id],
                )
            )
        return result

    def _attach_client_words(self, goals: list[Goal], record: IntakeRecord) -> None:
        """Put beside each goal the client's quote closest in meaning (quotes may serve several goals)."""
        if not record.client_words or not goals:
            return
        quotes = self.index.embeddings.encode(record.client_words)
        texts = self.index.embeddings.encode([g.description for g in goals])
        similarity = texts @ quotes.T
        for goal, row in zip(goals, similarity, strict=True):
            # Only a quote that is plausibly about this goal; otherwise lint asks the clinician for one.
            if row.max() >= CLIENT_WORDS_MIN_SIMILARITY:
                goal.client_words = record.client_words[int(row.argmax())]

    @staticmethod
    def _presenting_problem(record: IntakeRecord) -> str:
        parts = [record.sections.get(SectionId.PRESENTING_PROBLEM.value, "").strip()]
        symptoms = record.sections.get(SectionId.SYMPTOMS.value, "").strip()
        if symptoms:
            parts.append(f"Symptoms: {symptoms}")
        if record.measures:
            scores = ", ".join(
                f"{m.name} {m.display_score}" + (f" ({m.severity})" if m.severity else "") for m in record.measures
            )
            parts.append(f"Measures at intake: {scores}.")
        return "\n".join(p for p in parts if p) or f"{GAP} Presenting problem was not recorded in the intake."


def _fill_generic(placeholder: str, record: IntakeRecord) -> str:
    return {
        "{frequency}": record.session.frequency or "weekly",
        "{review_interval}": f"{record.session.review_interval_days or DEFAULT_REVIEW_DAYS}-day",
        "{measure}": record.measures[0].name if record.measures else "the agreed measure",
    }.get(placeholder, GAP)


# -- formulation, safety plan, discharge -------------------------------------------------------

_FORMULATIONS: dict[str, tuple[tuple[str, SectionId | None, str], ...]] = {
    "psychodynamic": (
        ("Presenting problem", SectionId.PRESENTING_PROBLEM, "what brings the client now"),
        ("Precipitants", None, "what happened just before the difficulties began or worsened"),
        ("Developmental history", SectionId.HISTORY, "early relationships, losses and formative experiences"),
        ("Core conflict", None, "the wish and fear in tension (a hypothesis to test in the work)"),
        ("Defenses", SectionId.DEFENSES_COPING, "characteristic defenses and what they protect against"),
        (
            "Relational pattern and likely transference",
            SectionId.RELATIONSHIPS,
            "the repeating pattern with others and how it may appear with the therapist",
        ),
        ("Strengths", SectionId.STRENGTHS, "capacities the treatment can build on"),
    ),
    "cbt": (
        ("Presenting problem", SectionId.PRESENTING_PROBLEM, "what brings the client now"),
        ("Symptoms and triggers", SectionId.SYMPTOMS, "situations, symptoms and their course"),
        ("Predisposing history", SectionId.HISTORY, "experiences that shaped core beliefs"),
        ("Core beliefs and key thoughts", None, "beliefs about self, others and the future"),
        (
            "Maintaining behaviors",
            SectionId.DEFENSES_COPING,
            "avoidance, safety behaviors and coping that keep it going",
        ),
        ("Strengths", SectionId.STRENGTHS, "resources for change"),
    ),
    "dbt": (
        ("Presenting problem", SectionId.PRESENTING_PROBLEM, "what brings the client now"),
        ("Target behaviors", SectionId.RISK, "life-threatening, therapy-interfering and quality-of-life behaviors"),
        ("Emotional vulnerability", SectionId.SYMPTOMS, "intensity, reactivity and slow return to baseline"),
        ("Invalidating environment", SectionId.HISTORY, "experiences of invalidation"),
        ("Skills deficits and coping", SectionId.DEFENSES_COPING, "what the client does now when overwhelmed"),
        ("Strengths", SectionId.STRENGTHS, "resources for change"),
    ),
    "act": (
        ("Presenting problem", SectionId.PRESENTING_PROBLEM, "what brings the client now"),
        ("Experiential avoidance", SectionId.DEFENSES_COPING, "what the client avoids feeling or thinking, and how"),
        ("Fusion", None, "thoughts and stories the client is caught up in"),
        ("Values", SectionId.CLIENT_GOALS, "what matters to the client"),
        ("Strengths", SectionId.STRENGTHS, "resources for change"),
    ),
}
_GENERIC_FORMULATION = (
    ("Presenting problem", SectionId.PRESENTING_PROBLEM, "what brings the client now"),
    ("Relevant history", SectionId.HISTORY, "history that helps explain the difficulties"),
    ("Relational context", SectionId.RELATIONSHIPS, "key relationships and patterns"),
    ("Coping", SectionId.DEFENSES_COPING, "how the client copes now"),
    ("Working hypothesis", None, "how these fit together, in the chosen orientation"),
    ("Strengths", SectionId.STRENGTHS, "resources for change"),
)


def formulation(record: IntakeRecord, library: Library) -> str:
    """A structured formulation in the first chosen orientation, using only the intake's words and marking gaps."""
    orientation = next((o for o in record.orientation if o in _FORMULATIONS), None)
    template = _FORMULATIONS.get(orientation, _GENERIC_FORMULATION)
    label = library.taxonomy.modality_label(orientation) if orientation else "Integrative"
    lines = [f"{label} formulation (from the intake; clinician to review and complete)"]
    for heading, section, prompt in template:
        text = record.sections.get(section.value, "").strip() if section else ""
        lines.append(f"{heading}: {text}" if text else f"{heading}: {GAP} {prompt}.")
    return "\n".join(lines)


def safety_plan(record: IntakeRecord) -> SafetyPlan:
    """Stanley–Brown steps filled only from the intake, with a prompt wherever the intake is silent."""
    risk = record.risk
    people = [p for p in risk.protective_factors if _RELATIONS.search(p)]
    other_protective = [p for p in risk.protective_factors if p not in people]
    means = []
    if risk.means:
        access = {True: "access reported", False: "no access reported", None: "access not assessed"}[risk.means_access]
        means.append(
            f"Means mentioned at intake: {', '.join(risk.means)} ({access}). Agree on removal or locked storage."
        )
    return SafetyPlan(
        warning_signs=[f"{GAP} Thoughts, moods or situations that signal a crisis is developing (ask the client)."],
        internal_coping=[f"{GAP} Things the client can do alone to take their mind off problems."]
        + [f"Reason for living named at intake: {p}" for p in other_protective],
        social_distraction=[f"{GAP} People and social settings that provide distraction."],
        people_to_ask_for_help=[f"Named at intake: {p}" for p in people]
        or [f"{GAP} People the client can ask for help, with phone numbers."],
        professionals_and_agencies=[
            "988 Suicide & Crisis Lifeline (US): call or text 988.",
            "Emergency services: 911, or the nearest emergency department.",
            f"{GAP} Treating clinician and after-hours contact.",
        ],
        means_safety=means or [f"{GAP} Ask about firearms, stockpiled medication and other means; plan safe storage."],
    )


def discharge_criteria(goals: list[Goal], record: IntakeRecord) -> list[str]:
    """Observable conditions for ending treatment, built from the plan's own objectives."""
    criteria = []
    for goal in goals:
        for objective in goal.objectives:
            if objective.measure and objective.target:
                criteria.append(f"{objective.measure} at or below {objective.target} at two consecutive reviews.")
    criteria = list(dict.fromkeys(criteria))
    criteria.append("Objectives met or revised by agreement, with the client reporting progress on their own goals.")
    if RiskKind.SUICIDE in record.risk.reported_kinds:
        criteria.append("No suicidal intent or plan for at least 8 weeks, with the safety plan reviewed and current.")
    criteria.append("A relapse-prevention plan is written and reviewed with the client before ending.")
    return criteria
