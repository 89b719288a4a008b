"""The model composer: a language model writes the plan from the same retrieved library entries.

Its draft is checked before use: sources must be entries it was shown, baselines must be intake scores,
quotes must be verbatim, links and markup are refused, and everything the model must not decide (client,
risk, safety plan, status, dates, monitoring) comes from the intake. `chains.drafting` falls back to the
offline composer, with a notice the clinician can read, when anything fails.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import date, timedelta

from langchain_core.language_models import BaseChatModel
from pydantic import ValidationError

from chains.model_extraction import notes_text
from chains.offline_composer import (
    DEFAULT_REVIEW_DAYS,
    discharge_criteria,
    measure_target,
)
from chains.prompts import DRAFT_PROMPT
from chains.providers import structured
from chains.redact import redact
from chains.retrieval import DraftInputs
from chains.schemas import derived
from clinical.plan import GAP, Goal, Intervention, Objective, TreatmentPlan
from clinical.plan_checks import lint
from clinical.record import Measure
from clinical.vocabulary import URGENT_AREAS
from config import Settings
from knowledge.loader import Library
from knowledge.models import Category, Entry, Kind

log = logging.getLogger(__name__)

#: How many retrieved entries of each kind per problem area the model is shown (about 5k tokens in all).
ENTRIES_PER_AREA = {Kind.GOAL: 4, Kind.OBJECTIVE: 8, Kind.INTERVENTION: 8}
MAX_GOALS = 4
MAX_OBJECTIVES = 3
#: Longest goal, objective or intervention wording accepted; longer text is not plan wording.
MAX_ITEM_CHARS = 600
MAX_FORMULATION_CHARS = 4000
#: Latest acceptable target date, counted from the start of treatment.
MAX_PLAN_DAYS = 730
FALLBACK_NOTICE = "The language model's draft could not be used ({reason}); this draft was written offline."

# Library wording never holds links or markup, so in the model's text they can only come from the notes
# (a prompt injection) or the model itself.
_MARKUP = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:javascript|data|vbscript|mailto):"
    r"|\[[^\]]*\]\([^)]*\)"
    r"|</?[a-z!][^>]*>"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|info|biz|xyz|ru|app|dev|link|ly|example)\b",
    re.I,
)
_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")
_QUOTE_MARKS = "\"'“”‘’ "


# -- what the model is asked for ------------------------------------------------------------------


LLMObjective = derived(
    Objective,
    "LLMObjective",
    "A SMART objective adapted from library objective entries.",
    ("id", "description", "measure", "baseline", "target", "target_date", "sources"),
    types={"target_date": str},
    notes={
        "id": "Your id for this objective, e.g. g1-o2; interventions refer to it.",
        "description": "Begins with an action verb; says what is measured, the target and date.",
        "baseline": "The intake score on that measure, exactly; else empty.",
        "target_date": "YYYY-MM-DD; empty when the start date is withheld.",
        "sources": "Ids of the library objective entries this adapts.",
    },
    required=("id", "description", "sources"),
)
LLMGoal = derived(
    Goal,
    "LLMGoal",
    "A broad aim of treatment adapted from library goal entries.",
    ("description", "client_words", "problem_area", "objectives", "sources"),
    types={"objectives": list[LLMObjective]},
    notes={
        "client_words": "The client's own phrase, copied exactly; or empty.",
        "problem_area": "Problem-area id of the goal, from the library entry.",
        "objectives": "2 or 3 objectives.",
        "sources": "Ids of the library goal entries this adapts.",
    },
    required=("description", "problem_area", "objectives", "sources"),
)
LLMIntervention = derived(
    Intervention,
    "LLMIntervention",
    "What the clinician does or assigns, adapted from library intervention entries.",
    ("description", "modality", "category", "frequency", "objective_ids", "sources"),
    types={"category": str, "frequency": str},
    notes={
        "modality": "Modality id, or empty for modality-neutral work.",
        "category": "The library entry's category.",
        "objective_ids": "Ids of the objectives (yours) it serves.",
        "sources": "Ids of the library intervention entries this adapts.",
    },
    required=("description", "category", "frequency", "objective_ids", "sources"),
)
LLMPlanDraft = derived(
    TreatmentPlan,
    "LLMPlanDraft",
    "The parts of a treatment plan the model writes; the app adds everything that comes from the intake.",
    ("goals", "interventions", "formulation"),
    types={"goals": list[LLMGoal], "interventions": list[LLMIntervention], "formulation": str},
    notes={
        "goals": "2 to 4 goals, most urgent first.",
        "interventions": "What the clinician will do, each serving some of your objectives.",
        "formulation": "Short working formulation in the orientation.",
    },
    required=("goals", "interventions"),
)


class LLMDraftRejected(ValueError):
    """The model's draft failed a check; the message says why, in words for the clinician."""


def failure_reason(error: BaseException, settings: Settings) -> str:
    """The kind of failure, for the notice: never the message itself (it may echo notes or keys)."""
    names = {cls.__name__ for cls in type(error).__mro__}
    if names & {"TimeoutError", "APITimeoutError", "TimeoutException", "ReadTimeout", "ConnectTimeout"}:
        return f"the model did not answer within {settings.llm_timeout_seconds:g} seconds"
    if names & {"ConnectionError", "APIConnectionError", "ConnectError"}:
        return "the model server could not be reached"
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return f"the model server answered with an error (HTTP {status})"
    if isinstance(error, ValidationError):
        return "its answer did not have the structure of a plan"
    if names & {"OutputParserException", "JSONDecodeError", "ValueError"}:
        return "its answer could not be read as a plan"
    return f"the model call failed ({type(error).__name__})"


# -- the prompt ------------------------------------------------------------------------------------


def prompt_entries(inputs: DraftInputs) -> list[Entry]:
    """The entries the model is shown (its only citable sources): what the pathways require, then the retrieved
    entries, best first per area, once each."""
    shown: dict[str, Entry] = {entry.id: entry for entry in required_entries(inputs)}
    for area in inputs.areas:
        for kind, limit in ENTRIES_PER_AREA.items():
            for entry in inputs.candidates.get(area, {}).get(kind, [])[:limit]:
                shown.setdefault(entry.id, entry)
    return list(shown.values())


def required_entries(inputs: DraftInputs) -> list[Entry]:
    """The goals and interventions the plan's pathways require that the case allows, in pathway order."""
    catalogue = inputs.library_pathways
    if catalogue is None:
        return []
    entries = []
    for pathway in inputs.pathways:
        for entry_id in [*catalogue.required_goals(pathway, inputs.case.holds), *pathway.interventions]:
            entry = inputs.library.by_id.get(entry_id) if inputs.library is not None else None
            if entry is not None and inputs.allowed(entry) and entry not in entries:
                entries.append(entry)
    return entries


def entry_line(entry: Entry, shown: set[str]) -> str:
    """One library entry as a line of the <library_entries> table."""
    details = []
    if entry.measure:
        details.append(f"measure {entry.measure}")
    if entry.category:
        details.append(f"category {entry.category.value}")
    if entry.frequency:
        details.append(f"suggested frequency {entry.frequency}")
    served = [g for g in entry.goals if g in shown]
    if served:
        details.append(f"serves {', '.join(served)}")
    columns = [
        entry.id,
        entry.kind.value,
        ", ".join(entry.problem_areas),
        ", ".join(entry.modalities) or "any",
        " ".join(entry.text.split()),
        "; ".join(details) or "-",
    ]
    return " | ".join(columns)


def prompt_values(inputs: DraftInputs, entries: list[Entry], redacting: bool) -> dict[str, str]:
    """The DRAFT_PROMPT variables; with `redacting`, every piece of intake text is redacted first."""
    record = inputs.record

    def private(text: str) -> str:
        return redact(text, [record.client.alias]) if redacting else text

    session = record.session
    interval = session.review_interval_days or DEFAULT_REVIEW_DAYS
    start = session.start_date or inputs.today
    client = []
    if record.client.age is not None:
        # Safe Harbor counts ages over 89 as identifying.
        client.append("age 90 or older" if redacting and record.client.age > 89 else f"age {record.client.age}")
    if record.client.pronouns:
        client.append(record.client.pronouns)
    risk = record.risk
    if risk.flagged:
        kinds = ", ".join(kind.label for kind in risk.reported_kinds)
        risk_text = f"yes ({kinds}); the safety plan is written from the intake by the app, not by you"
    else:
        risk_text = "assessed, none reported" if risk.assessed else "not assessed"
    sessions = [
        session.frequency or "frequency not set",
        f"{session.duration_minutes} minutes" if session.duration_minutes else "",
        session.format or "",
        f"{session.sessions} sessions planned" if session.sessions else "",
    ]
    measures = "; ".join(
        f"{m.name} {m.display_score}" + (f" ({m.severity})" if m.severity else "") for m in record.measures
    )
    shown = {e.id for e in entries}
    return {
        "areas": ", ".join(inputs.areas),
        "orientation": ", ".join(record.orientation) or "not chosen (integrative)",
        "client": ", ".join(client) or "no details given",
        "risk": risk_text,
        "measures": private(measures) or "none recorded",
        "sessions": ", ".join(s for s in sessions if s),
        "start_date": private(start.isoformat()),
        "review_interval_days": str(interval),
        "first_review": private((start + timedelta(days=interval)).isoformat()),
        "client_words": private("; ".join(f'"{w}"' for w in record.client_words)) or "none quoted",
        "notes": private(notes_text(record)),
        "entries": "\n".join(entry_line(e, shown) for e in entries),
        "required": ", ".join(e.id for e in required_entries(inputs)) or "none",
    }


def model_name(model: BaseChatModel, settings: Settings) -> str:
    """The model's own name for `TreatmentPlan.composer`."""
    for attribute in ("model_name", "model"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return settings.llm_model or "language model"


# -- checking the model's draft --------------------------------------------------------------------


def has_markup(text: str) -> bool:
    """Whether the text holds a link, web address, markdown link or image, or an HTML tag."""
    return bool(_MARKUP.search(text))


def _same_score(value: str, measure: Measure) -> bool:
    """Whether the model's baseline is the intake score ("21" and "21.0" both are)."""
    try:
        return float(value) == float(measure.score)
    except ValueError:
        return False


def _measure_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class DraftCheck:
    """Turns the model's draft into a TreatmentPlan, keeping only what can be trusted (see the module docstring)."""

    def __init__(self, inputs: DraftInputs, entries: list[Entry], offline: TreatmentPlan, library: Library):
        self.record = inputs.record
        self.areas = inputs.areas
        self.offline = offline
        self.library = library
        self.shown = {e.id: e for e in entries}
        session = self.record.session
        self.interval = session.review_interval_days or DEFAULT_REVIEW_DAYS
        self.start = session.start_date or inputs.today
        self.measures = {_measure_key(m.name): m for m in self.record.measures}
        self.notes = " ".join(notes_text(self.record).split())
        self.modality_ids = {t.id for t in library.taxonomy.modalities}
        self.corrections: list[str] = []

    def note(self, message: str) -> None:
        self.corrections.append(message)

    # -- pieces ----------------------------------------------------------------------------------

    def text(self, value: str | None, where: str, limit: int = MAX_ITEM_CHARS) -> str | None:
        """One line of the model's wording, or None when it is empty, too long, or carries links or markup."""
        if not value or not value.strip():
            return None
        if has_markup(value):
            self.note(f"{where} was removed: it contained a link or markup.")
            return None
        if len(value) > limit:
            self.note(f"{where} was removed: it was too long to be plan wording.")
            return None
        # Redaction put [CLIENT] where the alias was; the clinician's copy says the alias.
        return " ".join(value.replace("[CLIENT]", self.record.client.alias).split())

    def short(self, value: str | None) -> str | None:
        """A short field (measure, target, frequency): quietly None when unusable."""
        if not value or not value.strip() or has_markup(value) or len(value) > 120:
            return None
        return " ".join(value.split())

    def sources(self, ids: list[str], kind: Kind, where: str) -> list[str]:
        """The cited ids that are entries of the right kind the model was shown."""
        valid = [i for i in dict.fromkeys(ids) if i in self.shown and self.shown[i].kind == kind]
        if len(valid) < len(set(ids)):
            self.note(
                f"{where}: {len(set(ids)) - len(valid)} source id(s) not among the {kind} entries shown were dropped."
            )
        if not valid:
            self.note(f"{where} was removed: it cites no {kind} entry it was shown.")
        return valid

    def client_words(self, quote: str | None, where: str) -> str | None:
        """The quote, only if it is the client's words exactly as written in the notes."""
        if not quote or not quote.strip(_QUOTE_MARKS):
            return None
        words = " ".join(quote.strip(_QUOTE_MARKS).split())
        if has_markup(words) or len(words.split()) < 2 or len(words) > 200 or words not in self.notes:
            self.note(f"{where}: the client's words were removed (not a verbatim quote from the intake).")
            return None
        return words

    def intake_measure(self, name: str | None) -> Measure | None:
        return self.measures.get(_measure_key(name)) if name else None

    def target_date(self, value: str | None, position: int, where: str) -> date:
        """The model's date if it is a real date within the plan's span; else the offline rule's date."""
        default = self.start + timedelta(days=self.interval * (1 if position == 1 else 2))
        if not value or not value.strip():
            return default
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is None or not self.start < parsed <= self.start + timedelta(days=MAX_PLAN_DAYS):
            self.note(f"{where}: the target date was replaced by the next review date.")
            return default
        return parsed

    def fill(self, text: str, values: dict[str, str]) -> str:
        """Fill placeholders the model left, as the offline composer does; unknown ones become a marked gap."""
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), GAP), text)

    def generic_values(self) -> dict[str, str]:
        session = self.record.session
        return {
            "frequency": session.frequency or "weekly",
            "review_interval": f"{self.interval}-day",
            "measure": self.record.measures[0].name if self.record.measures else "the agreed measure",
        }

    # -- items -----------------------------------------------------------------------------------

    def objective(self, raw: LLMObjective, position: int, where: str) -> Objective | None:
        sources = self.sources(raw.sources, Kind.OBJECTIVE, where)
        text = self.text(raw.description, where) if sources else None
        if text is None:
            return None
        measure_name = self.short(raw.measure) or self.shown[sources[0]].measure
        measure = self.intake_measure(measure_name)
        baseline = (raw.baseline or "").strip() or None
        if measure is not None:
            if baseline is not None and not _same_score(baseline, measure):
                self.note(
                    f"{where} was removed: it gives a {measure.name} baseline of {self.short(baseline) or '?'} "
                    f"but the intake score is {measure.display_score}."
                )
                return None
            measure_name, baseline = measure.name, measure.display_score
            target = self.short(raw.target) or str(measure_target(measure))
        else:
            if baseline is not None:
                self.note(f"{where}: the baseline was removed (the intake has no score on that measure).")
            baseline, target = None, self.short(raw.target)
        target_date = self.target_date(raw.target_date, position, where)
        values = {
            **self.generic_values(),
            "target_date": target_date.isoformat(),
            "measure": measure_name or "the agreed measure",
            "baseline": baseline or "[baseline to be measured]",
            "target": target or "[target to be agreed]",
        }
        return Objective(
            id="",
            description=self.fill(text, values),
            measure=measure_name,
            baseline=baseline,
            target=target,
            target_date=target_date,
            sources=sources,
        )

    def goal(self, raw: LLMGoal, number: int) -> tuple[Goal, list[str]] | None:
        """The checked goal and the model's ids of its kept objectives (ids are assigned by the caller)."""
        where = f"Goal {number}"
        sources = self.sources(raw.sources, Kind.GOAL, where)
        text = self.text(raw.description, where) if sources else None
        if text is None:
            return None
        entry_areas = [a for s in sources for a in self.shown[s].problem_areas]
        area = raw.problem_area if raw.problem_area in entry_areas else entry_areas[0]
        objectives, raw_ids = [], []
        for o, raw_objective in enumerate(raw.objectives, start=1):
            if len(objectives) == MAX_OBJECTIVES:
                self.note(f"{where}: objectives after the third were left out.")
                break
            objective = self.objective(raw_objective, len(objectives) + 1, f"{where}, objective {o}")
            if objective is not None:
                objectives.append(objective)
                raw_ids.append(raw_objective.id)
        if not objectives:
            raise LLMDraftRejected(f"goal {number} had no usable objectives")
        goal = Goal(
            id="",
            description=self.fill(text, self.generic_values()),
            client_words=self.client_words(raw.client_words, where),
            problem_area=area,
            objectives=objectives,
            sources=sources,
        )
        return goal, raw_ids

    def intervention(self, raw: LLMIntervention, number: int, objective_ids: dict[str, str]) -> Intervention | None:
        where = f"Intervention {number}"
        sources = self.sources(raw.sources, Kind.INTERVENTION, where)
        text = self.text(raw.description, where) if sources else None
        if text is None:
            return None
        entry = self.shown[sources[0]]
        categories = {c.value for c in Category}
        category = raw.category if raw.category in categories else (entry.category or Category.TECHNIQUE).value
        if raw.modality in self.modality_ids:
            modality = raw.modality
        else:  # as the offline composer chooses: the orientation's modality, else the entry's first
            modality = next(
                (m for m in entry.modalities if m in self.record.orientation),
                entry.modalities[0] if entry.modalities else None,
            )
        session_frequency = self.record.session.frequency
        frequency = (
            self.short(raw.frequency)
            or entry.frequency
            or (f"{session_frequency} in session" if session_frequency else "each session")
        )
        served = list(dict.fromkeys(objective_ids[o] for o in raw.objective_ids if o in objective_ids))
        if raw.objective_ids and not served:
            self.note(f"{where} was removed: none of the objectives it serves was kept.")
            return None
        return Intervention(
            id="",
            description=self.fill(text, self.generic_values()),
            modality=modality,
            category=category,
            frequency=frequency,
            objective_ids=served,
            sources=sources,
        )

    # -- the whole plan --------------------------------------------------------------------------

    def plan(self, draft: LLMPlanDraft, composer: str) -> TreatmentPlan:
        """The checked plan, or LLMDraftRejected with the reason."""
        # Only ids the model used once can be mapped; a repeated id ("o1" under every goal) is ambiguous.
        counts = Counter(o.id for g in draft.goals for o in g.objectives)
        objective_ids: dict[str, str] = {}
        goals: list[Goal] = []
        for number, raw_goal in enumerate(draft.goals, start=1):
            if len(goals) == MAX_GOALS:
                self.note("Goals after the fourth were left out.")
                break
            checked = self.goal(raw_goal, number)
            if checked is None:
                continue
            goal, raw_ids = checked
            goal.id = f"g{len(goals) + 1}"
            for n, (objective, raw_id) in enumerate(zip(goal.objectives, raw_ids, strict=True), start=1):
                objective.id = f"{goal.id}-o{n}"
                if counts[raw_id] == 1:
                    objective_ids[raw_id] = objective.id
            goals.append(goal)
        if not goals:
            raise LLMDraftRejected("none of its goals could be used")
        urgent = URGENT_AREAS & set(self.areas)
        if self.record.risk.calls_for_safety_plan and urgent and not any(g.problem_area in URGENT_AREAS for g in goals):
            raise LLMDraftRejected("it had no goal for the risk reported at intake")

        interventions: list[Intervention] = []
        for number, raw_intervention in enumerate(draft.interventions, start=1):
            intervention = self.intervention(raw_intervention, number, objective_ids)
            if intervention is not None:
                intervention.id = f"i{len(interventions) + 1}"
                interventions.append(intervention)
        if not interventions:
            raise LLMDraftRejected("none of its interventions could be used")

        formulation = self.offline.formulation
        if draft.formulation and draft.formulation.strip():
            if has_markup(draft.formulation) or len(draft.formulation) > MAX_FORMULATION_CHARS:
                self.note(
                    "The model's formulation was replaced by the offline one (it held links, markup or ran long)."
                )
            else:
                text = draft.formulation.replace("[CLIENT]", self.record.client.alias).strip()
                formulation = self.fill(text, self.generic_values())

        risk = self.offline.safety_plan is not None
        # Built field by field so that nothing outside goals, interventions and formulation comes from the model.
        plan = TreatmentPlan(
            client=self.record.client,
            presenting_problem=self.offline.presenting_problem,
            formulation=formulation,
            goals=goals,
            interventions=interventions,
            session_plan=self.offline.session_plan,
            risk_reported=risk,
            risk_kinds=self.offline.risk_kinds,
            risk_assessed=self.offline.risk_assessed,
            risk_not_assessed_reason=self.offline.risk_not_assessed_reason,
            safety_plan=self.offline.safety_plan if risk else None,
            # What the case requires besides goals and interventions comes from the case picture, never the model.
            safety_elements=self.offline.safety_elements,
            referrals=self.offline.referrals,
            scope_notes=self.offline.scope_notes,
            pathways=self.offline.pathways,
            constraints=self.offline.constraints,
            client_goals=[q for q in self.record.client_words if q not in {g.client_words for g in goals}],
            case=self.offline.case,
            progress_monitoring=self.offline.progress_monitoring,
            discharge_criteria=discharge_criteria(goals, self.record),
            composer=composer,
        )
        plan = TreatmentPlan.model_validate(plan.model_dump())
        flags = lint(plan, self.library.by_id)
        errors = [f for f in flags if f.severity == "error"]
        if errors:
            raise LLMDraftRejected(f"it failed {len(errors)} plan check(s), first: {errors[0].message}")
        return plan.model_copy(update={"flags": flags})


# -- composing -------------------------------------------------------------------------------------


class ModelComposer:
    """Plan composition by a language model from the retrieved entries, checked field by field."""

    def __init__(self, library: Library, model: BaseChatModel, settings: Settings):
        self.library = library
        self.model = model
        self.settings = settings

    @property
    def redacting(self) -> bool:
        """Identifiers are redacted before text reaches a model that is not on this machine."""
        return self.settings.redact_for_model

    def compose(self, inputs: DraftInputs, offline: TreatmentPlan) -> tuple[TreatmentPlan, list[str]]:
        """Ask the model, then check its draft against the offline plan's intake facts (raises on any failure:
        `LLMDraftRejected` with a reason for the clinician, or whatever the provider raised)."""
        entries = prompt_entries(inputs)
        prompt = DRAFT_PROMPT.invoke(prompt_values(inputs, entries, self.redacting))
        answer = structured(self.model, LLMPlanDraft, self.settings).invoke(prompt)
        if answer is None:
            raise LLMDraftRejected("the model returned no plan")
        draft = answer if isinstance(answer, LLMPlanDraft) else LLMPlanDraft.model_validate(answer)
        check = DraftCheck(inputs, entries, offline, self.library)
        return check.plan(draft, model_name(self.model, self.settings)), check.corrections
