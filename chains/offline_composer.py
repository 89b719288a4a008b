"""The offline composer: a plan written from retrieved library entries by rules, with no model.

It plans within the case picture's pathways: the goals each pathway requires, then the best-fitting goals for its
problem areas; objectives that track every administered instrument that fits (baseline → a catalogue target) and
recommend the pathway's instruments not given; interventions mostly in the primary orientation; the safety element
of each reported kind; the pathway's referrals and those the intake names; what lies outside the plan said at the
top. Every item is a library entry (cited by id) the case neither contraindicates nor fails to establish; nothing
about the client is invented; gaps are marked for the clinician.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from chains.retrieval import DraftInputs
from clinical.case import CasePicture, latest_measures, sentences
from clinical.fit_check import INTAKE_QUOTE, minimum_days
from clinical.instruments import MEASURED_AREAS, instrument
from clinical.plan import (
    GAP,
    Goal,
    Intervention,
    Objective,
    PlanSessions,
    ProgressMonitoring,
    Referral,
    SafetyElement,
    SafetyPlan,
    SafetyStep,
    TreatmentPlan,
)
from clinical.record import IntakeRecord, Measure, SectionId
from clinical.risk import RiskKind
from knowledge.index import LibraryIndex
from knowledge.loader import Library
from knowledge.models import Category, Entry, Kind
from knowledge.pathways import Pathway, Pathways

DEFAULT_REVIEW_DAYS = 90
#: Cosine similarity a client quote needs to be put beside a goal (all-MiniLM-L6-v2 scores short related sentences
#: around 0.3–0.6 and unrelated ones below 0.2); below it the quote is kept once under the client's goals.
CLIENT_WORDS_MIN_SIMILARITY = 0.3
#: Goals in a first plan, at most.
MAX_GOALS = 5
#: Lethal-means counselling (the library's entry), drafted whenever the client holds means.
MEANS_SAFETY = "cross-cutting-int-means-safety"
#: The modality an intervention written for any approach is shown with.
COMMON_FACTORS = "common-factors"
MEASURE_ENTRIES = {"improve": ("mbc-obj-reduce-score", "mbc-obj-increase-score"), "maintain": "mbc-obj-maintain-score"}
_RELATIONS = re.compile(
    r"\b(?:sister|brother|mother|mom|mum|father|dad|parent|partner|wife|husband|spouse|friend|kids|children|son|"
    r"daughter|aunt|uncle|grand\w*|cousin|roommate|flatmate|pastor|priest|imam|rabbi|sponsor|neighbou?r|coach|"
    r"teacher)s?\b",
    re.I,
)
_DEAD = re.compile(r"\b(?:late|died|deceased|passed away|passed|death|dead|memory of|lost)\b", re.I)
_PRECIPITANT = re.compile(
    r"\b(?:since|after|following|began|started|triggered|precipitated|onset|worse(?:ned)? (?:after|since)|"
    r"ago|last (?:year|month|week|spring|summer|autumn|fall|winter)|in (?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december))\b",
    re.I,
)


_HOW_MEASURED: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b0\s*[–-]\s*10{1,2}\b|\brat(?:e|es|ed|ing|ings)\b", re.I), "client's rating, recorded each session"),
    (
        re.compile(
            r"\b(?:per|a|each|every) (?:week|day|night|fortnight|month)\b|\b(?:weekly|daily|nightly)\b|\b\d+ (?:of|"
            r"out of)\b|"
            r"\b(?:times|episodes|occasions|days|nights|sessions|meals)\b",
            re.I,
        ),
        "count from the client's log or diary, reviewed each session",
    ),
    (
        re.compile(r"\b(?:write|written|list|complete|completed|draw up|map)\b", re.I),
        "written record, completed (yes/no)",
    ),
    (re.compile(r"\battend\w*\b", re.I), "attendance record"),
)


def how_measured(text: str) -> str | None:
    """How an objective without an instrument is measured, read from its own wording (a rating, a count from a
    log, a written record, attendance); None when it names no such criterion."""
    return next((label for pattern, label in _HOW_MEASURED if pattern.search(text)), None)


def measure_target(measure: Measure) -> int | float:
    """The score an objective on this measure aims for (the catalogue's rule; for an uncatalogued measure a 20 %
    improvement)."""
    catalogued = instrument(measure.name)
    if catalogued is None:
        return round(measure.score * 0.8)
    target, _ = catalogued.objective_target(measure.score)
    return int(target) if float(target).is_integer() else target


def feasible_date(start: date, text: str, cycles: int, interval: int) -> date:
    """A target date `cycles` review intervals after the start, pushed later when the objective's wording needs
    longer (a week after the period it names has passed)."""
    needed = minimum_days(text)
    days = interval * cycles
    if needed:
        days = max(days, needed + 7)
    return start + timedelta(days=days)


class OfflineComposer:
    """Deterministic plan composition from retrieved library entries, within the case's pathways."""

    def __init__(self, library: Library, index: LibraryIndex):
        self.library = library
        self.index = index

    # -- scoring -------------------------------------------------------------------------------

    @staticmethod
    def _fit(entry: Entry, case: CasePicture) -> float:
        """+3 for the primary orientation, +1.5 for another chosen one, +0.5 modality-neutral, -1 otherwise."""
        if not entry.modalities:
            return 0.5
        if case.primary_orientation in entry.modalities:
            return 3
        return 1.5 if set(entry.modalities) & set(case.orientation) else -1

    def _objective_score(self, entry: Entry, goal: Entry, rank: int, inputs: DraftInputs) -> float:
        score = -rank * 0.1 + self._fit(entry, inputs.case)
        if goal.id in entry.goals:
            score += 3
        if entry.measure and entry.measure in inputs.case.administered and _fits(entry.measure, goal):
            score += 5  # a baseline from the intake makes the objective measurable from day one
        return score

    def _trackable(self, entry: Entry, inputs: DraftInputs) -> bool:
        """An objective that needs a score can be drafted only when the instrument was given (else it is
        recommended, never tracked as if it had a baseline)."""
        if entry.measure and entry.measure not in inputs.case.administered:
            return False  # it would track an instrument with no baseline
        if "{baseline}" in entry.text or "{target}" in entry.text:
            if not entry.measure or entry.measure not in inputs.case.administered:
                return False
            catalogued = instrument(entry.measure)
            if catalogued is not None and not catalogued.tracks_change:
                return False
            mode = self._mode(entry.measure, inputs)
            wording = entry.text.lower()
            if mode == "maintain" and re.search(r"\b(?:reduce|lower|decrease|increase|raise|improve)\b", wording):
                return False  # an already healthy score gets the maintenance objective, not a reduction
        return True

    @staticmethod
    def _mode(name: str, inputs: DraftInputs) -> str:
        catalogued = instrument(name)
        if catalogued is None:
            return "improve"
        return catalogued.objective_target(inputs.case.administered[name])[1]

    # -- composing -----------------------------------------------------------------------------

    def compose(self, inputs: DraftInputs) -> TreatmentPlan:
        """Build the whole plan from the inputs (no I/O besides the in-memory index)."""
        record, case = inputs.record, inputs.case
        session = record.session
        interval = session.review_interval_days or DEFAULT_REVIEW_DAYS
        start = session.start_date or inputs.today
        measures = latest_measures(record.measures)
        goals: list[Goal] = []
        interventions: list[Intervention] = []
        used: set[str] = set()
        tracked: set[str] = set()
        placed: set[str] = set()

        for area, goal_entry, pathway in self._goal_plan(inputs, used):
            goal_id = f"g{len(goals) + 1}"
            chosen = self._objectives(goal_entry, area, pathway, inputs, used, tracked)
            objectives = []
            for n, entry in enumerate(chosen, start=1):
                used.add(entry.id)
                objective = self._objective(f"{goal_id}-o{n}", entry, start, n, interval, measures, session.frequency)
                objectives.append(objective)
                if objective.measure:
                    tracked.add(objective.measure)
            for name in self._instruments_for(pathway, area, inputs, tracked):
                if len(objectives) >= 4:
                    dropped = objectives.pop()  # a measured objective replaces the last of four
                    tracked.discard(dropped.measure or "")
                n = len(objectives) + 1
                objectives.append(self._measure_objective(f"{goal_id}-o{n}", name, measures[name], start, interval))
                tracked.add(name)
            if not objectives:
                continue  # nothing measurable the case allows under this goal: leave it out rather than hollow
            goals.append(
                Goal(
                    id=goal_id,
                    description=goal_entry.text,
                    problem_area=area,
                    objectives=objectives,
                    sources=[goal_entry.id],
                )
            )
            required = []
            if pathway is not None and pathway.id not in placed:  # under the pathway's first goal
                placed.add(pathway.id)
                required = self._required_interventions(pathway, inputs, used)
            for entry in required:
                interventions.append(self._intervention(entry, objectives, inputs, used, len(interventions) + 1))
            interventions += self._interventions(
                goal_entry, area, objectives, inputs, used, len(interventions), crisis_room=2 - len(required)
            )
        for pathway in inputs.pathways:  # pathways with no goal of their own: their work serves the whole plan
            if pathway.id not in placed:
                for entry in self._required_interventions(pathway, inputs, used):
                    interventions.append(self._intervention(entry, [], inputs, used, len(interventions) + 1))
        for name in self._left_over(inputs, tracked):  # general measures go under the first goal not about safety
            goal = next((g for g in goals if g.problem_area not in _SAFETY_AREAS), goals[0] if goals else None)
            if goal is not None and len(goal.objectives) < 4:
                n = len(goal.objectives) + 1
                goal.objectives.append(
                    self._measure_objective(f"{goal.id}-o{n}", name, measures[name], start, interval)
                )
                tracked.add(name)
        interventions = self._orientation_share(interventions, goals, inputs, used)
        if not record.risk.assessed:
            interventions += self._risk_assessment(len(interventions), used)
        safety_needed = record.risk.calls_for_safety_plan  # Stanley–Brown: suicide, self-harm, commands to die
        if case.client_means and not safety_needed and MEANS_SAFETY not in used:
            # Means the client holds are counselled on even without reported suicidal thoughts (cognitive change,
            # alcohol, a family history): the intake's own words about them go with it.
            entry = self.library.by_id[MEANS_SAFETY]
            agreed = " ".join(f"Intake: “{s}”" for s in means_sentences(record))
            item = self._intervention(entry, [], inputs, used, len(interventions) + 1)
            interventions.append(item.model_copy(update={"description": f"{item.description} {agreed}".strip()}))

        client_goals = self._attach_client_words(goals, record)
        recommended = self._recommended(inputs)
        plan = TreatmentPlan(
            client=record.client,
            presenting_problem=self._presenting_problem(record),
            formulation=formulation(record, self.library),
            goals=goals,
            interventions=interventions,
            session_plan=PlanSessions(
                frequency=session.frequency,
                duration_minutes=session.duration_minutes,
                format=session.format or ("in person" if case.has_constraint("in-person-only") else None),
                start_date=session.start_date,
                sessions=session.sessions,
            ),
            risk_reported=safety_needed,
            risk_kinds=[kind.value for kind in record.risk.reported_kinds],
            risk_assessed=record.risk.assessed,
            risk_not_assessed_reason=record.risk.not_assessed_reason or "",
            safety_plan=safety_plan(record) if safety_needed else None,
            safety_elements=safety_elements(inputs),
            referrals=referrals(inputs),
            scope_notes=scope_notes(inputs),
            pathways=[p.label for p in inputs.pathways],
            client_goals=client_goals,
            constraints=[c.quote for c in case.constraints],
            case=case,
            progress_monitoring=ProgressMonitoring(
                measures=list(dict.fromkeys([*(m.name for m in record.measures), *recommended_names(inputs)])),
                recommended=recommended,
                review_interval_days=interval,
                next_review_date=start + timedelta(days=interval),
            ),
            discharge_criteria=discharge_criteria(goals, record),
        )
        return plan

    def _goal_plan(self, inputs: DraftInputs, used: set[str]) -> list[tuple[str, Entry, Pathway | None]]:
        """(area, goal entry, pathway) for each goal: each pathway's required goals (that the case allows), else
        the best-fitting retrieved goal in its areas; then the intake's leading areas no pathway covered."""
        plan: list[tuple[str, Entry, Pathway | None]] = []
        covered: set[str] = set()
        by_id = self.library.by_id
        for pathway in inputs.pathways:
            if not pathway.areas:
                continue
            picked = 0
            required = (
                inputs.library_pathways.required_goals(pathway, inputs.case.holds) if inputs.library_pathways else []
            )
            for goal_id in required:  # required goals are never left out for want of room
                entry = by_id[goal_id]
                if entry.id not in used and inputs.allowed(entry):
                    used.add(entry.id)
                    plan.append((entry.problem_areas[0], entry, pathway))
                    picked += 1
            if not picked and len(plan) < MAX_GOALS:
                for area in pathway.areas:
                    if (entry := self._best_goal(area, inputs, used)) is not None:
                        used.add(entry.id)
                        plan.append((area, entry, pathway))
                        break
            covered.update(pathway.areas)
        for area in inputs.areas:
            if len(plan) >= max(4, len(inputs.pathways)) or area in covered:
                continue
            if (entry := self._best_goal(area, inputs, used)) is not None:
                used.add(entry.id)
                plan.append((area, entry, None))
                covered.add(area)
        return plan

    def _best_goal(self, area: str, inputs: DraftInputs, used: set[str]) -> Entry | None:
        pool = [
            e
            for e in inputs.candidates.get(area, {}).get(Kind.GOAL, [])
            if e.id not in used and not e.id.startswith("mbc-")
        ]
        if not pool:
            return None
        # The area's own goals before the general ones every area shares (engagement, maintaining gains).
        return max(
            pool,
            key=lambda e: (self._fit(e, inputs.case) + (0.75 if e.problem_areas[0] == area else 0), -pool.index(e)),
        )

    def _objectives(
        self, goal: Entry, area: str, pathway: Pathway | None, inputs: DraftInputs, used, tracked
    ) -> list[Entry]:
        pool = [e for e in inputs.candidates.get(area, {}).get(Kind.OBJECTIVE, []) if e.id not in used]
        pool += [
            e
            for e in self.library.of_kind(Kind.OBJECTIVE)
            if goal.id in e.goals and e not in pool and e.id not in used and inputs.allowed(e)
        ]
        pool = [e for e in pool if self._trackable(e, inputs) and not e.id.startswith("mbc-")]
        ranked = sorted(pool, key=lambda e: -self._objective_score(e, goal, pool.index(e), inputs))
        chosen: list[Entry] = []
        for entry in ranked:  # two or three per goal, never two on the same instrument
            if len(chosen) == (3 if len(inputs.pathways) <= 2 else 2):
                break
            if entry.measure and (entry.measure in tracked or any(c.measure == entry.measure for c in chosen)):
                continue  # one objective per instrument in the whole plan
            chosen.append(entry)
        return chosen

    @staticmethod
    def _instruments_for(pathway: Pathway | None, area: str, inputs: DraftInputs, tracked: set[str]) -> list[str]:
        """Administered instruments that fit this goal (its pathway names them, or they measure its area) and that
        no objective tracks yet; at most two."""
        names = [
            *(
                n
                for n in (pathway.instruments if pathway else ())
                if n not in MEASURED_AREAS or area in MEASURED_AREAS[n]
            ),
            *(n for n, a in MEASURED_AREAS.items() if area in a),
        ]
        fitting = []
        for name in dict.fromkeys(names):
            catalogued = instrument(name)
            if (
                name in inputs.case.administered
                and name not in tracked
                and (catalogued is None or catalogued.tracks_change)
            ):
                fitting.append(name)
        return fitting[:2]

    @staticmethod
    def _left_over(inputs: DraftInputs, tracked: set[str]) -> list[str]:
        """Administered instruments of general distress or functioning that no objective tracks yet."""
        return [
            name
            for name in inputs.case.administered
            if name not in tracked
            and "*" in MEASURED_AREAS.get(name, ())
            and (instrument(name) is None or instrument(name).tracks_change)
        ]

    def _objective(self, objective_id, entry, start, position, interval, measures, frequency) -> Objective:
        # Only an objective written around a score tracks the instrument; "complete the questionnaires" does not.
        measure = measures.get(entry.measure or "") if "{baseline}" in entry.text else None
        target = measure_target(measure) if measure else None
        values = {
            "measure": entry.measure or "the agreed measure",
            "frequency": frequency or "weekly",
            "review_interval": f"{interval}-day",
            "baseline": measure.display_score if measure else "[baseline to be measured]",
            "target": f"{target:g}" if target is not None else "[target to be agreed]",
        }
        target_date = feasible_date(start, entry.text, 1 if position == 1 else 2, interval)
        values["target_date"] = target_date.isoformat()
        text = re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), entry.text)
        return Objective(
            id=objective_id,
            description=text,
            measure=entry.measure if measure else how_measured(text),
            baseline=measure.display_score if measure else None,
            target=f"{target:g}" if target is not None else None,
            target_date=target_date,
            sources=[entry.id],
        )

    def _measure_objective(
        self, objective_id: str, name: str, measure: Measure, start: date, interval: int
    ) -> Objective:
        catalogued = instrument(name)
        target, mode = (
            catalogued.objective_target(measure.score) if catalogued else (measure_target(measure), "improve")
        )
        if mode == "maintain":
            entry_id = MEASURE_ENTRIES["maintain"]
        else:
            entry_id = MEASURE_ENTRIES["improve"][1 if catalogued and catalogued.higher_is_better else 0]
        entry = self.library.by_id[entry_id]
        shown = f"{target:g}"
        target_date = feasible_date(start, entry.text, 2, interval)
        values = {
            "measure": name,
            "baseline": measure.display_score,
            "target": shown,
            "target_date": target_date.isoformat(),
        }
        text = re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), entry.text)
        return Objective(
            id=objective_id,
            description=text,
            measure=name,
            baseline=measure.display_score,
            target=shown,
            target_date=target_date,
            sources=[entry.id],
        )

    def _interventions(
        self, goal_entry, area, objectives, inputs: DraftInputs, used, offset, crisis_room: int = 2
    ) -> list[Intervention]:
        candidates = inputs.candidates.get(area, {}).get(Kind.INTERVENTION, [])
        linked = [
            e
            for e in self.library.of_kind(Kind.INTERVENTION)
            if goal_entry.id in e.goals and e.id not in used and inputs.allowed(e)
        ]
        crisis = [e for e in linked if e.category is Category.CRISIS_SAFETY]
        pool = [e for e in candidates if e.id not in used and e.category is not Category.CRISIS_SAFETY]
        pool += [e for e in linked if e not in pool and e.category is not Category.CRISIS_SAFETY]
        pool = [e for e in pool if not e.id.startswith("mbc-")]
        ranked = sorted(
            pool,
            key=lambda e: -(self._fit(e, inputs.case) + (2 if goal_entry.id in e.goals else 0) - pool.index(e) * 0.05),
        )
        chosen: list[Entry] = crisis[: max(0, crisis_room)]  # the safety work the goal names comes first
        others = 3 if len(inputs.pathways) <= 2 else 2
        for entry in ranked:  # then two or three, no two of the same category
            if len(chosen) >= len(crisis[: max(0, crisis_room)]) + others:
                break
            if all(entry.category != c.category for c in chosen):
                chosen.append(entry)
        return [self._intervention(entry, objectives, inputs, used, offset + n) for n, entry in enumerate(chosen, 1)]

    def _required_interventions(self, pathway: Pathway, inputs: DraftInputs, used: set[str]) -> list[Entry]:
        """The interventions a pathway requires that the case allows — one belonging to an approach only when that
        approach was chosen (or none was)."""
        chosen = set(inputs.case.orientation)
        entries = [self.library.by_id[i] for i in pathway.interventions]
        return [
            e
            for e in entries
            if e.id not in used and inputs.allowed(e) and (not e.modalities or not chosen or set(e.modalities) & chosen)
        ]

    def _intervention(self, entry: Entry, objectives, inputs: DraftInputs, used: set[str], number: int) -> Intervention:
        used.add(entry.id)
        record, case = inputs.record, inputs.case
        offered = [m for m in entry.modalities if m not in case.deferred]
        modality = next((m for m in case.orientation if m in offered), offered[0] if offered else COMMON_FACTORS)
        return Intervention(
            id=f"i{number}",
            description=re.sub(r"\{[a-z_]+\}", lambda m: _fill_generic(m.group(0), record), entry.text),
            modality=modality,
            category=entry.category.value,
            frequency=entry.frequency
            or (f"{record.session.frequency} in session" if record.session.frequency else "each session"),
            objective_ids=[o.id for o in objectives],
            sources=[entry.id],
        )

    def _orientation_share(self, interventions, goals, inputs: DraftInputs, used: set[str]) -> list[Intervention]:
        """At least half the therapeutic interventions in the primary orientation wherever the library has them:
        swap the last others (never safety or evaluation work) for the primary approach's entries closest in
        meaning to the goal they serve."""
        primary = inputs.case.primary_orientation
        if not primary or not interventions:
            return interventions
        result = list(interventions)
        for i in range(len(result) - 1, -1, -1):
            therapeutic = [x for x in result if x.category not in _SAFETY_WORK]
            if not therapeutic or sum(x.modality == primary for x in therapeutic) / len(therapeutic) >= 0.5:
                break
            current = result[i]
            if current.modality == primary or current.category in _SAFETY_WORK:
                continue
            objective_goal = next((g for g in goals if set(current.objective_ids) & {o.id for o in g.objectives}), None)
            if objective_goal is None:
                continue
            replacement_entry = self._closest_in(primary, objective_goal, inputs, used)
            if replacement_entry is not None:
                used.discard(current.sources[0])
                replacement = self._intervention(replacement_entry, [], inputs, used, 0)
                result[i] = replacement.model_copy(update={"id": current.id, "objective_ids": current.objective_ids})
        return result

    def _closest_in(self, modality: str, goal: Goal, inputs: DraftInputs, used: set[str]) -> Entry | None:
        """The library intervention in `modality` closest in meaning to the goal (any problem area: an IPT role
        transition entry written for life transitions serves a new mother's goal), allowed for the case."""
        for hit in self.index.search(goal.description, k=40, kinds=[Kind.INTERVENTION], modalities=[modality]):
            entry = self.library.by_id.get(hit.id)
            if (
                entry is not None
                and modality in entry.modalities
                and entry.id not in used
                and entry.category not in _SAFETY_WORK
                and inputs.allowed(entry)
            ):
                return entry
        return None

    def _risk_assessment(self, offset: int, used: set[str]) -> list[Intervention]:
        entry = self.library.by_id["mbc-int-complete-risk-assessment"]
        used.add(entry.id)
        return [
            Intervention(
                id=f"i{offset + 1}",
                description=entry.text,
                modality=COMMON_FACTORS,
                category=entry.category.value,
                frequency=entry.frequency,
                sources=[entry.id],
            )
        ]

    def _attach_client_words(self, goals: list[Goal], record: IntakeRecord) -> list[str]:
        """Put each client quote beside the one goal it is closest to in meaning (a goal takes one quote); quotes
        that fit no goal well enough are returned, to be kept once under the client's goals."""
        if not record.client_words:
            return []
        if not goals:
            return list(record.client_words)
        quotes = self.index.embeddings.encode(record.client_words)
        texts = self.index.embeddings.encode([g.description for g in goals])
        similarity = texts @ quotes.T
        pairs = sorted(
            ((float(similarity[g, q]), g, q) for g in range(len(goals)) for q in range(len(record.client_words))),
            reverse=True,
        )
        taken_goals: set[int] = set()
        taken_quotes: set[int] = set()
        for score, g, q in pairs:
            if score < CLIENT_WORDS_MIN_SIMILARITY:
                break
            if g in taken_goals or q in taken_quotes:
                continue
            goals[g].client_words = record.client_words[q]
            taken_goals.add(g)
            taken_quotes.add(q)
        return [quote for q, quote in enumerate(record.client_words) if q not in taken_quotes]

    def _recommended(self, inputs: DraftInputs) -> list[str]:
        return [
            f"Administer the {name} at the next session to give the {label} work a baseline."
            for name, label in _recommendations(inputs)
        ]

    @staticmethod
    def _presenting_problem(record: IntakeRecord) -> str:
        parts = [record.sections.get(SectionId.PRESENTING_PROBLEM.value, "").strip()]
        symptoms = record.sections.get(SectionId.SYMPTOMS.value, "").strip()
        if symptoms:
            parts.append(f"Symptoms: {symptoms}")
        if record.measures:
            scores = ", ".join(
                f"{m.name} {m.display_score}"
                + (f" ({m.severity})" if m.severity else "")
                + (f" — {m.person}" if m.person else "")
                for m in record.measures
            )
            parts.append(f"Measures at intake: {scores}.")
        return "\n".join(p for p in parts if p) or f"{GAP} Presenting problem was not recorded in the intake."


#: Problem areas whose goals are about safety: general measures go under another goal.
_SAFETY_AREAS = frozenset({"suicidality", "self-harm", "ipv"})
#: Safety, referral and evaluation work: never swapped for the orientation's share, nor counted in it.
_SAFETY_WORK = (Category.CRISIS_SAFETY, Category.EVALUATION)
#: Instruments that each measure depressive symptoms: one given at intake is enough for a depression baseline.
_DEPRESSION_MEASURES = frozenset({"PHQ-9", "PHQ-A", "BDI-II", "GDS-15", "EPDS", "K10", "CORE-10", "CORE-OM"})


def _fits(measure: str, goal: Entry) -> bool:
    """Whether an instrument measures what a goal is about (a safety goal is not measured by a symptom scale)."""
    areas = MEASURED_AREAS.get(measure)
    return areas is None or "*" in areas or bool(set(areas) & set(goal.problem_areas))


def _recommendations(inputs: DraftInputs) -> list[tuple[str, str]]:
    """(instrument, pathway label) for each instrument a plan pathway recommends that the intake did not give; one
    per pathway (the first catalogued one that tracks change), skipping a sibling form already given."""
    given = set(inputs.case.administered)
    result: list[tuple[str, str]] = []
    for pathway in inputs.pathways:
        names = [n for n in pathway.instruments if instrument(n) is not None]
        if any(n in given for n in names):
            continue
        if given & _DEPRESSION_MEASURES and set(names) & _DEPRESSION_MEASURES:
            continue  # a depression measure was given, under another name
        first = next((n for n in names if instrument(n).tracks_change), None)
        if first and first not in {r[0] for r in result}:
            result.append((first, pathway.label.lower()))
    return result


def recommended_names(inputs: DraftInputs) -> list[str]:
    """Instruments the plan recommends administering."""
    return [name for name, _ in _recommendations(inputs)]


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
    """A structured formulation in the primary orientation (integrative, with both templates' headings, when two
    are chosen), filled with the intake's own words where it says something and marking the rest as gaps."""
    chosen = [o for o in record.orientation if o in _FORMULATIONS][:2]
    if len(chosen) == 2:
        template = tuple(
            dict(
                (h, (h, sec, prompt)) for h, sec, prompt in (*_FORMULATIONS[chosen[0]], *_FORMULATIONS[chosen[1]])
            ).values()
        )
        label = "Integrative (" + " and ".join(library.taxonomy.modality_label(o) for o in chosen) + ")"
    elif chosen:
        template, label = _FORMULATIONS[chosen[0]], library.taxonomy.modality_label(chosen[0])
    else:
        primary = record.orientation[0] if record.orientation else None
        template = _GENERIC_FORMULATION
        label = f"Integrative ({library.taxonomy.modality_label(primary)})" if primary else "Integrative"
    lines = [f"{label} formulation (from the intake; clinician to review and complete)"]
    for heading, section, prompt in template:
        text = record.sections.get(section.value, "").strip() if section else ""
        if not text and heading == "Precipitants":
            text = _precipitants(record)
        lines.append(f"{heading}: {text}" if text else f"{heading}: {GAP} {prompt}.")
    return "\n".join(lines)


def _precipitants(record: IntakeRecord) -> str:
    """The presenting problem's sentences that say what began or worsened it, and when (verbatim)."""
    text = record.sections.get(SectionId.PRESENTING_PROBLEM.value, "")
    return " ".join(s for s in sentences(text) if _PRECIPITANT.search(s))[:600]


def safety_plan(record: IntakeRecord) -> SafetyPlan:
    """Stanley–Brown steps filled only from the intake, with a prompt wherever the intake is silent. Only living
    people are offered as contacts; means counselling asks about means only where the intake has not ruled them out."""
    risk = record.risk
    people = [p for p in risk.protective_factors if _RELATIONS.search(p) and not _DEAD.search(p)]
    other_protective = [p for p in risk.protective_factors if p not in people and not _RELATIONS.search(p)]
    means = []
    if risk.means:
        access = {True: "access reported", False: "no access reported", None: "access not assessed"}[risk.means_access]
        means.append(
            f"Means mentioned at intake: {', '.join(risk.means)} ({access}). Agree on removal or locked storage."
        )
        means += [f"{INTAKE_QUOTE} “{s}”" for s in means_sentences(record)]
    elif risk.means_access is False:
        means.append(
            "The intake records no access to lethal means; confirm at each review and if circumstances change."
        )
    return SafetyPlan(
        warning_signs=[f"{GAP} Thoughts, moods or situations that signal a crisis is developing (ask the client)."],
        internal_coping=[f"{GAP} Things the client can do alone to take their mind off problems."]
        + [f"Reason for living named at intake: {p}" for p in other_protective],
        social_distraction=[f"{GAP} People and social settings that provide distraction."],
        people_to_ask_for_help=[f"Named at intake: {p}" for p in people]
        or [f"{GAP} People the client can ask for help, with phone numbers."],
        professionals_and_agencies=[
            "988 Suicide & Crisis Lifeline (US): call or text 988. UK and Ireland: Samaritans 116 123.",
            "Emergency services: 911 / 999 / 112, or the nearest emergency department.",
            f"{GAP} Treating clinician and after-hours contact.",
        ],
        means_safety=means or [f"{GAP} Ask about firearms, stockpiled medication and other means; plan safe storage."],
    )


_MEANS_WORDS = re.compile(
    r"\b(?:firearms?|guns?|handguns?|rifles?|shotguns?|pistols?|revolver|ammunition|ammo|gun safe|stockpil\w*|"
    r"sav(?:ed|ing) (?:up )?(?:pills|tablets)|means safety|lethal means|safe storage)\b",
    re.I,
)


def means_sentences(record: IntakeRecord) -> list[str]:
    """The risk section's sentences about the client's lethal means and what was agreed about them (verbatim)."""
    text = record.sections.get(SectionId.RISK.value, "")
    return [s[:300] for s in sentences(text) if _MEANS_WORDS.search(s)][:3]


def safety_elements(inputs: DraftInputs) -> list[SafetyElement]:
    """The safety element of each kind the plan's pathways or the intake's reported risk call for (other than the
    Stanley–Brown plan), from the pathway templates: standing items, what the intake says, prompts for the rest."""
    pathways: Pathways | None = inputs.library_pathways
    if pathways is None:
        return []
    record, case = inputs.record, inputs.case
    kinds = [k for p in inputs.pathways for k in p.safety if k != "suicide"]
    kinds += [k.value for k in record.risk.reported_kinds if k.value in {t.kind for t in pathways.safety_plans}]
    elements = []
    for kind in dict.fromkeys(kinds):
        template = pathways.safety_template(kind)
        if template is None:
            continue
        finding = record.risk.finding(RiskKind(kind))
        steps = []
        for step in template.steps:
            items = list(step.items)
            if step.key == "children" and not (case.holds("children") or record.risk.safeguarding):
                continue
            if step.key == "safe-contact":
                items += [
                    f"Stated at intake: {c.quote}"
                    for c in case.constraints
                    if c.kind in ("no-messages", "in-person-only")
                ]
            if step.key == "findings":
                items += [f"{f[0].upper()}{f[1:]}." for f in finding.features]
                items += [f"Intake: “{e}”" for e in finding.evidence[:3]]
            if step.key == "weapons":
                items += [f"{INTAKE_QUOTE} “{s}”" for s in means_sentences(record)]
            if step.key == "review" and "Danger Assessment" in case.administered:
                items.append(f"Danger Assessment at intake: {case.administered['Danger Assessment']:g}.")
            if step.prompt and not (step.key == "safe-contact" and len(items) > len(step.items)):
                items.append(f"{GAP} {step.prompt}")
            if items:
                steps.append(SafetyStep(heading=step.heading, items=items))
        elements.append(SafetyElement(kind=kind, title=template.title, steps=steps, source=template.source))
    return elements


def referrals(inputs: DraftInputs) -> list[Referral]:
    """The pathways' referrals whose condition holds, those the intake itself names, and the service for anything
    outside the plan's scope — one per service, the most urgent reason kept."""
    pathways = inputs.library_pathways
    if pathways is None:
        return []
    case = inputs.case
    found: dict[str, Referral] = {}
    order = {"emergency": 0, "urgent": 1, "routine": 2}

    def add(service: str, reason: str, urgency: str, source: str) -> None:
        label = pathways.service_label(service)
        current = found.get(service)
        if current is None:
            found[service] = Referral(service=label, reason=reason, urgency=urgency, sources=[source])
        else:
            if order[urgency] < order[current.urgency]:
                current.urgency, current.reason = urgency, reason
            if source not in current.sources:
                current.sources.append(source)

    for pathway in inputs.pathways:
        for spec in pathway.referrals:
            if spec.when is None or case.holds(spec.when):
                add(spec.service, spec.reason, spec.urgency, f"pathway:{pathway.id}")
    for named in case.named_referrals:
        add(named.service, f"Named at intake: “{named.quote}”", "routine", "intake")
    for item in case.out_of_scope:
        add(item.service, item.note, "urgent", f"out-of-scope:{item.id}")
    return sorted(found.values(), key=lambda r: order[r.urgency])


def scope_notes(inputs: DraftInputs) -> list[str]:
    """What the plan does not cover and who does: each pathway's scope note and each out-of-scope presentation."""
    notes = [p.scope for p in inputs.pathways if p.scope]
    if not any(p.areas for p in inputs.pathways):
        notes.append(
            "No clinical pathway fits this intake's presentation: the goals come from the library's nearest problem "
            "areas. Check that they fit, and consider specialist assessment or referral."
        )
    notes += [f"{item.label}: {item.note} (intake: “{item.quote}”)" for item in inputs.case.out_of_scope]
    return list(dict.fromkeys(notes))


def discharge_criteria(goals: list[Goal], record: IntakeRecord) -> list[str]:
    """Observable conditions for ending treatment, built from the plan's own objectives."""
    criteria = []
    for goal in goals:
        for objective in goal.objectives:
            catalogued = instrument(objective.measure) if objective.measure else None
            if objective.measure and objective.target and objective.baseline and objective.baseline != objective.target:
                if catalogued is not None and catalogued.objective_target(float(objective.baseline))[1] == "maintain":
                    continue  # already outside the clinical range at intake: not a criterion for ending
                side = "at or above" if catalogued is not None and catalogued.higher_is_better else "at or below"
                criteria.append(f"{objective.measure} {side} {objective.target} at two consecutive reviews.")
    criteria = list(dict.fromkeys(criteria))
    criteria.append("Objectives met or revised by agreement, with the client reporting progress on their own goals.")
    if RiskKind.SUICIDE in record.risk.reported_kinds:
        criteria.append("No suicidal intent or plan for at least 8 weeks, with the safety plan reviewed and current.")
    criteria.append("A relapse-prevention plan is written and reviewed with the client before ending.")
    return criteria
