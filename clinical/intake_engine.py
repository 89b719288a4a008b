"""The guided intake: a pure state machine from (state, clinician message) to (new state, reply).

It asks each section's main question in order, follows up where an answer opens a door (risk above
all), understands a few typed commands, and rebuilds the structured record from everything the
clinician has written after every answer. No I/O: persistence is the caller's job.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from clinical.documents import SCHEMA_VERSION_DESCRIPTION, StoredDocument
from clinical.extraction.areas import AreaScorer, rank_problem_areas
from clinical.extraction.client import extract_client, extract_client_words, extract_participants, person_words
from clinical.extraction.dates import day_first
from clinical.extraction.logistics import extract_logistics, missing_logistics
from clinical.extraction.measures import extract_measures
from clinical.extraction.risk import extract_risk
from clinical.extraction.terms import extract_orientation
from clinical.record import (
    SECTION_ORDER,
    ClientInfo,
    IntakeRecord,
    Measure,
    ReportedLogistics,
    SectionId,
)
from clinical.risk import FINDING_KINDS, RiskAssessment, RiskKind, RiskStatus, SuicidalIdeation
from knowledge.models import Taxonomy

#: Longest message taken as an answer; anything beyond is kept in the conversation but not extracted.
MAX_ANSWER_CHARS = 20_000


@dataclass(frozen=True)
class Section:
    """One intake section: its title for the progress panel and the question put to the clinician."""

    id: SectionId
    title: str
    question: str


SECTIONS: dict[SectionId, Section] = {
    s.id: s
    for s in (
        Section(
            SectionId.IDENTIFYING,
            "Identifying information",
            "Let's start with who the client is. How old are they, what pronouns do they use, and what is their "
            "situation (work or school, living situation, culture)? Please keep to the alias — no real names.",
        ),
        Section(
            SectionId.PRESENTING_PROBLEM,
            "Presenting problem",
            "What brings the client to therapy now? Describe the presenting problem and what prompted them to seek "
            "help at this point.",
        ),
        Section(
            SectionId.SYMPTOMS,
            "Symptoms",
            "Which symptoms has the client reported or have you observed (mood, anxiety, sleep, appetite, "
            "concentration, energy…), and for how long?",
        ),
        Section(
            SectionId.HISTORY,
            "History",
            "What in the client's history seems relevant — early family life, losses, trauma, development, school "
            "and work?",
        ),
        Section(
            SectionId.RELATIONSHIPS,
            "Relationships and relational patterns",
            "How does the client relate to others? Describe key relationships, any pattern that keeps repeating, and "
            "how they have related to you so far.",
        ),
        Section(
            SectionId.DEFENSES_COPING,
            "Defenses and coping",
            "Which defenses and coping strategies do you notice (for example intellectualization, avoidance, humor, "
            "withdrawal, exercise, substances)?",
        ),
        Section(
            SectionId.RISK,
            "Risk",
            "Risk assessment: what did the client report about suicidal thoughts, self-harm and thoughts of harming "
            "others? Please state denials explicitly (e.g. 'denies SI, HI and self-harm').",
        ),
        Section(
            SectionId.SUBSTANCE_USE,
            "Substance use",
            "What about alcohol, drugs or other substances — what, how much, how often, and any consequences?",
        ),
        Section(
            SectionId.MEDICAL,
            "Medical",
            "Any medical conditions, medications, prescribers or recent health changes to note?",
        ),
        Section(
            SectionId.STRENGTHS,
            "Strengths and supports",
            "What strengths, supports and protective factors does the client have?",
        ),
        Section(
            SectionId.PRIOR_TREATMENT,
            "Prior treatment",
            "Any previous therapy, hospitalizations or medication trials — and what helped or didn't?",
        ),
        Section(
            SectionId.MEASURES,
            "Measures",
            "Which standardized measures did you give, and what were the scores (e.g. PHQ-9 14, GAD-7 11)?",
        ),
        Section(
            SectionId.CLIENT_GOALS,
            "Client's goals",
            "What does the client want from therapy, in their own words? Put their words in quotes where you can.",
        ),
        Section(
            SectionId.ORIENTATION,
            "Orientation",
            "Which therapeutic orientation(s) will guide the work (e.g. psychodynamic, CBT, DBT, ACT, IFS, EMDR)?",
        ),
        Section(
            SectionId.LOGISTICS,
            "Logistics",
            "Last, logistics: how often and how long will sessions be, when do you start, how many sessions if that "
            "is set, and how often will you review the plan (e.g. 'weekly 50-minute sessions starting 2026-12-01, "
            "review every 90 days')?",
        ),
    )
}

#: Follow-ups whose answers are stored with a label, e.g. "Protective factors: her cat, her sister".
FOLLOWUP_LABELS = {"risk_protective": "Protective factors"}

COMMANDS = ("skip", "back", "edit", "summary", "draft", "help")
HELP = (
    "Commands you can type at any time:\n"
    "• skip — move on without answering (follow-ups too)\n"
    "• back — return to the previous section and answer it again\n"
    "• edit <section> — rewrite one section, e.g. 'edit risk'\n"
    "• summary — show what has been recorded so far\n"
    "• draft — hand the intake to drafting\n"
    "• help — this list\n"
    "Sections: " + ", ".join(s.value for s in SECTION_ORDER)
)


def _state_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2: a correction of `risk.plan` is a correction of `risk.suicide_plan`."""
    overrides = data.get("overrides") or {}
    data["overrides"] = {"risk.suicide_plan" if path == "risk.plan" else path: v for path, v in overrides.items()}
    return data


class IntakeState(StoredDocument):
    """Where an intake stands. Everything needed to resume exactly, and nothing derived that could drift."""

    SCHEMA_VERSION: ClassVar[int] = 2
    UPGRADES: ClassVar = {1: _state_v2}

    schema_version: int = Field(default=2, description=SCHEMA_VERSION_DESCRIPTION)

    alias: str
    reference_date: date = Field(description="The intake's own 'today', so relative dates never drift.")
    position: int = Field(default=0, description="Index of the current section; len(SECTION_ORDER) = complete.")
    followup: str | None = Field(default=None, description="The follow-up awaiting an answer, if any.")
    asked: dict[str, list[str]] = Field(default_factory=dict, description="Follow-ups already asked, by section.")
    answers: dict[str, list[str]] = Field(default_factory=dict, description="The clinician's answers, by section.")
    skipped: list[str] = Field(default_factory=list)
    return_to: int | None = Field(default=None, description="Where to continue after 'back' or 'edit'.")
    replace_next: bool = Field(default=False, description="The next main answer replaces the section's text.")
    pending_typo: str | None = Field(default=None, description="A message held back as a likely command typo.")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Clinician corrections: field path → value.")
    llm_facts: dict[str, Any] | None = Field(default=None, description="Checked facts from the last LLM pass.")

    @property
    def complete(self) -> bool:
        """Whether every section has been answered or skipped."""
        return self.position >= len(SECTION_ORDER)

    @property
    def section(self) -> SectionId | None:
        """The section being asked, or None once complete."""
        return None if self.complete else SECTION_ORDER[self.position]

    def done_sections(self) -> list[SectionId]:
        """Sections answered or skipped."""
        return [s for s in SECTION_ORDER if self.answers.get(s.value) or s.value in self.skipped]


@dataclass(frozen=True)
class IntakeContext:
    """What the engine needs besides the state: the vocabulary and, optionally, retrieval."""

    taxonomy: Taxonomy
    area_scorer: AreaScorer | None = None


@dataclass(frozen=True)
class Reply:
    """The engine's answer: text for the chat and an optional action for the page (e.g. go to drafting)."""

    text: str
    action: Literal["draft"] | None = None
    #: The record rebuilt for this answer (it depends only on answers and corrections), so callers need not rebuild it.
    record: IntakeRecord | None = field(default=None, compare=False, repr=False)


# -- the record -------------------------------------------------------------------------------


def section_text(state: IntakeState, section: SectionId) -> str:
    """Everything the clinician wrote for a section, in order."""
    return "\n".join(state.answers.get(section.value, []))


def _set_path(data: dict, path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[leaf] = value


def _logistics(text: dict[SectionId, str], everything: str, today: date) -> ReportedLogistics:
    """Logistics from their section, in the intake's own date convention; a start date written in the orientation
    section ("starting 3 March with CBT") counts when the logistics section gives none."""
    first = day_first(everything)
    logistics = extract_logistics(text[SectionId.LOGISTICS], today, first)
    if logistics.start_date is None and text[SectionId.ORIENTATION]:
        elsewhere = extract_logistics(text[SectionId.ORIENTATION], today, first)
        if re.search(
            r"\b(?:start\w*|begin\w*|commenc\w*|first\s+(?:\w+\s+)?session)\b", text[SectionId.ORIENTATION], re.I
        ):
            logistics.start_date = elsewhere.start_date
    return logistics


def build_record(state: IntakeState, context: IntakeContext) -> IntakeRecord:
    """Extract the structured record from every answer, then apply the clinician's corrections."""
    text = {s: section_text(state, s) for s in SECTION_ORDER}
    everything = "\n".join(text[s] for s in SECTION_ORDER if text[s])
    risk = extract_risk(everything, text[SectionId.RISK], text[SectionId.HISTORY], state.alias)
    focus = "\n".join(text[s] for s in (SectionId.PRESENTING_PROBLEM, SectionId.SYMPTOMS, SectionId.CLIENT_GOALS))
    context_text = "\n".join(
        text[s]
        for s in (
            SectionId.HISTORY,
            SectionId.RELATIONSHIPS,
            SectionId.DEFENSES_COPING,
            SectionId.SUBSTANCE_USE,
            SectionId.MEDICAL,
        )
    )
    who = f"{text[SectionId.IDENTIFYING]}\n{text[SectionId.PRESENTING_PROBLEM]}"
    participants = extract_participants(who)
    orientation = extract_orientation(text[SectionId.ORIENTATION], context.taxonomy)
    record = IntakeRecord(
        client=extract_client(who, state.alias),
        participants=participants,
        sections={s.value: text[s] for s in SECTION_ORDER if text[s]},
        problem_areas=rank_problem_areas(focus, context_text, context.taxonomy, context.area_scorer, risk),
        risk=risk,
        measures=extract_measures(
            everything, person_words(participants), state.reference_date, day_first(everything)
        ).measures,
        orientation=orientation.current,
        orientation_deferred=orientation.deferred,
        session=_logistics(text, everything, state.reference_date),
        client_words=extract_client_words(everything),
    )
    if state.llm_facts:
        record = merge_llm(record, record.model_copy(update=_facts_update(record, state.llm_facts)))
    if state.overrides:
        data = record.model_dump(mode="json")
        for path, value in state.overrides.items():
            _set_path(data, path, value)
        record = IntakeRecord.model_validate(data)
    return record


def _facts_update(record: IntakeRecord, facts: dict) -> dict:
    """An LLM pass's checked facts as a model_copy update of the record."""
    return {
        "client": ClientInfo(alias=record.client.alias, **facts.get("client", {})),
        "problem_areas": facts.get("problem_areas", []),
        "orientation": facts.get("orientation", []),
        "measures": [Measure(**m) for m in facts.get("measures", [])],
        "session": ReportedLogistics(**facts.get("session", {})),
        "client_words": facts.get("client_words", []),
    }


def merge_llm(rules: IntakeRecord, llm: IntakeRecord) -> IntakeRecord:
    """Fill what the rules missed from an LLM pass; the rules win wherever both have a value."""
    merged = rules.model_copy(deep=True)
    if merged.client.age is None:
        merged.client.age = llm.client.age
    if merged.client.pronouns is None:
        merged.client.pronouns = llm.client.pronouns
    for name in ("frequency", "duration_minutes", "start_date", "sessions", "review_interval_days", "format"):
        if getattr(merged.session, name) is None:
            setattr(merged.session, name, getattr(llm.session, name))
    known = {m.name for m in merged.measures}
    merged.measures += [m for m in llm.measures if m.name not in known]
    merged.orientation = merged.orientation or llm.orientation
    merged.problem_areas = list(dict.fromkeys([*merged.problem_areas, *llm.problem_areas]))[:6]
    merged.client_words = merged.client_words or llm.client_words
    return merged


# -- follow-ups -------------------------------------------------------------------------------


#: Lethality items of the Danger Assessment (Campbell et al. 2009) a clinician asks about once violence is disclosed.
_DANGER_ITEMS = (
    ("strangulation", "whether the other person has ever choked or strangled the client"),
    ("weapon held by the other person", "a weapon the other person has or could get"),
    ("threats to kill", "threats to kill"),
    ("children exposed", "children in the home"),
    ("escalation", "whether the violence is getting worse or more frequent"),
)


def _other_risk_followup(risk: RiskAssessment, asked: list[str]) -> tuple[str, str] | None:
    """The questions danger from others, psychosis and medical risk call for, each asked once."""
    danger = risk.danger_from_others
    if danger.status is RiskStatus.REPORTED and "risk_danger" not in asked:
        missing = [words for feature, words in _DANGER_ITEMS if feature not in danger.features]
        ask = f" What do you know about {', '.join(missing)}?" if missing else ""
        return (
            "risk_danger",
            f"You noted the client is in danger from someone else.{ask} Is it safe for the client to go home "
            "today, and has a domestic-abuse advocate or hotline been offered?",
        )
    psychosis = risk.psychosis
    if psychosis.status is RiskStatus.REPORTED and "risk_psychosis" not in asked:
        return (
            "risk_psychosis",
            "You noted psychotic experiences. Do the voices tell the client to do anything (to harm themselves or "
            "others)? Does the client feel they must act on the voices or beliefs? Is a psychiatrist or "
            "early-intervention team involved?",
        )
    if risk.medical.status is RiskStatus.REPORTED and "risk_medical" not in asked:
        return (
            "risk_medical",
            "You noted medical risk. Has a physician assessed it (vital signs, bloods, withdrawal management), "
            "and what would call for a higher level of care?",
        )
    return None


def _risk_followup(record: IntakeRecord, risk_text: str, asked: list[str]) -> tuple[str, str] | None:
    risk = record.risk
    said = extract_risk(risk_text, risk_text)
    if "risk_unclear" not in asked and said.status(RiskKind.SUICIDE) is RiskStatus.NOT_ASSESSED:
        if not said.assessed:
            return (
                "risk_unclear",
                "I couldn't tell from that whether suicidal thoughts, self-harm and thoughts of harming others were "
                "asked about. What did the client say about each? (If they were not assessed, type skip: the record "
                "will say 'not assessed', never 'denies'.)",
            )
        return (
            "risk_unclear",
            "Noted. Were suicidal thoughts asked about too? What did the client say? (If not assessed, type skip: "
            "the record will say 'not assessed', never 'denies'.)",
        )
    if other := _other_risk_followup(risk, asked):
        return other
    concerns = []
    if risk.suicidal_ideation not in (None, SuicidalIdeation.DENIED):
        concerns.append("suicidal thoughts")
    if risk.self_harm:
        concerns.append("self-harm")
    if not concerns:
        return None
    if "risk_details" not in asked:
        missing = []
        if risk.suicide_plan is None:
            missing.append("a plan")
        if risk.intent is None:
            missing.append("intent to act")
        if risk.means_access is None:
            missing.append("access to means (firearms, stockpiled medications)")
        if risk.recency is None and risk.self_harm_recency is None:
            missing.append("when it last happened")
        if missing:
            return (
                "risk_details",
                f"You noted the client has had {' and '.join(concerns)}. What do you know about {', '.join(missing)}?",
            )
    if "risk_protective" not in asked and not risk.protective_factors:
        return (
            "risk_protective",
            "What protective factors or reasons for living did the client name (people, pets, faith, plans)? "
            "The plan will include a safety plan written with the client.",
        )
    return None


def next_followup(state: IntakeState, record: IntakeRecord, taxonomy: Taxonomy) -> tuple[str, str] | None:
    """The follow-up this section's answers call for, if any (each is asked at most once)."""
    section = state.section
    if section is None:
        return None
    asked = state.asked.get(section.value, [])
    text = section_text(state, section)
    match section:
        case SectionId.IDENTIFYING:
            missing = [
                label
                for label, value in (("age", record.client.age), ("pronouns", record.client.pronouns))
                if value is None
            ]
            if missing and "identifying_details" not in asked:
                return "identifying_details", f"Do you know the client's {' and '.join(missing)}? (Type skip if not.)"
        case SectionId.RISK:
            return _risk_followup(record, text, asked)
        case SectionId.MEASURES:
            result = extract_measures(text)
            if result.errors and "measures_fix" not in asked:
                return "measures_fix", " ".join(result.errors) + " What was the correct score?"
            if result.missing_scores and "measures_scores" not in asked:
                names = ", ".join(result.missing_scores)
                return "measures_scores", f"You mentioned {names} without a score. What were the scores?"
        case SectionId.CLIENT_GOALS:
            if not record.client_words and "client_words" not in asked:
                return (
                    "client_words",
                    "Could you give one or two of the client's goals in their own words, in quotes — e.g. \"I want "
                    "to stop dreading Sundays\"? Plans are stronger with the client's voice in them. (Or type skip.)",
                )
        case SectionId.ORIENTATION:
            if not record.orientation and "orientation_choice" not in asked:
                choices = ", ".join(t.label for t in taxonomy.modalities)
                return "orientation_choice", f"I didn't recognise an orientation there. Which will you use? {choices}."
        case SectionId.LOGISTICS:
            missing = missing_logistics(record.session)
            if missing and "logistics_missing" not in asked:
                return "logistics_missing", f"To schedule the plan I still need {', '.join(missing)}."
    return None


# -- replies ----------------------------------------------------------------------------------


def question(state: IntakeState) -> str:
    """The question now awaiting an answer (a follow-up takes precedence)."""
    if state.complete:
        return "The intake is complete. Type 'summary' to review it, 'edit <section>' to change a section, or 'draft'."
    section = SECTIONS[state.section]
    number = state.position + 1
    return f"({number}/{len(SECTION_ORDER)} · {section.title}) {section.question}"


def summary(record: IntakeRecord, taxonomy: Taxonomy) -> str:
    """A plain-text digest of the record for the chat."""
    risk = record.risk
    if not risk.assessed:
        risk_line = "not assessed"
    elif risk.flagged:
        parts = []
        if risk.suicidal_ideation not in (None, SuicidalIdeation.DENIED):
            parts.append(f"{risk.suicidal_ideation.value} suicidal ideation")
        if risk.self_harm:
            parts.append("self-harm")
        if risk.homicidal_ideation:
            parts.append("homicidal ideation")
        for kind in FINDING_KINDS:
            finding = risk.finding(kind)
            if finding.status is RiskStatus.REPORTED:
                parts.append(f"{kind.label} ({', '.join(finding.features)})" if finding.features else kind.label)
        if risk.safeguarding:
            parts.append("safeguarding duty")
        for label, value in (
            ("plan", risk.suicide_plan),
            ("intent", risk.intent),
            ("access to means", risk.means_access),
        ):
            if value is not None:
                parts.append(f"{label}: {'yes' if value else 'no'}")
        risk_line = "FLAGGED — " + "; ".join(parts) + " (the plan must respond to each)"
    else:
        risk_line = "no current risk reported"
    session = record.session
    lines = [
        f"Client: {record.client.alias}"
        + (f", {record.client.age}" if record.client.age else "")
        + (f", {record.client.pronouns}" if record.client.pronouns else ""),
        "Problem areas: " + (", ".join(taxonomy.area_label(a) for a in record.problem_areas) or "none identified yet"),
        "Risk: " + risk_line,
        "Measures: " + ("; ".join(measure_phrase(m) for m in record.measures) or "none"),
        "Orientation: " + (", ".join(taxonomy.modality_label(o) for o in record.orientation) or "not chosen"),
        "Sessions: " + session_phrase(session),
        "Client's words: " + ("; ".join(f"“{w}”" for w in record.client_words) or "none quoted"),
    ]
    return "\n".join(lines)


_BAND_WORDS = {"minimal", "mild", "moderate", "moderately severe", "severe", "low", "medium", "high", "extreme"}


def measure_phrase(measure: Measure) -> str:
    """'GAD-7 16 — severe range', or just 'AUDIT-C 8' for an instrument without bands."""
    if not measure.severity:
        return f"{measure.name} {measure.display_score}"
    band = f"{measure.severity} range" if measure.severity in _BAND_WORDS else measure.severity
    return f"{measure.name} {measure.display_score} — {band}"


def _risk_phrases(before: RiskAssessment, after: RiskAssessment) -> list[str]:
    """The risk facts this answer recorded, in a supervisor's shorthand."""
    said: list[str] = []
    if after.suicidal_ideation != before.suicidal_ideation and after.suicidal_ideation is not None:
        said.append(
            {
                SuicidalIdeation.DENIED: "suicidal ideation denied",
                SuicidalIdeation.PASSIVE: "passive suicidal ideation",
                SuicidalIdeation.ACTIVE: "active suicidal ideation",
                SuicidalIdeation.PRESENT: "suicidal ideation (type not stated)",
            }[after.suicidal_ideation]
        )
    for name, label in (("suicide_plan", "plan"), ("intent", "intent"), ("means_access", "access to means")):
        value = getattr(after, name)
        if value is not None and value != getattr(before, name):
            said.append(f"{label} reported" if value else f"no {label}")
    if after.means and after.means != before.means:
        said.append("means named: " + ", ".join(after.means))
    if after.self_harm is not None and after.self_harm != before.self_harm:
        said.append("self-harm reported" if after.self_harm else "self-harm denied")
    if after.homicidal_ideation is not None and after.homicidal_ideation != before.homicidal_ideation:
        said.append("thoughts of harming others reported" if after.homicidal_ideation else "homicidal ideation denied")
    if after.prior_attempts is not None and after.prior_attempts != before.prior_attempts:
        said.append("prior attempts reported" if after.prior_attempts else "no prior attempts")
    for label, old, new in (
        ("last", before.recency, after.recency),
        ("self-harm last", before.self_harm_recency, after.self_harm_recency),
    ):
        if new and new != old:
            said.append(f"{label}: {new}")
    if after.protective_factors and after.protective_factors != before.protective_factors:
        said.append("protective factors: " + ", ".join(after.protective_factors))
    for kind in FINDING_KINDS:
        old_finding, new_finding = before.finding(kind), after.finding(kind)
        if new_finding.status is not old_finding.status or new_finding.features != old_finding.features:
            if new_finding.status is RiskStatus.REPORTED:
                details = f" ({', '.join(new_finding.features)})" if new_finding.features else ""
                said.append(f"{kind.label} reported{details}")
            elif new_finding.status is RiskStatus.DENIED:
                said.append(f"{kind.label} denied")
    if after.safeguarding and not before.safeguarding:
        said.append("safeguarding duty")
    return said


def recorded(before: IntakeRecord, after: IntakeRecord, taxonomy: Taxonomy, section: SectionId) -> str:
    """One line acknowledging what the last answer added to the record, as a supervisor would read it back."""
    said: list[str] = []
    if after.client.age is not None and after.client.age != before.client.age:
        said.append(f"age {after.client.age}")
    if after.client.pronouns and after.client.pronouns != before.client.pronouns:
        said.append(after.client.pronouns)
    new_areas = [a for a in after.problem_areas if a not in before.problem_areas]
    if new_areas:
        said.append("problem areas: " + ", ".join(taxonomy.area_label(a) for a in new_areas))
    said += _risk_phrases(before.risk, after.risk)
    said += [measure_phrase(m) for m in after.measures if m not in before.measures]
    new_orientation = [o for o in after.orientation if o not in before.orientation]
    if new_orientation:
        said.append("orientation: " + ", ".join(taxonomy.modality_label(o) for o in new_orientation))
    if after.session != before.session:
        said.append("sessions: " + session_phrase(after.session))
    quotes = len(after.client_words) - len(before.client_words)
    if quotes > 0:
        said.append(f"{quotes} quote{'s' if quotes != 1 else ''} in the client's words")
    if not said:
        return f"Recorded under {SECTIONS[section].title}."
    line = "Recorded: " + "; ".join(said) + "."
    if after.risk.flagged and not before.risk.flagged:
        line += " Risk is flagged: the plan will need a safety plan."
    return line


def session_phrase(session: ReportedLogistics) -> str:
    """'weekly, 50 minutes, from 2026-12-07, 20 sessions, review every 90 days, in person' (what is known)."""
    return (
        ", ".join(
            v
            for v in (
                session.frequency,
                f"{session.duration_minutes} minutes" if session.duration_minutes else None,
                f"from {session.start_date.isoformat()}" if session.start_date else None,
                f"{session.sessions} sessions" if session.sessions else None,
                f"review every {session.review_interval_days} days" if session.review_interval_days else None,
                session.format,
            )
            if v
        )
        or "not set"
    )


# -- the state machine ------------------------------------------------------------------------


def start(alias: str, today: date | None = None) -> tuple[IntakeState, Reply]:
    """A fresh intake for a client alias, and the first question."""
    state = IntakeState(alias=alias, reference_date=today or date.today())
    greeting = (
        f"Starting the intake for {alias}. I'll ask about {len(SECTION_ORDER)} areas; answer in your own words, "
        "and type 'help' for commands.\n\n" + question(state)
    )
    return state, Reply(greeting)


def _match_section(name: str) -> SectionId | None:
    wanted = name.strip().lower().replace(" ", "_").replace("-", "_")
    ids = [s.value for s in SECTION_ORDER]
    if wanted in ids:
        return SectionId(wanted)
    by_title = {SECTIONS[s].title.lower(): s for s in SECTION_ORDER}
    close = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.6) or difflib.get_close_matches(
        name.strip().lower(), list(by_title), n=1, cutoff=0.6
    )
    if not close:
        return None
    return SectionId(close[0]) if close[0] in ids else by_title[close[0]]


def _likely_typo(text: str) -> str | None:
    words = text.lower().split()
    if not words or len(words) > 2 or words[0] in COMMANDS:
        return None
    close = difflib.get_close_matches(words[0], COMMANDS, n=1, cutoff=0.75)
    if close and (len(words) == 1 or close[0] == "edit"):
        return close[0]
    return None


def _advance(state: IntakeState) -> None:
    state.followup = None
    state.replace_next = False
    if state.return_to is not None:
        state.position, state.return_to = state.return_to, None
    else:
        state.position += 1
    # Skip sections already answered (after an edit, or when resuming past them).
    while not state.complete and state.answers.get(state.section.value):
        state.position += 1


def step(state: IntakeState, message: str, context: IntakeContext) -> tuple[IntakeState, Reply]:
    """Take one clinician message; return the new state and the reply. The input state is not modified."""
    state = state.model_copy(deep=True)
    text = message.strip()
    if not text:
        return state, Reply("That message was empty, so nothing was recorded. " + question(state))
    note = ""
    if len(text) > MAX_ANSWER_CHARS:
        note = (
            f"That message is {len(text):,} characters; the first {MAX_ANSWER_CHARS:,} were used as the answer. "
            "The whole message is kept in the conversation history. "
        )
        text = text[:MAX_ANSWER_CHARS]

    repeated_typo = state.pending_typo is not None and state.pending_typo == text
    state.pending_typo = None
    command, _, argument = text.partition(" ")
    command = command.lower()
    if command in COMMANDS and (command == "edit" or not argument.strip()):
        return _command(state, command, argument.strip(), context)
    if not repeated_typo and (suggestion := _likely_typo(text)):
        state.pending_typo = text
        return state, Reply(
            f"Did you mean the command '{suggestion}'? Nothing was recorded. If '{text}' was your answer, "
            "send it again and I'll take it as written."
        )
    return _answer(state, text, context, note)


def _scoring_once(context: IntakeContext) -> IntakeContext:
    """The context with an area scorer that scores each text once for the length of one answer (a local memo that
    lives only as long as the call, so no client's words outlive it)."""
    if context.area_scorer is None:
        return context
    scorer, seen = context.area_scorer, {}

    def once(text: str) -> dict[str, float]:
        if text not in seen:
            seen[text] = scorer(text)
        return seen[text]

    return dataclasses.replace(context, area_scorer=once)


def _answer(state: IntakeState, text: str, context: IntakeContext, note: str) -> tuple[IntakeState, Reply]:
    if state.complete:
        return state, Reply(
            note + "The intake is already complete, so that message was kept in the conversation but not added to a "
            "section. To change a section, type 'edit <section>' (e.g. 'edit history')."
        )
    context = _scoring_once(context)  # the record before and after this answer often score the same text
    before = build_record(state, context)
    section = state.section.value
    if state.followup is None and state.replace_next:
        state.answers[section] = [text]
        state.replace_next = False
    else:
        # A few follow-ups ask for a list; label the answer so it reads (and extracts) as what it is.
        label = FOLLOWUP_LABELS.get(state.followup or "")
        state.answers.setdefault(section, []).append(f"{label}: {text}" if label else text)
    if section in state.skipped:
        state.skipped.remove(section)
    state.followup = None
    record = build_record(state, context)
    acknowledgement = note + recorded(before, record, context.taxonomy, SectionId(section))
    follow = next_followup(state, record, context.taxonomy)
    if follow is not None:
        followup_id, follow_text = follow
        state.followup = followup_id
        state.asked.setdefault(section, []).append(followup_id)
        return state, Reply(f"{acknowledgement} {follow_text}", record=record)
    _advance(state)
    return state, Reply(f"{acknowledgement}\n\n{question(state)}", record=record)


def _command(state: IntakeState, command: str, argument: str, context: IntakeContext) -> tuple[IntakeState, Reply]:
    match command:
        case "help":
            return state, Reply(HELP + "\n\n" + question(state))
        case "summary":
            return state, Reply(summary(build_record(state, context), context.taxonomy) + "\n\n" + question(state))
        case "draft":
            if not state.answers:
                return state, Reply("There is nothing to draft from yet. " + question(state))
            return state, Reply("The intake is saved and ready for drafting.", action="draft")
        case "skip":
            if state.complete:
                return state, Reply("Nothing to skip: " + question(state))
            section = state.section.value
            if state.followup is None and not state.answers.get(section) and section not in state.skipped:
                state.skipped.append(section)
            _advance(state)
            return state, Reply("Skipped.\n\n" + question(state))
        case "back":
            target = state.position - 1
            if target < 0:
                return state, Reply("This is the first section already. " + question(state))
            if state.return_to is None:
                state.return_to = state.position
            state.position, state.followup, state.replace_next = target, None, True
            return state, Reply(_revisit(state))
        case "edit":
            target = _match_section(argument) if argument else None
            if target is None:
                choices = ", ".join(s.value for s in SECTION_ORDER)
                return state, Reply(f"Which section? Type 'edit <section>' with one of: {choices}.")
            if state.return_to is None:
                state.return_to = state.position
            state.position, state.followup, state.replace_next = SECTION_ORDER.index(target), None, True
            return state, Reply(_revisit(state))
    raise AssertionError(f"unhandled command {command}")  # pragma: no cover


def _revisit(state: IntakeState) -> str:
    current = section_text(state, state.section)
    shown = f"What you wrote before:\n{current}\n\n" if current else "Nothing was recorded for this section yet.\n\n"
    return shown + "Your next message replaces it. " + question(state)


def progress(state: IntakeState) -> tuple[int, int]:
    """Sections done and the total, for the progress bar."""
    return len(state.done_sections()), len(SECTION_ORDER)
