"""The optional LLM extraction pass: a model reads the intake notes and fills what the rules missed.

Its answer is checked before use: unknown ids are dropped, measures must be known instruments within
range, quotes must appear verbatim in the notes, and the rules win wherever both found a value.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, ValidationError

from chains.prompts import EXTRACTION_PROMPT
from chains.redact import redact
from chains.schemas import derived, fits
from clinical.extraction.measures import extract_measures
from clinical.record import (
    SESSION_FORMATS,
    SESSION_FREQUENCIES,
    ClientInfo,
    IntakeRecord,
    Measure,
    ReportedLogistics,
    SectionId,
)
from knowledge.models import Taxonomy

LLMMeasure = derived(
    Measure,
    "LLMMeasure",
    "A measure and score the model read.",
    ("name", "score"),
    types={"score": float},
    notes={"name": "Standard short name, e.g. PHQ-9.", "score": "The total score as written."},
    required=("name", "score"),
)
#: Dates as the model writes them (checked when read): a malformed one costs that date, not the whole answer.
LLMSession = derived(
    ReportedLogistics,
    "LLMSession",
    "Logistics the model read; leave unknown fields empty.",
    ("frequency", "duration_minutes", "start_date", "sessions", "review_interval_days", "format"),
    types={"start_date": str, "frequency": str, "format": str},
    notes={
        "frequency": "One of: " + ", ".join(SESSION_FREQUENCIES),
        "start_date": "First session as YYYY-MM-DD.",
        "format": "One of: " + ", ".join(SESSION_FORMATS),
    },
)
_CLIENT = {"age": ClientInfo.model_fields["age"], "pronouns": ClientInfo.model_fields["pronouns"]}
_RECORD = IntakeRecord.model_fields


class LLMIntakeFacts(BaseModel):
    """Facts stated in the intake notes. Leave anything not explicitly stated empty."""

    age: int | None = Field(default=None, description=_CLIENT["age"].description)
    pronouns: str | None = Field(default=None, description=_CLIENT["pronouns"].description)
    problem_areas: list[str] = Field(default_factory=list, description="Problem-area ids that the notes describe.")
    orientation: list[str] = Field(default_factory=list, description=_RECORD["orientation"].description)
    measures: list[LLMMeasure] = Field(default_factory=list)
    session: LLMSession = Field(default_factory=LLMSession)
    client_words: list[str] = Field(default_factory=list, description=_RECORD["client_words"].description)


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
    # Each value is kept only if the domain model accepts it (its types and limits), one field at a time.
    session = {
        name: value if fits(ReportedLogistics, name, value) else None
        for name, value in facts.session.model_dump().items()
    }
    return {
        "client": {
            "age": facts.age if fits(ClientInfo, "age", facts.age, alias="-") else None,
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
