"""The client's details (age, pronouns) and their own words, quoted."""

from __future__ import annotations

import re

from clinical.record import ClientInfo
from clinical.vocabulary import MAX_AGE, MIN_AGE

_AGE = re.compile(
    r"\A\s*(\d{1,2})\s*[,;]|\b(\d{1,3})\s*[-\s]?(?:years?[-\s]?old|yrs?[-\s]?old|y/?o|y\.o\.)\b|\b(?i:age[d]?)\s*:?\s*(\d{1,3})\b|\b(\d{2})\s?(?:M|F|NB|m|f)\b(?![a-z])",
)
_PRONOUNS = re.compile(
    r"\b(she/her(?:/hers)?|he/him(?:/his)?|they/them(?:/theirs)?|she/they|he/they|ze/(?:zir|hir)|xe/xem)\b", re.I
)
_QUOTED = re.compile(r'"([^"\n]{3,400})"|“([^”\n]{3,400})”|‘([^’\n]{3,400})’|«([^»\n]{3,400})»')


def extract_client(text: str, alias: str) -> ClientInfo:
    """Age and pronouns as written (the alias comes from the clinician's choice, never the text)."""
    age = None
    for m in _AGE.finditer(text):
        value = int(next(g for g in m.groups() if g))
        if MIN_AGE <= value <= MAX_AGE:
            age = value
            break
    pronouns = m.group(1).lower() if (m := _PRONOUNS.search(text)) else None
    return ClientInfo(alias=alias, age=age, pronouns=pronouns)


def extract_client_words(text: str) -> list[str]:
    """Quoted passages, kept verbatim (straight, curly and guillemet quotes)."""
    quotes = [next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(text)]
    return list(dict.fromkeys(q for q in quotes if q))
