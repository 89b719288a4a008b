"""Terms of the library's vocabulary (modalities, problem areas) mentioned in a text, negation respected, and the
orientation the clinician chose."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from clinical.extraction.context import clauses, mention_negated
from knowledge.models import Taxonomy


def _vocabulary_patterns(terms: Iterable[str]) -> tuple[re.Pattern, ...]:
    """One regex for a list of terms: acronyms (4 letters or fewer) must be upper case, words any case."""
    short = sorted({t.upper() for t in terms if len(t) <= 4}, key=len, reverse=True)
    long = sorted({t for t in terms if len(t) > 4}, key=len, reverse=True)
    patterns = []
    if short:
        patterns.append(re.compile(rf"(?<![A-Za-z])(?:{'|'.join(map(re.escape, short))})(?![A-Za-z])"))
    if long:
        patterns.append(re.compile(rf"\b(?:{'|'.join(map(re.escape, long))})\b", re.I))
    return tuple(patterns)


@lru_cache(maxsize=8)
def _modality_patterns(taxonomy: Taxonomy) -> tuple[tuple[str, tuple[re.Pattern, ...]], ...]:
    return tuple(
        (m.id, _vocabulary_patterns((m.label, m.id.replace("-", " "), m.id, *m.terms))) for m in taxonomy.modalities
    )


@lru_cache(maxsize=8)
def area_patterns(taxonomy: Taxonomy) -> tuple[tuple[str, tuple[re.Pattern, ...]], ...]:
    return tuple((a.id, _vocabulary_patterns(a.terms)) for a in taxonomy.problem_areas)


def vocabulary_hits(text: str, patterns: tuple[tuple[str, tuple[re.Pattern, ...]], ...]) -> dict[str, dict[str, int]]:
    """For each vocabulary id, the terms mentioned without negation and where each was first seen."""
    hits: dict[str, dict[str, int]] = {}
    offset = 0
    for clause in clauses(text):
        start = text.find(clause, offset)
        offset = max(offset, start)
        for vocab_id, regexes in patterns:
            for regex in regexes:
                for match in regex.finditer(clause):
                    negated = mention_negated(clause, match)
                    if not negated:
                        hits.setdefault(vocab_id, {}).setdefault(match.group(0).lower(), start + match.start())
    return hits


def extract_orientation(text: str, taxonomy: Taxonomy) -> list[str]:
    """Modality ids named in the text, in the order first named; short acronyms must be upper case."""
    hits = vocabulary_hits(text, _modality_patterns(taxonomy))
    return sorted(hits, key=lambda modality: min(hits[modality].values()))
