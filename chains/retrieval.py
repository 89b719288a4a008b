"""What a draft is composed from: the case picture, the pathways it calls for, the problem areas to plan for, and
the library's candidate goals, objectives and interventions for each — retrieved for the client's concern in the
chosen orientation, with every entry the case contraindicates or cannot presume already left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from clinical.case import CasePicture, case_picture
from clinical.record import IntakeRecord, SectionId
from clinical.risk import DANGER_FEATURES, MEDICAL_FEATURES, PSYCHOSIS_FEATURES
from knowledge.index import LibraryIndex
from knowledge.loader import Library, load_library
from knowledge.models import Entry, Kind
from knowledge.pathways import Pathway, Pathways, load_pathways

#: Risk features a pathway may name (its `detect.risk_features` and referral `when`).
RISK_FEATURES = frozenset((*DANGER_FEATURES, *PSYCHOSIS_FEATURES, *MEDICAL_FEATURES, "active-suicide-risk"))
#: The most presentations a first plan addresses besides those reported as risk (a plan for everything is a plan
#: for nothing).
MAX_PRESENTATIONS = 3
_loaded: dict[int, tuple[Library, Pathways]] = {}


@cache
def _default_library() -> Library:
    return load_library()


def pathways_for(library: Library) -> Pathways:
    """The pathways validated against this library (read once per library)."""
    cached = _loaded.get(id(library))
    if cached is None or cached[0] is not library:
        cached = (library, load_pathways(library, risk_features=RISK_FEATURES))
        _loaded[id(library)] = cached
    return cached[1]


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

    def allowed(self, entry: Entry) -> bool:
        """Whether the case lets this entry be drafted (see `allowed`)."""
        return allowed(entry, self.case, self.pathways)


def allowed(entry: Entry, case: CasePicture, pathways: list[Pathway]) -> bool:
    """Whether an entry may be drafted for this case: none of its contraindications holds, everything it presumes
    is established, it is written for the case's population, no pathway avoids its tags, it is not only in an
    approach the clinician deferred, and it needs no joint sessions the intake ruled out."""
    if any(case.holds(c) for c in entry.contraindications):
        return False
    if not all(case.holds(p) for p in entry.presumes):
        return False
    if entry.populations and not set(entry.populations) & set(case.populations):
        return False
    avoided = {tag for p in pathways for tag in p.avoid_tags}
    if avoided & set(entry.tags):
        return False
    if entry.modalities and set(entry.modalities) <= set(case.deferred):
        return False
    return not (case.has_constraint("no-conjoint") and set(entry.populations) & {"couple", "family"})


def plan_pathways(case: CasePicture, pathways: Pathways) -> list[Pathway]:
    """The pathways a first plan follows: every one a reported risk or safeguarding duty calls for, then the
    leading other presentations."""
    chosen: list[Pathway] = []
    others = 0
    urgent = [p for p in case.presentations if p.weight >= 8 and pathways.by_id[p.pathway].areas]
    limit = max(1, MAX_PRESENTATIONS - len(urgent))  # fewer other presentations beside urgent ones
    for presentation in case.presentations:
        pathway = pathways.by_id[presentation.pathway]
        if presentation.weight >= 8:
            chosen.append(pathway)
        elif others < limit:
            chosen.append(pathway)
            others += 1
    return chosen


def choose_areas(record: IntakeRecord, pathways: list[Pathway], limit: int = 3) -> list[str]:
    """The problem areas the plan's goals address: each pathway's areas, then the intake's leading ones."""
    ordered = [a for p in pathways for a in p.areas]
    ordered += [*record.risk.urgent_areas, *record.problem_areas[:limit]]
    return list(dict.fromkeys(ordered)) or ["depression"]


def gather(
    record: IntakeRecord, index: LibraryIndex, today: date | None = None, library: Library | None = None
) -> DraftInputs:
    """Read the case, choose its pathways, and retrieve allowed candidates for each area in the chosen orientation."""
    library = library or _default_library()
    all_pathways = pathways_for(library)
    case = case_picture(record, all_pathways)
    chosen = plan_pathways(case, all_pathways)
    inputs = DraftInputs(
        record=record,
        areas=choose_areas(record, chosen),
        today=today or date.today(),
        case=case,
        pathways=chosen,
        library_pathways=all_pathways,
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
