"""Search queries read as a clinician means them: risk written indirectly is named, so retrieval finds it.

Embeddings read "wishes she would not wake up" as a sleep complaint and "better off without him" as family talk.
The intake's own risk reader (`clinical.extraction.risk`) knows these as passive suicidal ideation; a query in which
it finds a kind of risk is searched with that kind's clinical name added. Denials, other people's experience and
figures of speech add nothing, exactly as in the intake.
"""

from __future__ import annotations

from collections.abc import Sequence

from clinical.extraction.risk import extract_risk
from clinical.risk import RiskKind
from knowledge.index import Hit, LibraryIndex
from knowledge.models import Kind

#: The words the library uses for each kind of risk.
CLINICAL_NAMES = {
    RiskKind.SUICIDE: "suicidal ideation, passive death wish, suicide risk",
    RiskKind.SELF_HARM: "self-harm, self-injury",
    RiskKind.HARM_TO_OTHERS: "thoughts of harming others, anger and violence risk",
    RiskKind.DANGER_FROM_OTHERS: "intimate partner violence, abuse, safety planning",
    RiskKind.PSYCHOSIS: "psychosis, hallucinations, paranoid beliefs",
    RiskKind.MEDICAL: "medical risk, physical health monitoring",
}


def clinical_query(query: str) -> str:
    """The query with the clinical name of every kind of risk it reports, however indirectly; unchanged otherwise."""
    kinds = extract_risk(query).reported_kinds
    if not kinds:
        return query
    return f"{query} ({'; '.join(CLINICAL_NAMES[kind] for kind in kinds)})"


def search_library(
    index: LibraryIndex,
    query: str,
    k: int = 10,
    kinds: Sequence[Kind | str] | None = None,
    modalities: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> list[Hit]:
    """The library search pages use: `LibraryIndex.search` on the query as a clinician means it."""
    return index.search(clinical_query(query), k=k, kinds=kinds, modalities=modalities, areas=areas)
