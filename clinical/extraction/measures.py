"""Standardized measures and their scores, as written (range-checked, with the conventional band)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from clinical.extraction.dates import parse_dates
from clinical.instruments import INSTRUMENTS, Instrument
from clinical.record import Measure

_NUMBER = r"(-?\d{1,3}(?:\.\d+)?)(?![\d])(?!\.\d)"
#: Words between a name and its score: "PHQ-9 today: 17", "PCL-5 at intake = 44", "GAD-7 total score was 12",
#: "EDE-Q global 4.2", "ASRS-v1.1 Part A: 5 of 6", "K10 (self-report) 24".
_LINKER = (
    r"(?:\s*(?:total|global|raw|score[sd]?|scored|of|was|is|=|:|→|->|=>|at|came\s+(?:back\s+)?(?:at|as)|of\s+a|today|now|"
    r"at\s+(?:[A-Za-z]+\s+)?(?:intake|referral|assessment|baseline|screening|screen|triage|admission)|on\s+(?:intake|referral|assessment|admission)|"
    r"intake|referral|baseline|initial|self[\s-]report(?:ed)?|clinician[\s-]rated|parent[\s-]report(?:ed)?|"
    r"child[\s-]report(?:ed)?|\((?:[^()]{1,30})\)|this\s+week|last\s+week|-(?=\s)|–|completed|administered|given|done|"
    r"present|(?:with|by)\s+(?:the\s+|her\s+|his\s+|their\s+)?[A-Za-z]+|(?:on|dated?)\s+(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|"
    r"\d{4}-\d{2}-\d{2}))\s*)*"
)
#: When a score was given again: "EPDS 18/30 at the HV visit; repeated today = 19", "PHQ-9 16 at referral, 13 today",
#: "SCARED - child report 38, parent report (dad) 31". The later number is the same instrument's.
_WHEN = (
    r"(?:today|now|at\s+(?:intake|referral|assessment|baseline|screening)|this\s+week|on\s+(?:intake|admission)|"
    r"(?:parent|child|self|teacher|clinician|mother|father|mum|mom|dad|partner)[\s-]?(?:report(?:ed)?|rated|version)"
    r"(?:\s*\([^)]{1,20}\))?)"
)
_AGAIN = re.compile(
    rf"^(?:\s*(?:at|on|in|with|from|by)\s+[^,;.]{{1,40}}?)?\s*[,;]\s*(?:and\s+)?"
    rf"(?:(?:(?:repeated|repeat|re-?administered|retested|again|then)\s+)?{_WHEN}\s*[:=]?\s*(?P<a>\d{{1,3}}(?:\.\d+)?)(?![\d/])"
    rf"|(?:repeated|re-?administered|retested|again)\s*[:=]?\s*(?P<b>\d{{1,3}}(?:\.\d+)?)(?![\d/])"
    rf"|(?P<c>\d{{1,3}}(?:\.\d+)?)(?![\d/])\s*(?:/\s*\d+\s*)?{_WHEN})",
    re.I,
)
#: After the score, the maximum it is out of ("14/30", "5 of 6", "24 out of 30").
_OUT_OF = re.compile(r"^\s*(?:/|of|out\s+of)\s*(\d{1,3})\b")
_NOT_A_SCORE = re.compile(r"^\s*(?:%|(?:days|weeks|months|years|items|sessions|mg|minutes|hours)\b)")
_CORRECTION = re.compile(r"\b(?:correct(?:ed|ion)|should\s+(?:read|be)|typo|actually|amended)\b\W*$", re.I)


def _instrument_regexes(instrument: Instrument) -> tuple[re.Pattern, re.Pattern]:
    # Acronyms are matched case-sensitively so that ordinary words ("spin", "ace") are not measures.
    name = rf"(?<![A-Za-z0-9])(?:{instrument.pattern})(?![A-Za-z0-9])"
    after = re.compile(rf"{name}{_LINKER}\s*(?:\(\s*)?{_NUMBER}")
    before = re.compile(
        rf"{_NUMBER}\s*(?:(?:/|out\s+of)\s*\d+\s*)?(?:points?\s+)?on\s+(?:the\s+|a\s+|an\s+|her\s+|his\s+|their\s+)?{name}"
    )
    return after, before


_INSTRUMENT_REGEXES = {i.name: _instrument_regexes(i) for i in INSTRUMENTS}
_INSTRUMENT_NAMES = {i.name: re.compile(rf"(?<![A-Za-z0-9])(?:{i.pattern})(?![A-Za-z0-9])") for i in INSTRUMENTS}


@dataclass
class MeasureResult:
    """What the text says about measures: valid scores, rejected scores, and names given without a score."""

    measures: list[Measure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing_scores: list[str] = field(default_factory=list)


def _person_scores(text: str, instrument: Instrument, people: dict[str, str]) -> list[tuple[int, int, str, float]]:
    """Per-person scores in couple and family work: "PHQ-A: Tobi 9, Chi 14", "K. CSI-16 38", "CSI-16 (Jo) 41"."""
    if not people:
        return []
    names = "|".join(re.escape(p) for p in sorted(people, key=len, reverse=True))
    name = rf"(?<![A-Za-z0-9])(?:{instrument.pattern})(?![A-Za-z0-9])"
    person = rf"(?<![A-Za-z])(?P<person>{names})(?![A-Za-z])"
    found = []
    # "PHQ-A: Tobi 9, Chi 14" — a list of people and scores after the name.
    for m in re.finditer(
        rf"{name}\s*(?:\([^)]*\))?\s*[:=–—-]?\s*((?:(?:{names})(?:'s)?\s*[:=]?\s*\d{{1,3}}(?:\.\d+)?\s*(?:/\s*\d+)?[,;]?\s*(?:and\s+)?)+)",
        text,
    ):
        for pair in re.finditer(rf"{person}(?:'s)?\s*[:=]?\s*{_NUMBER}", m.group(1)):
            who = people[pair.group("person")]
            found.append((m.start(1) + pair.start(), m.start(1) + pair.end(), who, float(pair.group(2))))
    # "K. CSI-16 38", "Jo's PHQ-9 = 12", "CSI-16 (M.) 34".
    for m in re.finditer(
        rf"{person}(?:'s|’s)?\s*(?:[:,-]\s*)?{name}{_LINKER}\s*{_NUMBER}|{name}\s*\((?P<p2>{names})\)\s*[:=]?\s*{_NUMBER}",
        text,
    ):
        who = m.group("person") or m.group("p2")
        score = next(g for g in reversed(m.groups()) if g is not None and re.fullmatch(r"-?\d+(?:\.\d+)?", g))
        found.append((m.start(), m.end(), people[who], float(score)))
    return found


def _nearest_person(text: str, start: int, people: dict[str, str], end: int | None = None) -> str | None:
    """The participant named with a score ("RCADS total (Ellie): 74") or, failing that, named last before it in the
    same sentence ("Jo: low mood, withdrawn; PHQ-9 12")."""
    names = "|".join(re.escape(p) for p in sorted(people, key=len, reverse=True))
    person = rf"(?<![A-Za-z])(?:{names})(?![A-Za-z])"
    if end is not None and (within := re.search(rf"\(\s*({person})\s*\)", text[start:end])):
        return people[within.group(1)]
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    hits = list(re.finditer(person, text[sentence_start:start]))
    return people[hits[-1].group(0)] if hits else None


_TODAY_WORDS = re.compile(r"\b(?:today|at\s+intake|this\s+session|at\s+(?:the\s+)?assessment)\b", re.I)
_SCORE_CONTEXT_END = re.compile(r"[,;\n]|\.(?:\s|$)")


def _administered(text: str, start: int, end: int, today: date | None, day_first: bool) -> date | None:
    """When a score was given, as written beside it: a date in its phrase, or "today"/"at intake" (the intake's own
    day); None when the phrase does not say."""
    if today is None:
        return None
    after = _SCORE_CONTEXT_END.search(text, end)
    phrase = text[start : after.start() if after else len(text)]
    dates = [d for _, d in parse_dates(phrase, today, day_first) if d <= today]
    if dates:
        return dates[0]
    return today if _TODAY_WORDS.search(phrase) else None


def extract_measures(
    text: str, people: dict[str, str] | None = None, today: date | None = None, day_first: bool = False
) -> MeasureResult:
    """Find instrument scores in the ways clinicians write them, every administration kept in the order written
    (a later "corrected" score replaces the one before it). Per-person scores are read when `people` (the couple's
    or family's names and role words → name) are given; a score with no name of its own then belongs to the person
    named last before it in its sentence. With `today` (the intake's day), each score keeps the date written beside
    it. Out-of-range scores are rejected with a message, never recorded."""
    found: list[tuple[int, Measure]] = []
    errors: list[str] = []
    claimed: list[tuple[int, int]] = []  # spans already used, so "AUDIT-C 5" is not also "AUDIT 5"
    named: set[str] = set()
    scored: set[str] = set()  # given a number, valid or not: only names with no number at all are "missing"

    def record(instrument: Instrument, start: int, end: int, score: float, person: str | None) -> None:
        claimed.append((start, end))
        scored.add(instrument.name)
        if not instrument.in_range(score):
            errors.append(
                f"{instrument.name} scores run from {instrument.low:g} to {instrument.high:g}; "
                f"{score:g} is out of range, so it was not recorded. Please check the score."
            )
            return
        measure = Measure(
            name=instrument.name,
            score=score,
            severity=instrument.severity(score),
            person=person,
            administered=_administered(text, start, end, today, day_first),
        )
        if _CORRECTION.search(text[max(0, start - 30) : start]):
            found[:] = [(pos, m) for pos, m in found if (m.name, m.person) != (measure.name, person)]
        if not any((m.name, m.score, m.person) == (measure.name, measure.score, person) for _, m in found):
            found.append((start, measure))

    for instrument in INSTRUMENTS:
        if not _INSTRUMENT_NAMES[instrument.name].search(text):
            continue  # most instruments are not named at all: skip their costlier score patterns
        after, before = _INSTRUMENT_REGEXES[instrument.name]
        for name_match in _INSTRUMENT_NAMES[instrument.name].finditer(text):
            if not any(s <= name_match.start() < e for s, e in claimed):
                named.add(instrument.name)
        for start, end, person, score in _person_scores(text, instrument, people or {}):
            if not any(s <= start < e or s < end <= e for s, e in claimed):
                record(instrument, start, end, score, person)
        for regex in (after, before):
            for match in regex.finditer(text):
                if any(s <= match.start() < e or s < match.end() <= e for s, e in claimed):
                    continue
                rest = text[match.end() :]
                if regex is after and _NOT_A_SCORE.match(rest):
                    continue
                out_of = _OUT_OF.match(rest) if regex is after else None
                maximum = float(out_of.group(1)) if out_of else None
                if maximum is not None and maximum != instrument.high and not instrument.in_range(maximum):
                    continue  # "3/7 days": a count of days, not this instrument's score
                end = match.end() + (out_of.end() if out_of else 0)
                person = _nearest_person(text, match.start(), people, match.end()) if people else None
                record(instrument, match.start(), end, float(match.group(1)), person)
                if regex is after and (again := _AGAIN.match(text[end:])):
                    number = again.group("a") or again.group("b") or again.group("c")
                    separator = max(again.group(0).rfind(","), again.group(0).rfind(";"))
                    record(instrument, end + separator + 1, end + again.end(), float(number), person)
    measures = [m for _, m in sorted(found, key=lambda item: item[0])]
    order = [i.name for i in INSTRUMENTS]
    missing = [name for name in order if name in named and name not in scored]
    return MeasureResult(measures=measures, errors=errors, missing_scores=missing)
