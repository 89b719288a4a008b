"""The client's details (age, pronouns) and their own words, quoted."""

from __future__ import annotations

import re

from clinical.record import ClientInfo, Participant
from clinical.vocabulary import MAX_AGE, MIN_AGE

_AGE = re.compile(
    r"\A\s*(\d{1,2})\s*[,;]|\b(\d{1,3})\s*[-\s]?(?:years?[-\s]?old|yrs?[-\s]?old|y/?o|y\.o\.)\b|\b(?i:age[d]?)\s*:?\s*(\d{1,3})\b|\b(\d{2})\s?(?:M|F|NB|m|f)\b(?![a-z])",
)
#: "Maya, 31,", "R.T., 29, she/her", "R.D. | 52 |", "M. (38, she/her)", "Adaeze (mother, 45, she/her)".
_NAMED_AGE = re.compile(
    r"(?P<name>(?-i:\b[A-Z][a-z]+(?:\s[A-Z]\.)?|\b[A-Z]\.(?:\s?[A-Z]\.)*|(?:Mrs?|Ms|Mx|Dr)\.?\s[A-Z]\.?(?:[a-z]+)?))"
    r"(?:\s*\([a-z\s]{1,20}\))?"
    r"\s*(?:[,(|]\s*(?:(?:[a-z]+|step\w+)\s*,\s*)?|\s(?:is\s)?(?:aged?|a)\s+)(?:aged?\s*)?(?P<age>\d{1,3})"
    r"(?:\s*(?:-?\s*(?:years?[-\s]?old|yrs?|yo|y/o)))?\s*(?=[,)|;.]|\s*\(|\s(?:[MF]\b|she|he|they|year|yo|y/o|woman|man|male|female))",
)
#: Words that make the age that follows someone else's ("lives with her son, 8", "mother (72)").
_RELATIVE_BEFORE = re.compile(
    r"\b(?:mother|mum|mom|father|dad|son|daughter|sister|brother|husband|wife|partner|boyfriend|girlfriend|spouse|"
    r"children|kids|child|baby|grand\w+|aunt|uncle|niece|nephew|cousin|stepson|stepdaughter|step\w+|half-\w+|ages?|"
    r"aged\s+\d+\s+and|"
    r"born|with)\W+(?:\w+\W+){0,2}$",
    re.I,
)
_PRONOUNS = re.compile(
    r"\b(she/her(?:/hers)?|he/him(?:/his)?|they/them(?:/theirs)?|she/they|he/they|ze/(?:zir|hir)|xe/xem)\b", re.I
)
_QUOTED = re.compile(r'"([^"\n]{3,400})"|“([^”\n]{3,400})”|‘([^’\n]{3,400})’|«([^»\n]{3,400})»')


def _ages(text: str) -> list[tuple[int, int]]:
    """(position, age) for every age written of a person who is not introduced as someone's relative."""
    found = []
    for regex in (_AGE, _NAMED_AGE):
        for m in regex.finditer(text):
            start = m.start("age") if "age" in regex.groupindex else m.start()
            if regex is _NAMED_AGE:
                value = int(m.group("age"))
                start = m.start()
            else:
                value = int(next(g for g in m.groups() if g))
            if not MIN_AGE <= value <= MAX_AGE or _RELATIVE_BEFORE.search(text[max(0, start - 40) : start]):
                continue
            found.append((start, value))
    return sorted(found)


def extract_client(text: str, alias: str) -> ClientInfo:
    """Age and pronouns as written (the alias comes from the clinician's choice, never the text). The first age
    given of a person who is not someone's relative is the client's; pronouns are the first set written."""
    ages = _ages(text)
    age = ages[0][1] if ages else None
    pronouns = m.group(1).lower() if (m := _PRONOUNS.search(text)) else None
    return ClientInfo(alias=alias, age=age, pronouns=pronouns)


_NOT_PRESENT = re.compile(r"^[\s,]*(?:not\s+present|did\s+not\s+attend|absent|not\s+seen)\b", re.I)
_JOINT_WORK = re.compile(
    r"\b(?:couples?|family|families|conjoint|joint\s+sessions?|dyadic|parent[\s-]child|present\s*:|in\s+the\s+room)\b",
    re.I,
)
_ROLE = (
    r"(?:mother|mum|mom|father|dad|stepdad|stepmum|stepmom|stepfather|stepmother|grandmother|grandfather|gran|"
    r"grandma|grandpa|nan|aunt|uncle|carer|partner|husband|wife|son|daughter|brother|sister)"
)
_PRONOUN_SET = r"[a-z]+/[a-z]+(?:/[a-z]+)?"
_PERSON = re.compile(
    rf"(?:\b(?P<role0>{_ROLE})\s+)?(?P<name>(?-i:\b[A-Z][a-z]+|\b[A-Z]\.(?:\s?[A-Z]\.)*))\s*\((?:(?P<role>[a-z]+|step\w+)\s*,\s*)?"
    rf"(?P<age>\d{{1,3}})(?:\s*,\s*(?P<pronouns>{_PRONOUN_SET}))?\s*\)"
    rf"|(?P<name2>(?-i:\b[A-Z][a-z]+|\b[A-Z]\.(?:\s?[A-Z]\.)*)),\s*(?P<age2>\d{{1,3}})\s*(?:,\s*|\(\s*)(?P<pronouns2>{_PRONOUN_SET})",
)


#: What a family calls its members, for scores written by role ("Mom PHQ-9 = 10").
ROLE_WORDS = {
    "mother": ("mother", "mom", "mum", "mam"),
    "father": ("father", "dad"),
    "stepfather": ("stepfather", "stepdad"),
    "stepmother": ("stepmother", "stepmom", "stepmum"),
}


def person_words(people: list[Participant]) -> dict[str, str]:
    """Every word a note may use for a participant (name, and role words such as "Mom") → the participant's name."""
    words = {p.name: p.name for p in people}
    for p in people:
        for word in ROLE_WORDS.get((p.role or "").lower(), ()):
            words.setdefault(word.capitalize(), p.name)
            words.setdefault(word, p.name)
    return words


def extract_participants(text: str) -> list[Participant]:
    """In couple or family work, each person introduced with an age ("M. (38, she/her) and Jo (41, they/them)",
    "Adaeze (mother, 45, she/her)"), in the order introduced; [] for individual work."""
    joint = bool(_JOINT_WORK.search(text))
    people: list[Participant] = []
    for m in _PERSON.finditer(text):
        name = (m.group("name") or m.group("name2")).strip()
        age = int(m.group("age") or m.group("age2"))
        pronouns = m.group("pronouns") or m.group("pronouns2")
        role = m.group("role0") or m.group("role")
        if _NOT_PRESENT.match(text[m.end() :]):
            continue  # "half-brother (4) not present"
        if _RELATIVE_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) and not (pronouns or m.group("role0")):
            continue  # "her son (8)" is mentioned, not in the room
        if MIN_AGE <= age <= MAX_AGE and name not in [p.name for p in people]:
            people.append(Participant(name=name, role=role, age=age, pronouns=pronouns.lower() if pronouns else None))
    # Two or more people introduced with their own pronouns are in the room together, whatever the note calls it.
    if len(people) >= 2 and (joint or sum(p.pronouns is not None for p in people) >= 2):
        return people
    return []


def extract_client_words(text: str) -> list[str]:
    """Quoted passages, kept verbatim (straight, curly and guillemet quotes)."""
    quotes = [next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(text)]
    return list(dict.fromkeys(q for q in quotes if q))
