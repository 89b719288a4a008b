"""Standardized measures and their scores, as written (range-checked, with the conventional band)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinical.record import Measure


@dataclass(frozen=True)
class Instrument:
    """A standardized measure: its canonical name, how clinicians write it, its range and bands."""

    name: str
    pattern: str
    low: float
    high: float
    bands: tuple[tuple[float, str], ...] = ()

    def severity(self, score: float) -> str | None:
        """The conventional band a score falls in (upper bounds are inclusive)."""
        return next((label for upper, label in self.bands if score <= upper), None)


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "PHQ-9",
        r"PHQ[\s-]?9",
        0,
        27,
        ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe"), (27, "severe")),
    ),
    Instrument("PHQ-15", r"PHQ[\s-]?15", 0, 30, ((4, "minimal"), (9, "low"), (14, "medium"), (30, "high"))),
    Instrument("PHQ-A", r"PHQ[\s-]?A\b", 0, 27),
    Instrument("GAD-7", r"GAD[\s-]?7", 0, 21, ((4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe"))),
    Instrument("PCL-5", r"PCL[\s-]?5", 0, 80, ((32, "below the usual cut-off"), (80, "probable PTSD range"))),
    Instrument("AUDIT-C", r"AUDIT[\s-]?C\b", 0, 12),
    Instrument(
        "AUDIT",
        r"AUDIT(?![\s-]?C\b)",
        0,
        40,
        ((7, "low risk"), (15, "hazardous"), (19, "harmful"), (40, "possible dependence")),
    ),
    Instrument("DAST-10", r"DAST(?:[\s-]?10)?", 0, 10),
    Instrument("DERS-16", r"DERS[\s-]?16", 16, 80),
    Instrument("DERS", r"DERS(?:[\s-]?36)?(?![\s-]?16\b)", 36, 180),
    Instrument("PDSS", r"PDSS", 0, 28),
    Instrument(
        "ISI",
        r"ISI",
        0,
        28,
        ((7, "no clinically significant insomnia"), (14, "subthreshold"), (21, "moderate"), (28, "severe")),
    ),
    Instrument("OCI-R", r"OCI[\s-]?R", 0, 72),
    Instrument(
        "Y-BOCS",
        r"Y[\s-]?BOCS",
        0,
        40,
        ((7, "subclinical"), (15, "mild"), (23, "moderate"), (31, "severe"), (40, "extreme")),
    ),
    Instrument("EPDS", r"EPDS", 0, 30),
    Instrument(
        "BDI-II", r"BDI(?:[\s-]?II|[\s-]?2)?", 0, 63, ((13, "minimal"), (19, "mild"), (28, "moderate"), (63, "severe"))
    ),
    Instrument("BAI", r"BAI", 0, 63, ((7, "minimal"), (15, "mild"), (25, "moderate"), (63, "severe"))),
    Instrument("PSS-10", r"PSS(?:[\s-]?10)?", 0, 40),
    Instrument("SPIN", r"SPIN", 0, 68),
    Instrument("PG-13", r"PG[\s-]?13", 11, 55),
    Instrument("K10", r"K[\s-]?10", 10, 50),
    Instrument("CORE-10", r"CORE[\s-]?10", 0, 40),
    Instrument("ORS", r"ORS", 0, 40),
    Instrument("WSAS", r"WSAS", 0, 40),
    Instrument("ACE", r"ACEs?(?:[\s-]?(?:score|questionnaire))?", 0, 10),
    Instrument("EDE-Q", r"EDE[\s-]?Q", 0, 6),
    Instrument("CSSRS", r"C[\s-]?SSRS", 0, 6),
)

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
