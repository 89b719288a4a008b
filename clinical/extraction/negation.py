"""Where negation reaches in clinical writing: clauses, denial cues before a mention and after it."""

from __future__ import annotations

import re

_CLAUSE_SPLIT = re.compile(r"[.;!?\n]+|\b(?:but|however|although|though|whereas|except)\b", re.I)
_NEGATION = re.compile(
    r"\b(?:denie[sd]|deny|denying|no|not|never|without|negative\s+for|nor|none|absent|"
    r"doesn'?t|does\s+not|didn'?t|did\s+not|isn'?t|wasn'?t|hasn'?t|has\s+not|rules?\s+out|ruled\s+out|contraindicat\w*)\b",
    re.I,
)
_AFFIRMATION = re.compile(
    r"\b(?:endorse[sd]?|endorsing|reports?|reported|admits?|admitted|acknowledges?|acknowledged|"
    r"describes?|described|disclosed?|discloses|positive\s+for|with|has|had|having)\b",
    re.I,
)


def clauses(text: str) -> list[str]:
    """Split text where negation scope ends: sentence ends, semicolons and contrastive words."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]


def is_negated(clause: str, start: int) -> bool:
    """Whether a mention starting at `start` falls inside a negation's scope within its clause.

    Scope runs from a negation cue to the end of the clause ("denies SI, HI, plan or intent"),
    and an affirmation cue after it re-opens ("denies HI, endorses passive SI").
    """
    before = clause[:start]
    negations = [m.end() for m in _NEGATION.finditer(before)]
    if not negations:
        return False
    last_negation = negations[-1]
    # "has no plan": the affirmation precedes the negation, so the negation still applies.
    return not any(m.start() >= last_negation for m in _AFFIRMATION.finditer(before))


_POST_DENIAL = re.compile(
    r"^\s*(?:[:=\-–—]\s*)?(?:is\s+|was\s+|were\s+)?(?:none|no|neg|negative|denied|absent|n/?a|contraindicated|not\s+indicated)\b",
    re.I,
)


def mention_negated(clause: str, match: re.Match) -> bool:
    """Whether a match is denied, by a cue before it ("denies SI") or right after it ("SI: none")."""
    return is_negated(clause, match.start()) or bool(_POST_DENIAL.match(clause[match.end() :]))
