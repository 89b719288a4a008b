"""Standardized measures and their scores, as written (range-checked, with the conventional band)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinical.instruments import INSTRUMENTS, Instrument
from clinical.record import Measure

_NUMBER = r"(-?\d{1,3}(?:\.\d+)?)"
_LINKER = r"(?:\s*(?:total|score[sd]?|scored|of|was|is|=|:|at|came\s+(?:back\s+)?(?:at|as)|of\s+a)\s*)*"


def _instrument_regexes(instrument: Instrument) -> tuple[re.Pattern, re.Pattern]:
    # Acronyms are matched case-sensitively so that ordinary words ("spin", "ace") are not measures.
    name = rf"(?<![A-Za-z0-9])(?:{instrument.pattern})(?![A-Za-z0-9])"
    after = re.compile(
        rf"{name}{_LINKER}\s*(?:\(\s*)?{_NUMBER}(?!\s*(?:/\s*\d|%|\s*(?:days|weeks|months|years|items)))"
    )
    before = re.compile(rf"{_NUMBER}\s*(?:/\s*\d+\s*)?(?:points?\s+)?on\s+(?:the\s+|a\s+|an\s+)?{name}")
    return after, before


_INSTRUMENT_REGEXES = {i.name: _instrument_regexes(i) for i in INSTRUMENTS}
_INSTRUMENT_NAMES = {i.name: re.compile(rf"(?<![A-Za-z0-9])(?:{i.pattern})(?![A-Za-z0-9])") for i in INSTRUMENTS}


@dataclass
class MeasureResult:
    """What the text says about measures: valid scores, rejected scores, and names given without a score."""

    measures: list[Measure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing_scores: list[str] = field(default_factory=list)


def extract_measures(text: str) -> MeasureResult:
    """Find instrument scores; out-of-range scores are rejected with a message, never recorded."""
    found: dict[str, tuple[int, Measure]] = {}
    errors: list[str] = []
    claimed: list[tuple[int, int]] = []  # spans already used, so "AUDIT-C 5" is not also "AUDIT 5"
    named: set[str] = set()
    scored: set[str] = set()  # given a number, valid or not: only names with no number at all are "missing"
    for instrument in INSTRUMENTS:
        after, before = _INSTRUMENT_REGEXES[instrument.name]
        for name_match in _INSTRUMENT_NAMES[instrument.name].finditer(text):
            if not any(s <= name_match.start() < e for s, e in claimed):
                named.add(instrument.name)
        for regex in (after, before):
            for match in regex.finditer(text):
                if any(s <= match.start() < e or s < match.end() <= e for s, e in claimed):
                    continue
                claimed.append(match.span())
                scored.add(instrument.name)
                score = float(match.group(1))
                if not instrument.low <= score <= instrument.high:
                    errors.append(
                        f"{instrument.name} scores run from {instrument.low:g} to {instrument.high:g}; "
                        f"{score:g} is out of range, so it was not recorded. Please check the score."
                    )
                    continue
                measure = Measure(name=instrument.name, score=score, severity=instrument.severity(score))
                # The latest mention wins: later text is usually a correction or the newest score.
                previous = found.get(instrument.name)
                if previous is None or match.start() >= previous[0]:
                    found[instrument.name] = (match.start(), measure)
    order = [i.name for i in INSTRUMENTS]
    measures = sorted((m for _, m in found.values()), key=lambda m: order.index(m.name))
    missing = [name for name in order if name in named and name not in scored]
    return MeasureResult(measures=measures, errors=errors, missing_scores=missing)
