"""What a draft is composed from: the problem areas to plan for, and the library's candidate goals, objectives and
interventions for each, retrieved for the client's concern in the chosen orientation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from clinical.record import IntakeRecord, SectionId
from knowledge.index import LibraryIndex
from knowledge.models import Entry, Kind


@dataclass
class DraftInputs:
    """What the composer works from: the record, the areas to plan for, and retrieved candidates."""

    record: IntakeRecord
    areas: list[str]
    candidates: dict[str, dict[Kind, list[Entry]]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)


def choose_areas(record: IntakeRecord, limit: int = 3) -> list[str]:
    """The problem areas the plan's goals address: the top ones, with reported suicidality first."""
    urgent = record.risk.urgent_areas
    ordered = list(dict.fromkeys([*urgent, *record.problem_areas]))
    return ordered[: max(limit, len(urgent) + 1)] or ["depression"]


def gather(record: IntakeRecord, index: LibraryIndex, today: date | None = None) -> DraftInputs:
    """Retrieve goal, objective and intervention candidates for each chosen area, in the chosen orientation."""
    inputs = DraftInputs(record=record, areas=choose_areas(record), today=today or date.today())
    concern = " ".join(
        record.sections.get(s.value, "") for s in (SectionId.PRESENTING_PROBLEM, SectionId.SYMPTOMS)
    ).strip()[:1500]
    modalities = record.orientation or None
    concern_vector = index.embed_query(concern) if concern else None
    for area in inputs.areas:
        query, vector = (concern, concern_vector) if concern else (area, index.embed_query(area))
        inputs.candidates[area] = {
            kind: [
                entry
                for hit in index.search(
                    query, k=30, kinds=[kind], modalities=modalities, areas=[area], query_vector=vector
                )
                if (entry := index.get(hit.id)) is not None
            ]
            for kind in (Kind.GOAL, Kind.OBJECTIVE, Kind.INTERVENTION)
        }
    return inputs
