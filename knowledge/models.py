"""Typed shapes of the knowledge library: the vocabulary and the entries built on it."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

#: Placeholders an entry's text may carry; the drafting step fills them from the intake.
PLACEHOLDERS = frozenset({"target_date", "baseline", "target", "measure", "frequency", "review_interval"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: How each placeholder reads where an entry is shown as it stands in the library (filled in when drafted).
_BLANKS = {
    "target_date": "[target date]",
    "baseline": "[baseline]",
    "target": "[target]",
    "measure": "[measure]",
    "frequency": "[frequency]",
    "review_interval": "[review interval]",
}


def readable(text: str) -> str:
    """An entry's text with its placeholders as readable blanks: "… by {target_date}" → "… by [target date]"."""
    return _PLACEHOLDER.sub(lambda m: _BLANKS.get(m.group(1), "[…]"), text)


class Kind(StrEnum):
    """What an entry is for in a plan. `reference` marks passages from the clinician's own documents."""

    GOAL = "goal"
    OBJECTIVE = "objective"
    INTERVENTION = "intervention"
    REFERENCE = "reference"


class Category(StrEnum):
    """The intervention elements a treatment plan names."""

    TECHNIQUE = "technique"
    HOMEWORK = "homework"
    PSYCHOEDUCATION = "psychoeducation"
    SKILL_BUILDING = "skill-building"
    EMOTIONAL_PROCESSING = "emotional-processing"
    RELATIONSHIP = "relationship"
    CRISIS_SAFETY = "crisis-safety"
    EVALUATION = "evaluation"


class Term(BaseModel):
    """One item of the controlled vocabulary (a problem area, modality or category)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    id: str = Field(pattern=SLUG, description="Stable slug used in entries and records.")
    label: str = Field(min_length=1, description="Name shown to clinicians.")
    terms: tuple[str, ...] = Field(default=(), description="Words clinicians use for it (lower case).")


class Taxonomy(BaseModel):
    """The vocabulary every entry is checked against."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    problem_areas: tuple[Term, ...]
    modalities: tuple[Term, ...]
    categories: tuple[Term, ...]
    populations: tuple[Term, ...] = ()
    conditions: tuple[Term, ...] = Field(
        default=(), description="Facts about a case an entry can be contraindicated by or presume."
    )

    def area_label(self, area_id: str) -> str:
        """The clinician-facing name of a problem area (the id when unknown)."""
        return next((t.label for t in self.problem_areas if t.id == area_id), area_id)

    def modality_label(self, modality_id: str) -> str:
        """The clinician-facing name of a modality (the id when unknown)."""
        return next((t.label for t in self.modalities if t.id == modality_id), modality_id)

    def population_label(self, population_id: str) -> str:
        """The clinician-facing name of a population (the id when unknown)."""
        return next((t.label for t in self.populations if t.id == population_id), population_id)

    def condition_label(self, condition_id: str) -> str:
        """The clinician-facing wording of a case condition (the id when unknown)."""
        return next((t.label for t in self.conditions if t.id == condition_id), condition_id)

    def category_label(self, category_id: str) -> str:
        """The clinician-facing name of an intervention category (the id when unknown)."""
        return next((t.label for t in self.categories if t.id == category_id), category_id)


class Entry(BaseModel):
    """One goal, objective, intervention or reference passage the library can suggest.

    `source` says where it came from: `library:<file>` for curated entries, the file
    name (and page) for a clinician's reference document.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    id: str = Field(pattern=SLUG, max_length=120, description="Stable slug; cited as the source of a suggestion.")
    kind: Kind = Field(description="goal, objective, intervention or reference.")
    text: str = Field(min_length=12, max_length=4000, description="The wording, usable as written in a plan.")
    problem_areas: tuple[str, ...] = Field(min_length=1, description="Problem-area ids this entry serves.")
    modalities: tuple[str, ...] = Field(default=(), description="Modality ids it belongs to; empty means any.")
    category: Category | None = Field(default=None, description="Intervention element (interventions only).")
    goals: tuple[str, ...] = Field(default=(), description="Ids of the goals this objective or intervention serves.")
    measure: str | None = Field(default=None, description="Instrument an objective is measured with, e.g. PHQ-9.")
    frequency: str | None = Field(default=None, description="Suggested frequency for an intervention.")
    tags: tuple[str, ...] = Field(default=(), description="Extra search words (synonyms, named techniques).")
    populations: tuple[str, ...] = Field(
        default=(), description="Population ids it is written for (adult, couple, perinatal…); empty means any."
    )
    contraindications: tuple[str, ...] = Field(
        default=(), description="Condition ids under which it must not be drafted (e.g. ipv-present for couple work)."
    )
    presumes: tuple[str, ...] = Field(
        default=(),
        description="Condition ids it takes for granted (e.g. prior-attempt); drafted only when established.",
    )
    source: str = Field(default="", description="Where the entry came from.")

    @field_validator("text")
    @classmethod
    def _known_placeholders(cls, text: str) -> str:
        unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
        if unknown:
            raise ValueError(
                f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}; "
                f"allowed: {', '.join('{' + n + '}' for n in sorted(PLACEHOLDERS))}"
            )
        return text.strip()

    def index_text(self, taxonomy: Taxonomy) -> str:
        """The text both search channels index: wording plus problem-area names and tags."""
        areas = ", ".join(taxonomy.area_label(a) for a in self.problem_areas)
        parts = [self.text, f"({areas})"]
        if self.tags:
            parts.append(" ".join(self.tags))
        return " ".join(parts)
