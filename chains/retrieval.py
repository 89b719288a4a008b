"""What a draft is composed from: the case picture, the pathways it calls for, the problem areas to plan for, and
the library's candidate goals, objectives and interventions for each — retrieved for the client's concern in the
chosen orientation, with every entry the case contraindicates or cannot presume already left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from clinical.case import CasePicture, case_picture, unsuitable
from clinical.record import IntakeRecord, SectionId
from clinical.risk import DANGER_FEATURES, MEDICAL_FEATURES, PSYCHOSIS_FEATURES, RiskKind, RiskStatus
from knowledge.index import LibraryIndex
from knowledge.loader import Library, default_library
from knowledge.models import Entry, Kind
from knowledge.pathways import Pathway, Pathways, pathways_for

#: Risk features a pathway may name (its `detect.risk_features` and referral `when`).
RISK_FEATURES = frozenset((*DANGER_FEATURES, *PSYCHOSIS_FEATURES, *MEDICAL_FEATURES))
#: Risk areas and the kind of risk each answers: planned only when that kind is reported now (a history of it is
#: monitored, not made a goal).
_RISK_AREAS = {"self-harm": RiskKind.SELF_HARM, "suicidality": RiskKind.SUICIDE}
#: The least evidence for a presentation with goals of its own (a name in the presenting problem; a word anywhere in
#: the intake only supports one, unless it sits beside psychosis or self-harm).
MIN_WEIGHT = 3
#: The most presentations a first plan addresses besides those reported as risk (a plan for everything is a plan
#: for nothing).
MAX_PRESENTATIONS = 3


@dataclass
class DraftInputs:
    """What the composer works from: the record, its case picture and pathways, the areas to plan for, and
    retrieved candidates."""

    record: IntakeRecord
    areas: list[str]
    candidates: dict[str, dict[Kind, list[Entry]]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    case: CasePicture = field(default_factory=CasePicture)
    #: The pathways the plan follows, in plan order (risk first).
    pathways: list[Pathway] = field(default_factory=list)
    library_pathways: Pathways | None = None
    library: Library | None = None

    def allowed(self, entry: Entry) -> bool:
        """Whether the case lets this entry be drafted (see `allowed`)."""
        return allowed(entry, self.case, self.pathways)


def allowed(entry: Entry, case: CasePicture, pathways: list[Pathway]) -> bool:
    """Whether an entry may be drafted for this case (`clinical.case.unsuitable` gives the reasons it may not)."""
    return unsuitable(entry, case, (tag for p in pathways for tag in p.avoid_tags)) is None


def plan_pathways(case: CasePicture, pathways: Pathways) -> list[Pathway]:
    """The pathways a first plan follows: every one a reported risk or safeguarding duty calls for, then the
    leading other presentations."""
    chosen: list[Pathway] = []
    others = 0
    urgent = [p for p in case.presentations if p.weight >= 8 and pathways.by_id[p.pathway].areas]
    limit = max(2, MAX_PRESENTATIONS - len(urgent))  # fewer other presentations beside urgent ones
    for presentation in case.presentations:
        pathway = pathways.by_id[presentation.pathway]
        if presentation.weight >= 8 or not pathway.areas:  # risk, or coordination work that adds no goal
            chosen.append(pathway)
        elif presentation.weight < MIN_WEIGHT:
            continue  # a passing mention elsewhere in the intake is not a presentation to plan for
        elif others < limit:
            chosen.append(pathway)
            others += 1
    return chosen


def choose_areas(
    record: IntakeRecord, case: CasePicture, pathways: list[Pathway], catalogue: Pathways, limit: int = 3
) -> list[str]:
    """The problem areas the plan's goals address: each chosen pathway's areas, then the intake's leading areas that
    no pathway answers for (an area with a pathway is planned through it, or not at all) — never a risk area the
    intake does not report now."""
    with_pathway = {a for p in catalogue.pathways for a in p.detect.areas}
    ordered = [a for p in pathways for a in p.areas]
    ordered += [*record.risk.urgent_areas, *(a for a in record.problem_areas[:limit] if a not in with_pathway)]
    return [a for a in dict.fromkeys(ordered) if not _denied_area(a, case)] or ["depression"]


def _denied_area(area: str, case: CasePicture) -> bool:
    """A risk area the intake does not report now (a word like "cutting" alone is not self-harm)."""
    kind = _RISK_AREAS.get(area)
    return kind is not None and case.status(kind) != RiskStatus.REPORTED.value


def gather(
    record: IntakeRecord, index: LibraryIndex, today: date | None = None, library: Library | None = None
) -> DraftInputs:
    """Read the case, choose its pathways, and retrieve allowed candidates for each area in the chosen orientation."""
    library = library or default_library()
    all_pathways = pathways_for(library, RISK_FEATURES)
    case = case_picture(record, all_pathways)
    chosen = plan_pathways(case, all_pathways)
    case.planned = [p.id for p in chosen]
    inputs = DraftInputs(
        record=record,
        areas=choose_areas(record, case, chosen, all_pathways),
        today=today or date.today(),
        case=case,
        pathways=chosen,
        library_pathways=all_pathways,
        library=library,
    )
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
                if (entry := index.get(hit.id)) is not None and inputs.allowed(entry)
            ]
            for kind in (Kind.GOAL, Kind.OBJECTIVE, Kind.INTERVENTION)
        }
    return inputs
