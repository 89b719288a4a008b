"""Offline, deterministic extraction from the clinician's intake text.

Each extractor is a pure function of text (and a reference date where dates are relative).
They never infer: a fact is set only when the clinician wrote it, and negation is respected
("denies SI" is a denial, "no plan" is not a plan).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from knowledge.models import Taxonomy
from records.models import ClientInfo, Measure, RiskAssessment, SessionPlan, SuicidalIdeation

# -- clauses and negation ---------------------------------------------------------------------

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


# -- measures ---------------------------------------------------------------------------------


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


# -- risk -------------------------------------------------------------------------------------

_SELF = r"(?:her|him|them|my|your|our)sel(?:f|ves)|themself|oneself"
_SI = re.compile(
    r"(?<![A-Za-z])SI(?![A-Za-z])|\bsuicid(?:al|ality)\b(?!\s+(?:attempts?|gestures?)\b)|thoughts?\s+of\s+(?:suicide|dying|death|ending\s+it)"
    rf"|\b(?:wants?|wanting|wanted|wish(?:es|ed)?)\s+(?:to\s+)?(?:die|be\s+dead|(?:she|he|they|I)\s+(?:were|was)\s+dead)"
    r"|\bbetter\s+off\s+(?:dead|without\s+(?:me|her|him|them))|\bdeath\s+wish|(?:not|never|didn'?t|did\s+not|wouldn'?t|won'?t)\s+(?:to\s+)?wake\s+up"
    rf"|\bkill(?:ing)?\s+(?:{_SELF})|\bend(?:ing)?\s+(?:her|his|their|my)\s+(?:own\s+)?life|\btake\s+(?:her|his|their|my)\s+own\s+life"
    r"|\bending\s+it\s+all|\b(?:easier|better)\s+if\s+(?:I|she|he|they)\s+(?:were|was)\s+(?:dead|gone|not\s+(?:here|around|alive))"
    r"|\b(?:doesn'?t|don'?t|does\s+not|do\s+not)\s+want\s+to\s+(?:be\s+alive|live|exist)\b",
    re.I,
)
_SI_FAMILY = re.compile(
    r"\b(?:died|death|lost\s+\w+)\s+(?:by|to)\s+suicide|\bcommitted\s+suicide|\bcompleted\s+suicide", re.I
)
_PASSIVE = re.compile(
    r"\bpassive\b|wish(?:es|ed)?\s+.*dead|wake\s+up|better\s+off|death\s+wish|wouldn'?t\s+mind\s+(?:dying|not)", re.I
)
_ACTIVE = re.compile(
    rf"\bactive\b|\bkill(?:ing)?\s+(?:{_SELF})|\bend(?:ing)?\s+(?:her|his|their|my)|\btake\s+(?:her|his|their|my)", re.I
)
_HISTORICAL = re.compile(
    r"\b(?:history\s+of|hx\s+of|h/o|previously|years\s+ago|as\s+a\s+(?:teen|teenager|child|student|kid)|"
    r"in\s+(?:high\s+school|college)|in\s+the\s+past(?!\s+(?:\d+|few|two|three|several|couple\s+of)?\s*(?:days?|weeks?|wks?|months?|mos?)\b)|"
    r"past\s+history|in\s+(?:19|20)\d\d)\b",
    re.I,
)
_PLAN = re.compile(r"\bplan(?:s|ned|ning)?\b", re.I)
_NOT_A_SUICIDE_PLAN = re.compile(r"\b(?:safety|treatment|crisis|care|discharge|session)\s+plans?\b", re.I)
_LETHAL_PLAN = re.compile(
    r"\b(?:has|had|have|with|reports?|endorses?|describes?|made)\s+(?:a\s+)?(?:specific\s+|clear\s+|detailed\s+)?plan\b"
    r"|\bplan(?:s|ned|ning)?\s+(?:\w+\s+){0,3}?(?:to\s+)?(?:overdose|kill|die|end|hang|shoot|jump|cut|suicide)\b"
    r"|\bintent\s+to\s+(?:act|die|kill|end)",
    re.I,
)
_INTENT = re.compile(r"\bintent(?:ion)?s?\b", re.I)
_MEANS = re.compile(
    r"\b(?:firearms?|guns?|rifles?|pistols?|handguns?|weapons?|pills|medications?|meds|stockpil\w*|overdos\w*|"
    r"ropes?|knives|knife|razors?|blades?|bridge|car\s+exhaust|poison)\b",
    re.I,
)
_ACCESS = re.compile(r"\b(?:access|owns?|has|keeps?|stockpil\w*|stored|available|in\s+the\s+(?:home|house))\b", re.I)
_SELF_HARM = re.compile(
    rf"(?-i:(?<![A-Za-z])D?SH(?![A-Za-z]))|\bself[\s-]?harm(?:ing)?\b|\bself[\s-]?injur(?:y|ious|ing)\b|\bNSSI\b|\bcut(?:s|ting)?\s+(?:on\s+)?(?:{_SELF}|(?:her|his|their)\s+(?:arms?|legs?|thighs?|wrists?|skin))"
    rf"|\bcutting\b(?!\s+(?:back|down|out|off|class|school|ties|corners))|\bburn(?:s|ing|ed)?\s+(?:{_SELF})|\b(?:hit|hitting|hits|scratch(?:es|ing)?|hurt(?:s|ing)?)\s+(?:{_SELF})",
    re.I,
)
_HI = re.compile(
    r"(?<![A-Za-z])HI(?![A-Za-z])|\bhomicidal\b|\bthoughts?\s+of\s+(?:hurting|harming|killing)\s+(?:others|someone|anyone|other\s+people|him|her|them|his|her)\b"
    r"|\bviolent\s+thoughts\s+(?:toward|towards|about)\b",
    re.I,
)
_ATTEMPT = re.compile(
    r"\bsuicide\s+attempts?\b|\battempt(?:ed|s)?\s+(?:suicide|to\s+kill|to\s+end)|\boverdosed\b", re.I
)
#: In a sentence about risk, "no prior attempts" means suicide attempts.
_ATTEMPT_IN_RISK = re.compile(
    r"\b(?:prior|previous|past|lifetime)\s+attempts?\b|\b(?:hx|history)\s+of\s+(?:\w+\s+)?attempts?\b", re.I
)
_NO_ATTEMPTS = re.compile(r"\bno\s+(?:suicide\s+)?attempts?\b", re.I)
_RECENCY = re.compile(
    r"\b(?:(?:last|this|past)\s+(?:night|week|weekend|month|year|few\s+(?:days|weeks|months)|\d+\s+(?:days|weeks|months))|"
    r"(?:yesterday|today|this\s+morning|tonight|currently|ongoing|daily|nightly|recently)|"
    r"(?:\d+|a|one|two|three|four|five|six|several|a\s+few|few)\s*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)\s+ago|"
    r"(?<![A-Za-z])[x×]\s*\d+\s*(?:days?|weeks?|wks?|months?|mos?)|"
    r"(?:in|over|within|for)\s+the\s+(?:past|last)\s+(?:\d+\s*|two\s+|three\s+|few\s+|several\s+|couple\s+of\s+)?(?:days?|weeks?|wks?|months?|mos?|year)|"
    r"since\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|last\s+\w+)|"
    r"most\s+days|every\s+day|several\s+times\s+a\s+(?:week|month)|once\s+a\s+(?:week|month))\b",
    re.I,
)
_PROTECTIVE = re.compile(
    r"\b(?:protective\s+factors?|reasons?\s+for\s+living)\b\s*(?:include|includes|are|is|:|-|–)?\s*(.+)", re.I
)


def _split_list(text: str) -> list[str]:
    items = re.split(r",|\band\b|\bplus\b|/", text)
    return [i.strip(" .:-–") for i in items if len(i.strip(" .:-–")) > 1][:10]


def _combine(values: list[bool]) -> bool | None:
    """Any report of presence wins (the safer reading); otherwise a denial; otherwise not assessed."""
    if any(values):
        return True
    return False if values else None


def extract_risk(text: str, risk_section: str = "") -> RiskAssessment:
    """Risk as reported in the intake; plan/intent/means only from risk talk, never from "treatment plan".

    A report of risk counts wherever it is written (the safer reading). A denial counts only in the risk
    section: elsewhere "denies SI" may be pasted history, another person's, or text that tries to steer the
    record, and a wrong "denied" is worse than "not assessed", which makes the intake ask about risk again.
    """
    ideation: list[SuicidalIdeation] = []
    plan: list[bool] = []
    intent: list[bool] = []
    means_access: list[bool] = []
    means: list[str] = []
    self_harm: list[bool] = []
    homicidal: list[bool] = []
    attempts: list[bool] = []
    recency = self_harm_recency = None
    protective: list[str] = []

    for clause in clauses(text):
        in_risk_section = bool(risk_section) and clause in risk_section
        if _SI_FAMILY.search(clause):
            clause = _SI_FAMILY.sub(" ", clause)  # a relative's suicide is history, not the client's ideation
        si_here = False
        for match in _SI.finditer(clause):
            negated = mention_negated(clause, match)
            if negated:
                if in_risk_section:
                    ideation.append(SuicidalIdeation.DENIED)
                continue
            if _HISTORICAL.search(clause) and not _RECENCY.search(clause):
                continue
            si_here = True
            if _ACTIVE.search(clause):
                ideation.append(SuicidalIdeation.ACTIVE)
            elif _PASSIVE.search(clause):
                ideation.append(SuicidalIdeation.PASSIVE)
            else:
                ideation.append(SuicidalIdeation.PRESENT)
        if si_here and recency is None and (found := _RECENCY.search(clause)):
            recency = found.group(0)

        risk_talk = si_here or bool(_SI.search(clause)) or in_risk_section
        if risk_talk:
            scrubbed = _NOT_A_SUICIDE_PLAN.sub(" ", clause)
            for regex, bucket in ((_PLAN, plan), (_INTENT, intent)):
                for match in regex.finditer(scrubbed):
                    negated = mention_negated(scrubbed, match)
                    # Outside a sentence about suicide, "plans for the weekend" is not a suicide plan:
                    # count a plan there only when it is denied or plainly about harm.
                    if negated and not in_risk_section:
                        continue
                    if negated or si_here or _SI.search(scrubbed) or _LETHAL_PLAN.search(scrubbed):
                        bucket.append(not negated)
            for match in _MEANS.finditer(clause):
                negated = is_negated(clause, match.start())
                if not negated:
                    means.append(match.group(0).lower())  # "no firearms in the home" lists none
                if (negated and in_risk_section) or (not negated and _ACCESS.search(clause)):
                    means_access.append(not negated)
            for match in _ATTEMPT_IN_RISK.finditer(clause):
                negated = is_negated(clause, match.start())
                if not negated or in_risk_section:
                    attempts.append(not negated)
            if in_risk_section and _NO_ATTEMPTS.search(clause):
                attempts.append(False)
        for match in _SELF_HARM.finditer(clause):
            negated = mention_negated(clause, match)
            if negated and not in_risk_section:
                continue
            if not negated and _HISTORICAL.search(clause) and not _RECENCY.search(clause):
                continue  # past self-harm says nothing about now: leave "now" unassessed rather than guess
            self_harm.append(not negated)
            if not negated and self_harm_recency is None and (found := _RECENCY.search(clause)):
                self_harm_recency = found.group(0)
        for match in _HI.finditer(clause):
            negated = mention_negated(clause, match)
            if not negated or in_risk_section:
                homicidal.append(not negated)
        for match in _ATTEMPT.finditer(clause):
            negated = is_negated(clause, match.start())
            if not negated or in_risk_section:
                attempts.append(not negated)
    for match in _PROTECTIVE.finditer(text):
        protective.extend(_split_list(clauses(match.group(1))[0] if clauses(match.group(1)) else ""))

    if SuicidalIdeation.ACTIVE in ideation:
        si = SuicidalIdeation.ACTIVE
    elif SuicidalIdeation.PASSIVE in ideation:
        si = SuicidalIdeation.PASSIVE
    elif SuicidalIdeation.PRESENT in ideation:
        si = SuicidalIdeation.PRESENT
    elif ideation:
        si = SuicidalIdeation.DENIED
    else:
        si = None
    return RiskAssessment(
        suicidal_ideation=si,
        plan=_combine(plan),
        intent=_combine(intent),
        means_access=_combine(means_access),
        means=list(dict.fromkeys(means)),
        recency=recency,
        self_harm=_combine(self_harm),
        self_harm_recency=self_harm_recency,
        homicidal_ideation=_combine(homicidal),
        protective_factors=list(dict.fromkeys(protective)),
        prior_attempts=_combine(attempts),
    )


# -- orientation ------------------------------------------------------------------------------


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
def _area_patterns(taxonomy: Taxonomy) -> tuple[tuple[str, tuple[re.Pattern, ...]], ...]:
    return tuple((a.id, _vocabulary_patterns(a.terms)) for a in taxonomy.problem_areas)


def _vocabulary_hits(text: str, patterns: tuple[tuple[str, tuple[re.Pattern, ...]], ...]) -> dict[str, dict[str, int]]:
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
    hits = _vocabulary_hits(text, _modality_patterns(taxonomy))
    return sorted(hits, key=lambda modality: min(hits[modality].values()))


# -- logistics --------------------------------------------------------------------------------

_FREQUENCIES = (
    (r"\b(?:three|3)\s*(?:x|times)\s*(?:a|per|/)\s*week\b|\bthrice\s+weekly\b", "three times weekly"),
    (
        r"\btwice\s+(?:a\s+|per\s+)?week(?:ly)?\b|\b(?:two|2)\s*(?:x|times)\s*(?:a\s+|per\s+|/\s*)week\b|\b2x/w(?:ee)?k\b|\bsemi-?weekly\b",
        "twice weekly",
    ),
    (
        r"\bbi-?weekly\b|\bevery\s+(?:other|second|2(?:nd)?|two)\s+weeks?\b|\bfortnightly\b|\bevery\s+fortnight\b",
        "every other week",
    ),
    (
        r"\bweekly\b|\bonce\s+(?:a|per)\s+week\b|\bevery\s+week\b|\b(?:one|1)\s*(?:x|time)\s*(?:a\s+|per\s+|/\s*)week\b|\b1x/w(?:ee)?k\b",
        "weekly",
    ),
    (r"\bmonthly\b|\bonce\s+(?:a|per)\s+month\b|\bevery\s+month\b", "monthly"),
)
_DURATION = re.compile(
    r"\b(\d{2,3})\s*[-\s]?(?:minutes?|mins?)\b|\b(?:(an|one|1)\s*[-\s]?hours?|hour[-\s]long)\b|\b(ninety|forty-five|fifty|sixty)[-\s]minutes?\b",
    re.I,
)
_WORD_MINUTES = {"ninety": 90, "forty-five": 45, "fifty": 50, "sixty": 60}
_SESSIONS = re.compile(r"\b(\d{1,3})\s*[-\s]?(?:sessions?|visits?)\b(?!\s*(?:a|per)\s+(?:week|month))", re.I)
_REVIEW = re.compile(r"\b(?:review\w*|reassess\w*|re-?evaluat\w*|revisit\w*|update\w*)\b", re.I)
#: "review after 8 sessions", "formal review at session 6": a review point counted in sessions.
_REVIEW_SESSIONS = re.compile(r"\b(?:every|each|after|at)\s+(?:session\s+#?(\d{1,3})|(\d{1,3})\s+sessions?)\b", re.I)
_FREQUENCY_DAYS = {"three times weekly": 7 / 3, "twice weekly": 3.5, "every other week": 14, "weekly": 7, "monthly": 30}
_INTERVAL = re.compile(
    r"\b(?:every|each|in|after|at)\s+(\d{1,3}|one|two|three|four|six|eight|twelve)\s*(days?|weeks?|wks?|months?|mos?)\b",
    re.I,
)
_NAMED_INTERVALS = (
    (r"\bquarterly\b", 90),
    (r"\bmonthly\b", 30),
    (r"\bweekly\b", 7),
    (r"\bannual(?:ly)?\b|\byearly\b", 365),
)
_SMALL_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "twelve": 12}
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30}

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\b", re.I)
_WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
_RELATIVE = re.compile(
    r"\b(today|tomorrow|next\s+week|(?:next|this|on)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in\s+(\d{1,2}|one|two|three|four)\s+(days?|weeks?))\b",
    re.I,
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(month: int, day: int, today: date) -> date | None:
    """A month/day with no year: the next such date on or after today."""
    candidate = _safe_date(today.year, month, day)
    if candidate and candidate < today:
        candidate = _safe_date(today.year + 1, month, day)
    return candidate


def parse_dates(text: str, today: date) -> list[tuple[int, date]]:
    """Every date written in the text, with its position: ISO, US numeric (m/d/y), written months, relative."""
    found: list[tuple[int, date]] = []
    for m in _ISO_DATE.finditer(text):
        if d := _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            found.append((m.start(), d))
    for m in _NUMERIC_DATE.finditer(text):
        month, day, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if year:
            full_year = int(year) + (2000 if len(year) == 2 else 0)
            d = _safe_date(full_year, month, day)
        else:
            d = _upcoming(month, day, today)
        if d:
            found.append((m.start(), d))
    for m in _MONTH_FIRST.finditer(text):
        month, day, year = _MONTHS[m.group(1).lower()[:3]], int(m.group(2)), m.group(3)
        d = _safe_date(int(year), month, day) if year else _upcoming(month, day, today)
        if d:
            found.append((m.start(), d))
    for m in _DAY_FIRST.finditer(text):
        day, month, year = int(m.group(1)), _MONTHS[m.group(2).lower()[:3]], m.group(3)
        d = _safe_date(int(year), month, day) if year else _upcoming(month, day, today)
        if d and not any(abs(pos - m.start()) < 3 for pos, _ in found):
            found.append((m.start(), d))
    for m in _RELATIVE.finditer(text):
        phrase = m.group(1).lower()
        if phrase == "today":
            d = today
        elif phrase == "tomorrow":
            d = today + timedelta(days=1)
        elif phrase.startswith("next week"):
            d = today + timedelta(days=7)
        elif m.group(2):
            ahead = (_WEEKDAYS[m.group(2).lower()] - today.weekday()) % 7 or 7
            d = today + timedelta(days=ahead)
        else:
            count = int(m.group(3)) if m.group(3).isdigit() else _SMALL_NUMBERS.get(m.group(3).lower(), 1)
            d = today + timedelta(days=count * (7 if m.group(4).lower().startswith("week") else 1))
        found.append((m.start(), d))
    return sorted(found)


def extract_session_plan(text: str, today: date) -> SessionPlan:
    """Frequency, length, start date, number of sessions, review interval and format, as written."""
    plan = SessionPlan()
    # Logistics are often one run-on line ("weekly, start 12/1, review every 90 days"): split on commas too.
    parts = [p.strip() for c in clauses(text) for p in re.split(r",|\band\b", c) if p.strip()]
    review_clauses = [p for p in parts if _REVIEW.search(p)]
    non_review = " . ".join(p for p in parts if not _REVIEW.search(p)) or text

    # The first frequency written is the main one ("weekly individual + family every other week").
    found = [(m.start(), label) for pattern, label in _FREQUENCIES if (m := re.search(pattern, non_review, re.I))]
    if found:
        plan.frequency = min(found)[1]
    if m := _DURATION.search(text):
        if m.group(1):
            minutes = int(m.group(1))
            plan.duration_minutes = minutes if 5 <= minutes <= 480 else None
        elif m.group(2) or "hour" in m.group(0).lower():
            plan.duration_minutes = 60
        else:
            plan.duration_minutes = _WORD_MINUTES[m.group(3).lower()]
    if m := _SESSIONS.search(non_review):  # "review after 8 sessions" is a review point, not the course
        count = int(m.group(1))
        plan.sessions = count if 1 <= count <= 1000 else None

    for clause in review_clauses:
        if m := _INTERVAL.search(clause):
            count = int(m.group(1)) if m.group(1).isdigit() else _SMALL_NUMBERS[m.group(1).lower()]
            days = count * _UNIT_DAYS[m.group(2).lower().rstrip("s")]
            plan.review_interval_days = days if 1 <= days <= 730 else None
            break
        if (m := _REVIEW_SESSIONS.search(clause)) and plan.frequency:
            days = round(int(m.group(1) or m.group(2)) * _FREQUENCY_DAYS[plan.frequency])
            plan.review_interval_days = days if 1 <= days <= 730 else None
            break
        named = next((days for pattern, days in _NAMED_INTERVALS if re.search(pattern, clause, re.I)), None)
        if named:
            plan.review_interval_days = named
            break

    start_dates = parse_dates(non_review, today)
    starting = re.search(r"\b(?:start\w*|begin\w*|first\s+session|commenc\w*|from|intake\s+on)\b", non_review, re.I)
    if start_dates:
        if starting:
            after = [d for pos, d in start_dates if pos >= starting.start()]
            plan.start_date = after[0] if after else start_dates[0][1]
        else:
            plan.start_date = start_dates[0][1]

    online = re.search(r"\b(?:telehealth|tele-?therapy|video|virtual|online|zoom|remote)\b", text, re.I)
    in_person = re.search(r"\bin[\s-]person\b|\bin\s+(?:the\s+)?office\b|\bface[\s-]to[\s-]face\b", text, re.I)
    if online and in_person:
        plan.format = "hybrid"
    elif online:
        plan.format = "telehealth"
    elif in_person:
        plan.format = "in person"
    return plan


def missing_logistics(plan: SessionPlan) -> list[str]:
    """What a complete plan still needs to know, in the clinician's words."""
    missing = []
    if not plan.frequency:
        missing.append("how often sessions will be")
    if not plan.duration_minutes:
        missing.append("how long each session is")
    if not plan.start_date:
        missing.append("the start date")
    if not plan.review_interval_days:
        missing.append("how often the plan will be reviewed")
    return missing


# -- client details, client words -------------------------------------------------------------

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
        if 1 <= value <= 110:
            age = value
            break
    pronouns = m.group(1).lower() if (m := _PRONOUNS.search(text)) else None
    return ClientInfo(alias=alias, age=age, pronouns=pronouns)


def extract_client_words(text: str) -> list[str]:
    """Quoted passages, kept verbatim (straight, curly and guillemet quotes)."""
    quotes = [next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(text)]
    return list(dict.fromkeys(q for q in quotes if q))


# -- problem areas ----------------------------------------------------------------------------

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
        for area, terms in _vocabulary_hits(text, _area_patterns(taxonomy)).items()
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
    if risk is not None:
        if risk.suicidal_ideation not in (None, SuicidalIdeation.DENIED) or risk.plan or risk.intent:
            scores["suicidality"] = scores.get("suicidality", 0.0) + 3
        if risk.self_harm:
            scores["self-harm"] = scores.get("self-harm", 0.0) + 3
    ranked = [area for area, score in sorted(scores.items(), key=lambda item: -item[1]) if score >= 2.0][:limit]
    # Reported risk is never crowded out of the list, whatever else scored higher.
    if risk is not None:
        if (
            risk.suicidal_ideation not in (None, SuicidalIdeation.DENIED) or risk.plan or risk.intent
        ) and "suicidality" not in ranked:
            ranked.append("suicidality")
        if risk.self_harm and "self-harm" not in ranked:
            ranked.append("self-harm")
    return ranked
