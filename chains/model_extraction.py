"""The optional LLM extraction pass: a model reads the intake notes and fills what the rules missed.

Its answer is checked before use: unknown ids are dropped, measures must be known instruments within
range, quotes must appear verbatim in the notes, and the rules win wherever both found a value.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, ValidationError

from chains.prompts import EXTRACTION_PROMPT
from chains.redact import redact
from clinical.extraction.measures import extract_measures
from clinical.record import IntakeRecord, SectionId
from knowledge.models import Taxonomy


class LLMMeasure(BaseModel):
    """A measure and score the model read."""

    name: str = Field(description="Standard short name, e.g. PHQ-9.")
    score: float = Field(description="The total score as written.")


class LLMSession(BaseModel):
    """Logistics the model read; leave unknown fields empty."""

    frequency: str | None = Field(default=None, description="weekly, twice weekly, every other week or monthly")
    duration_minutes: int | None = Field(default=None, description="Minutes per session.")
    start_date: str | None = Field(default=None, description="First session as YYYY-MM-DD.")
    sessions: int | None = Field(default=None, description="Number of sessions, if stated.")
    review_interval_days: int | None = Field(default=None, description="Days between plan reviews.")


class LLMIntakeFacts(BaseModel):
    """Facts stated in the intake notes. Leave anything not explicitly stated empty."""

    age: int | None = Field(default=None, description="Client's age in years.")
    pronouns: str | None = Field(default=None, description="Client's pronouns, e.g. she/her.")
    problem_areas: list[str] = Field(default_factory=list, description="Problem-area ids that the notes describe.")
    orientation: list[str] = Field(default_factory=list, description="Modality ids the clinician chose.")
    measures: list[LLMMeasure] = Field(default_factory=list)
    session: LLMSession = Field(default_factory=LLMSession)
    client_words: list[str] = Field(default_factory=list, description="The client's own words, quoted verbatim.")


FREQUENCIES = {"weekly", "twice weekly", "three times weekly", "every other week", "monthly"}


def notes_text(record: IntakeRecord) -> str:
    """The intake as labelled sections of plain text."""
    return "\n\n".join(
        f"[{section.value}]\n{record.sections[section.value]}"
        for section in SectionId
        if record.sections.get(section.value)
    )


def checked(facts: LLMIntakeFacts, record: IntakeRecord, taxonomy: Taxonomy) -> dict:
    """The model's facts reduced to what can be trusted, as IntakeRecord-shaped data."""
    areas = {t.id for t in taxonomy.problem_areas}
    modalities = {t.id for t in taxonomy.modalities}
    notes = notes_text(record)
    measures = []
    for measure in facts.measures:
        found = extract_measures(f"{measure.name} {measure.score:g}").measures
        measures += [m.model_dump() for m in found]
    session = facts.session.model_dump()
    if session["frequency"] not in FREQUENCIES:
        session["frequency"] = None
    try:
        session["start_date"] = date.fromisoformat(session["start_date"]).isoformat() if session["start_date"] else None
    except ValueError:
        session["start_date"] = None
    for key, low, high in (("duration_minutes", 5, 480), ("sessions", 1, 1000), ("review_interval_days", 1, 730)):
        if session[key] is not None and not low <= session[key] <= high:
            session[key] = None
    return {
        "client": {
            "age": facts.age if facts.age is not None and 1 <= facts.age <= 110 else None,
            "pronouns": facts.pronouns if facts.pronouns and len(facts.pronouns) <= 20 else None,
        },
        "problem_areas": [a for a in facts.problem_areas if a in areas],
        "orientation": [m for m in facts.orientation if m in modalities],
        "measures": measures,
        "session": session,
        "client_words": [w for w in facts.client_words if w and w in notes],
    }


class LLMExtractionFailed(RuntimeError):
    """The model was unreachable, too slow, or answered with something unusable."""


def extract_with_llm(structured_model, record: IntakeRecord, taxonomy: Taxonomy, redact_identifiers: bool) -> dict:
    """Ask the model for the facts and return the checked ones (see `checked`)."""
    notes = notes_text(record)
    if redact_identifiers:
        notes = redact(notes, [record.client.alias])
    prompt = EXTRACTION_PROMPT.invoke(
        {
            "notes": notes,
            "area_ids": ", ".join(t.id for t in taxonomy.problem_areas),
            "modality_ids": ", ".join(t.id for t in taxonomy.modalities),
        }
    )
    try:
        raw = structured_model.invoke(prompt)
        facts = raw if isinstance(raw, LLMIntakeFacts) else LLMIntakeFacts.model_validate(raw)
    except ValidationError as error:
        raise LLMExtractionFailed(
            f"the model's answer did not fit the record ({error.error_count()} problems)"
        ) from error
    except Exception as error:  # network, timeout, provider errors: the intake must go on without the model
        raise LLMExtractionFailed(f"the model could not be used: {type(error).__name__}: {error}") from error
    return checked(facts, record, taxonomy)
