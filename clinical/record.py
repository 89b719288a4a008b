"""The structured intake record: what the clinician reported, in fields drafting can use.

Tri-state fields matter clinically: `None` means "not assessed / not mentioned", `False` means the
clinician reported a denial, `True` means it was reported present. Nothing is ever inferred.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clinical.documents import SCHEMA_VERSION_DESCRIPTION, StoredDocument, renamed
from clinical.risk import PLAN_ELEMENTS, RiskAssessment, RiskKind
from clinical.vocabulary import (
    MAX_AGE,
    MIN_AGE,
    PLANNED_SESSIONS,
    REVIEW_DAYS,
    SESSION_MINUTES,
    Frequency,
    SessionFormat,
)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (however deep, models included) replaced by U+FFFD;
    the very same object when there is none.

    A model's JSON can carry one (`"\\ud800"` parses to it); it cannot be written as UTF-8, so a record or plan
    holding one could be neither saved nor exported."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, BaseModel):
        changes = {name: new for name, old in value.__dict__.items() if (new := scrub(old)) is not old}
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, dict):
        pairs = [(scrub(key), scrub(item)) for key, item in value.items()]
        changed = any(k is not key or v is not item for (k, v), (key, item) in zip(pairs, value.items(), strict=True))
        return dict(pairs) if changed else value
    if isinstance(value, (list, tuple)):
        items = [scrub(item) for item in value]
        return type(value)(items) if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


class SectionId(StrEnum):
    """The intake's sections, in their default order."""

    IDENTIFYING = "identifying"
    PRESENTING_PROBLEM = "presenting_problem"
    SYMPTOMS = "symptoms"
    HISTORY = "history"
    RELATIONSHIPS = "relationships"
    DEFENSES_COPING = "defenses_coping"
    RISK = "risk"
    SUBSTANCE_USE = "substance_use"
    MEDICAL = "medical"
    STRENGTHS = "strengths"
    PRIOR_TREATMENT = "prior_treatment"
    MEASURES = "measures"
    CLIENT_GOALS = "client_goals"
    ORIENTATION = "orientation"
    LOGISTICS = "logistics"


SECTION_ORDER: tuple[SectionId, ...] = tuple(SectionId)


class ClientInfo(BaseModel):
    """Minimal identifying information: an alias chosen by the clinician, never a real name."""

    alias: str = Field(description="The clinician's alias for the client (initials or a pseudonym).")
    age: int | None = Field(default=None, ge=MIN_AGE, le=MAX_AGE, description="Age in years, if reported.")
    pronouns: str | None = Field(default=None, description="Pronouns, e.g. she/her, if reported.")


class Participant(BaseModel):
    """One person in the room in couple or family work, as the intake names them (a name fragment or initial)."""

    name: str = Field(description="How the intake refers to them: an initial, a first name or a role.")
    role: str | None = Field(default=None, description='Their role in the family, if written ("mother").')
    age: int | None = Field(default=None, ge=MIN_AGE, le=MAX_AGE)
    pronouns: str | None = None


class Measure(BaseModel):
    """A standardized measure and its score, as reported. Repeated administrations are kept, each as written."""

    name: str = Field(description='Canonical instrument name, e.g. "PHQ-9".')
    score: int | float = Field(description="The reported total score (a whole number unless written otherwise).")
    severity: str | None = Field(default=None, description="Conventional severity band for the score, if any.")
    person: str | None = Field(default=None, description="Whose score, when several people were measured.")
    administered: date | None = Field(default=None, description="When it was given, if the intake says.")

    @field_validator("score")
    @classmethod
    def _whole_numbers_as_int(cls, score: int | float) -> int | float:
        return int(score) if float(score).is_integer() else score

    @property
    def display_score(self) -> str:
        """The score without a trailing .0."""
        return f"{self.score:g}"


#: Session frequencies as the intake records them, most frequent first, and the formats of delivery (as words).
SESSION_FREQUENCIES: tuple[str, ...] = tuple(Frequency)
SESSION_FORMATS: tuple[str, ...] = tuple(SessionFormat)


class ReportedLogistics(BaseModel):
    """Logistics of the treatment as reported."""

    frequency: Frequency | None = Field(default=None, description='e.g. "weekly", "twice weekly", "every other week".')
    duration_minutes: int | None = Field(
        default=None, ge=SESSION_MINUTES[0], le=SESSION_MINUTES[1], description="Session length in minutes."
    )
    start_date: date | None = Field(default=None, description="Planned first session (ISO date).")
    sessions: int | None = Field(
        default=None, ge=PLANNED_SESSIONS[0], le=PLANNED_SESSIONS[1], description="Number of sessions, if set."
    )
    review_interval_days: int | None = Field(
        default=None, ge=REVIEW_DAYS[0], le=REVIEW_DAYS[1], description="Days between plan reviews."
    )
    format: SessionFormat | None = Field(default=None, description='"in person", "telehealth" or "hybrid", if said.')


def _record_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2: `risk.plan` is `risk.suicide_plan`; an age outside the accepted range is unknown."""
    data = renamed(data, "risk.plan", "suicide_plan")
    client = data.get("client")
    if isinstance(client, dict) and client.get("age") is not None and not MIN_AGE <= client["age"] <= MAX_AGE:
        client["age"] = None
    return data


class IntakeRecord(StoredDocument):
    """Everything the intake established, extracted from the clinician's own words."""

    model_config = ConfigDict(use_enum_values=False)
    SCHEMA_VERSION: ClassVar[int] = 2
    UPGRADES: ClassVar = {1: _record_v2}

    schema_version: int = Field(default=2, description=SCHEMA_VERSION_DESCRIPTION)

    client: ClientInfo
    sections: dict[str, str] = Field(default_factory=dict, description="Section id → the clinician's text.")
    problem_areas: list[str] = Field(default_factory=list, description="Library problem-area ids, best first.")
    risk: RiskAssessment = Field(default_factory=RiskAssessment)
    measures: list[Measure] = Field(default_factory=list)
    orientation: list[str] = Field(default_factory=list, description="Modality ids chosen for the work now.")
    orientation_deferred: list[str] = Field(
        default_factory=list, description="Modality ids the clinician put off until later or ruled out for now."
    )
    participants: list[Participant] = Field(
        default_factory=list, description="Each person in the room in couple or family work."
    )
    session: ReportedLogistics = Field(default_factory=ReportedLogistics)
    client_words: list[str] = Field(default_factory=list, description="The client's own words, quoted.")
    updated_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _writable_text(cls, data: Any) -> Any:
        return scrub(data)

    def export(self) -> dict:
        """The record as JSON-ready data, with `risk.flagged`, `risk.assessed`, each kind's status and the plan
        elements the reported kinds require spelled out."""
        data = self.model_dump(mode="json")
        data["risk"]["flagged"] = self.risk.flagged
        data["risk"]["assessed"] = self.risk.assessed
        data["risk"]["status"] = {kind.value: self.risk.status(kind).value for kind in RiskKind}
        data["risk"]["requires"] = {kind.value: PLAN_ELEMENTS[kind].model_dump() for kind in self.risk.reported_kinds}
        return data
