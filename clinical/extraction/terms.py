"""Terms of the library's vocabulary (modalities, problem areas) mentioned in a text, negation respected, and the
orientation the clinician chose."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from clinical.extraction.context import clauses, mention_negated
from knowledge.models import Taxonomy

#: US and UK spellings of the same word: a term written either way matches text written either way.
_SPELLINGS = (
    ("behavioral", "behaviou?ral"),
    ("behavior", "behaviou?r"),
    ("centered", "cent(?:ere|re)d"),
    ("center", "cent(?:er|re)"),
    ("program", "program(?:me)?"),
    ("ize", "i[sz]e"),
    ("izing", "i[sz]ing"),
    ("ization", "i[sz]ation"),
)


def _spelled_either_way(term: str) -> str:
    pattern = re.escape(term)
    for us, either in _SPELLINGS:
        pattern = re.sub(rf"{us}(?=\\?\W|$)" if us.startswith("iz") else us, either, pattern)
    return pattern


def _vocabulary_patterns(terms: Iterable[str]) -> tuple[re.Pattern, ...]:
    """One regex for a list of terms: acronyms (4 letters or fewer) must be upper case and may carry a variant's
    suffix ("CBTp", "CBT-E", "DBT-A", "IPT-A"), words any case and in US or UK spelling."""
    short = sorted({t.upper() for t in terms if len(t) <= 4}, key=len, reverse=True)
    long = sorted({t for t in terms if len(t) > 4}, key=len, reverse=True)
    patterns = []
    if short:
        names = "|".join(map(re.escape, short))
        patterns.append(re.compile(rf"(?<![A-Za-z])(?:TF-)?(?:{names})(?:-?[A-Z]|p)?(?![A-Za-z])"))
    if long:
        patterns.append(re.compile(rf"\b(?:{'|'.join(map(_spelled_either_way, long))})\b", re.I))
    return tuple(patterns)


@lru_cache(maxsize=8)
def _modality_patterns(taxonomy: Taxonomy) -> tuple[tuple[str, tuple[re.Pattern, ...]], ...]:
    return tuple(
        (m.id, _vocabulary_patterns((m.label, m.id.replace("-", " "), m.id, *m.terms))) for m in taxonomy.modalities
    )


@lru_cache(maxsize=8)
def area_patterns(taxonomy: Taxonomy) -> tuple[tuple[str, tuple[re.Pattern, ...]], ...]:
    return tuple((a.id, _vocabulary_patterns(a.terms)) for a in taxonomy.problem_areas)


@lru_cache(maxsize=16)
def _unions(patterns: tuple[tuple[str, tuple[re.Pattern, ...]], ...]) -> tuple[re.Pattern, ...]:
    """Every vocabulary's terms in one case-sensitive and one case-insensitive pattern, to find where terms begin."""
    exact = [r.pattern for _, regexes in patterns for r in regexes if not r.flags & re.I]
    folded = [r.pattern for _, regexes in patterns for r in regexes if r.flags & re.I]
    unions = []
    if exact:
        unions.append(re.compile("|".join(f"(?:{p})" for p in exact)))
    if folded:
        unions.append(re.compile("|".join(f"(?:{p})" for p in folded), re.I))
    return tuple(unions)


def _mentions(clause: str, patterns: tuple[tuple[str, tuple[re.Pattern, ...]], ...]) -> list[tuple[str, re.Match]]:
    """(vocabulary id, match) for every term in a clause, leaving out a match inside a longer one of another id
    ("family systems" inside "Internal Family Systems" is IFS, not family therapy)."""
    starts = sorted({m.start() for union in _unions(patterns) for m in union.finditer(clause)})
    if not starts:
        return []
    # Only where some term begins: each vocabulary's own patterns, anchored there (one pass finds the places).
    found = [
        (vocab_id, m)
        for vocab_id, regexes in patterns
        for regex in regexes
        for at in starts
        if (m := regex.match(clause, at))
    ]
    return [
        (vocab_id, m)
        for vocab_id, m in found
        if not any(
            other_id != vocab_id
            and o.start() <= m.start()
            and m.end() <= o.end()
            and (o.end() - o.start()) > (m.end() - m.start())
            for other_id, o in found
        )
    ]


def vocabulary_hits(text: str, patterns: tuple[tuple[str, tuple[re.Pattern, ...]], ...]) -> dict[str, dict[str, int]]:
    """For each vocabulary id, the terms mentioned without negation and where each was first seen."""
    hits: dict[str, dict[str, int]] = {}
    offset = 0
    for clause in clauses(text):
        start = text.find(clause, offset)
        offset = max(offset, start)
        for vocab_id, match in _mentions(clause, patterns):
            if not mention_negated(clause, match):
                hits.setdefault(vocab_id, {}).setdefault(match.group(0).lower(), start + match.start())
    return hits


#: An approach put off or ruled out for now: "EMDR deferred until she is living safely", "CBT relapse prevention
#: after detox", "couples work not indicated while violence continues", "stage 2", "on hold".
_DEFERRED = re.compile(
    r"\b(?:defer(?:red|ring)?|postpone[sd]?|on\s+hold|put\s+off|later\s+(?:on|in\s+treatment|phase|stage)|at\s+a\s+later|"
    r"(?:in\s+)?(?:stage|phase)\s+(?:2|two|II)|second\s+(?:stage|phase)|not\s+(?:yet|now|at\s+this\s+(?:time|stage)|"
    r"until|while|during)|(?:only\s+)?(?:once|when|after|until)\s+(?:she|he|they|the\s+client|pt|mood|symptoms|"
    r"stabili[sz]\w*|stable|safe|sober|abstinent|detox|living|medically|weight|the\s+(?:\w+\s+){1,2}(?:is|are|has|have))|"
    r"(?:was|were|has\s+been)\s+(?:discussed|considered|mentioned|raised)|(?:may|could|might)\s+be\s+offered|"
    r"to\s+be\s+(?:offered|considered)\s+(?:later|once|when|after)|contraindicated|not\s+(?:indicated|appropriate|suitable|recommended|safe)|would\s+be\s+premature|premature)\b",
    re.I,
)
#: "EMDR later", "with CBT to follow" — a deferral written after the name.
_DEFERRED_AFTER = re.compile(
    r"^[^.;]{0,80}?(?:\blater\b|\bto\s+follow\b|\bafterwards\b|\bdown\s+the\s+line\b|\bin\s+future\b|,\s*not\s+(?:now|yet)\b)",
    re.I,
)
#: Sentences (not clauses): a deferral often follows a contrastive word ("EMDR was discussed but is deferred").
_SENTENCES = re.compile(r"(?<=[.!?])\s+|[;\n]+")


_SEGMENT_BREAK = re.compile(r"[,]|\s[-–—]\s|\b(?:and|with|plus|then)\b(?=\s+[A-Z])")


def _segment(clause: str, match: re.Match) -> str:
    """The part of a clause a deferral cue must share with a modality's name: between commas, dashes, brackets
    and "and"/"with"/"then" before another named approach."""
    starts = [m.end() for m in _SEGMENT_BREAK.finditer(clause) if m.end() <= match.start()]
    ends = [m.start() for m in _SEGMENT_BREAK.finditer(clause) if m.start() >= match.end()]
    return clause[(starts[-1] if starts else 0) : (ends[0] if ends else len(clause))]


_FORMAT_WORDS = re.compile(r"^(?:couples?|family|group)\s+(?:therapy|work|sessions?)$", re.I)


def _format_word(clause: str, modality: str, match: re.Match, patterns: tuple) -> bool:
    """ "Solution-focused couples therapy": "couples therapy" names the format, not a family-systems approach, when
    another approach is named right before it."""
    if not _FORMAT_WORDS.match(match.group(0)):
        return False
    before = clause[max(0, match.start() - 40) : match.start()]
    return any(m.end() >= len(before) - 2 and other != modality for other, m in _mentions(before, patterns))


@dataclass
class Orientation:
    """The approaches chosen for now (first named first) and those put off or ruled out for now."""

    current: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)


def extract_orientation(text: str, taxonomy: Taxonomy) -> Orientation:
    """Modality ids named in the text: those chosen now in the order first named, and those the clinician put off
    ("EMDR deferred until stabilised") or ruled out for now; short acronyms must be upper case."""
    current: dict[str, int] = {}
    deferred: list[str] = []
    offset = 0
    patterns = _modality_patterns(taxonomy)
    for clause in (c.strip() for c in _SENTENCES.split(text) if c.strip()):
        start = text.find(clause, offset)
        offset = max(offset, start)
        for modality, match in _mentions(clause, patterns):
            segment = _segment(clause, match)
            put_off = _DEFERRED.search(segment) or _DEFERRED_AFTER.match(clause[match.end() :])
            negated = mention_negated(clause, match)
            if put_off or (negated and re.search(r"\bnot\s+(?:\w+\s+){0,3}(?:for\s+)?now\b", clause, re.I)):
                if modality not in deferred:
                    deferred.append(modality)
            elif not negated and not _format_word(clause, modality, match, patterns):
                current[modality] = min(current.get(modality, len(text)), start + match.start())
    ordered = sorted(current, key=current.__getitem__)
    return Orientation(current=ordered, deferred=[m for m in deferred if m not in current])
