"""The client's problem areas: the library vocabulary in the presenting concerns and context, retrieval's
best-fitting areas, and reported risk."""

from __future__ import annotations

from collections.abc import Callable

from clinical.extraction.terms import area_patterns, vocabulary_hits
from clinical.risk import RiskAssessment
from knowledge.models import Taxonomy

AreaScorer = Callable[[str], dict[str, float]]

#: Words in the taxonomy's vocabulary that are too common in an intake to signal an area on their own.
_WEAK_TERMS = frozenset(
    [
        "mother",
        "father",
        "parents",
        "family",
        "children",
        "siblings",
        "job",
        "career",
        "partner",
        "spouse",
        "husband",
        "wife",
        "tired",
        "fatigue",
        "pain",
        "food",
        "weight",
        "loss",
        "trust",
        "values",
        "sleep",
        "sleeping",
        "work",
        "move",
        "moved",
        "diagnosis",
        "illness",
        "using",
        "down",
        "blue",
        "flat",
        "empty",
        "culture",
        "teen",
        "adolescent",
        "son",
        "daughter",
        "mom",
        "dad",
        "alone",
        "friends",
    ]
)


def keyword_areas(text: str, taxonomy: Taxonomy) -> dict[str, float]:
    """Problem-area evidence from the vocabulary, ignoring negated mentions ("denies substance use")."""
    return {
        area: sum(0.5 if term in _WEAK_TERMS else 1.0 for term in terms)
        for area, terms in vocabulary_hits(text, area_patterns(taxonomy)).items()
    }


def rank_problem_areas(
    focus_text: str,
    context_text: str,
    taxonomy: Taxonomy,
    scorer: AreaScorer | None = None,
    risk: RiskAssessment | None = None,
    limit: int = 6,
) -> list[str]:
    """The client's problem areas, best first: keywords in the presenting concerns count double,
    retrieval (when a scorer is given) adds its best-fitting areas, reported risk adds its areas."""
    scores: dict[str, float] = {}
    for area, score in keyword_areas(focus_text, taxonomy).items():
        scores[area] = scores.get(area, 0.0) + 2 * score
    for area, score in keyword_areas(context_text, taxonomy).items():
        scores[area] = scores.get(area, 0.0) + score
    if scorer and focus_text.strip():
        fitted = sorted(scorer(focus_text).items(), key=lambda item: -item[1])
        for rank, (area, _) in enumerate(fitted[:3]):
            scores[area] = scores.get(area, 0.0) + (2.0 - 0.5 * rank)
    urgent = risk.urgent_areas if risk is not None else []
    for area in urgent:
        scores[area] = scores.get(area, 0.0) + 3
    ranked = [area for area, score in sorted(scores.items(), key=lambda item: -item[1]) if score >= 2.0][:limit]
    # Reported risk is never crowded out of the list, whatever else scored higher.
    return ranked + [area for area in urgent if area not in ranked]
