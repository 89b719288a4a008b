"""Logistics as written: frequency, length, start date, number of sessions, review interval, format."""

from __future__ import annotations

import re
from datetime import date

from clinical.extraction.context import clauses
from clinical.extraction.dates import NUMBER_WORDS, parse_dates
from clinical.record import ReportedLogistics
from clinical.vocabulary import Frequency, SessionFormat

_FREQUENCIES = (
    (
        r"\b(?:three|3)\s*(?:x|times)\s*(?:(?:a|per|/)\s*week\b|(?:a\s+)?weekly\b)|\bthrice\s+weekly\b",
        Frequency.THREE_TIMES_WEEKLY,
    ),
    (
        r"\btwice\s+(?:a\s+|per\s+)?week(?:ly)?\b|\b(?:two|2)\s*(?:x|times)\s*(?:a\s+|per\s+|/\s*)week\b|\b2x/w(?:ee)?k\b|\bsemi-?weekly\b",
        Frequency.TWICE_WEEKLY,
    ),
    (
        r"\bbi-?weekly\b|\bevery\s+(?:other|second|2(?:nd)?|two)\s+weeks?\b|\bfortnightly\b|\bevery\s+fortnight\b",
        Frequency.EVERY_OTHER_WEEK,
    ),
    (
        r"\bweekly\b|\bonce\s+(?:a|per)\s+week\b|\bevery\s+week\b|\b(?:one|1)\s*(?:x|time)\s*(?:a\s+|per\s+|/\s*)week\b|\b1x/w(?:ee)?k\b",
        Frequency.WEEKLY,
    ),
    (r"\bmonthly\b|\bonce\s+(?:a|per)\s+month\b|\bevery\s+month\b", Frequency.MONTHLY),
)
_DURATION = re.compile(
    r"\b(\d{2,3})\s*[-\s]?(?:minutes?|mins?)\b|\b(?:(an|one|1)\s*[-\s]?hours?|hour[-\s]long)\b|\b(ninety|forty-five|fifty|sixty)[-\s]minutes?\b",
    re.I,
)
_WORD_MINUTES = {"ninety": 90, "forty-five": 45, "fifty": 50, "sixty": 60}
_SESSIONS = re.compile(r"\b(\d{1,3})\s*[-\s]?(?:sessions?|visits?)\b(?!\s*(?:a|per)\s+(?:week|month))", re.I)
_REVIEW = re.compile(
    r"\b(?:review\w*|reassess\w*|re-?evaluat\w*|revisit\w*|update\w*|progress\s+(?:check|review|meeting)s?)\b",
    re.I,
)
#: "review after 8 sessions", "formal review at session 6": a review point counted in sessions.
_REVIEW_SESSIONS = re.compile(
    r"\b(?:every|each|after|at)\s+(?:the\s+)?(?:first\s+)?(?:session\s+#?(\d{1,3})|(\d{1,3}|six|eight|ten|twelve)\s+"
    r"(?:weekly\s+|fortnightly\s+|more\s+)?"
    r"sessions?)\b",
    re.I,
)
#: Clinical shorthand for intervals: "6/52" (weeks), "3/12" (months), "10/7" (days), "q8 weeks", "q3 months".
_SHORTHAND_INTERVAL = re.compile(
    r"(?<![\d/])(\d{1,2})/(52|12|7)(?![\d/])|\bq\s?(\d{1,2})\s*(days?|weeks?|wks?|months?|mos?)\b", re.I
)
#: "review at the 10th session", "review at end of block" (of N sessions), "after twelve sessions".
_AT_SESSION = re.compile(r"\b(?:at|after|by)\s+(?:the\s+)?(\d{1,3})(?:st|nd|rd|th)\s+session\b", re.I)
_END_OF_BLOCK = re.compile(r"\bend\s+of\s+(?:the\s+)?(?:block|course|contract|episode)\b", re.I)
_BLOCK = re.compile(r"\b(?:block|course|contract|package)\s+of\s+(\d{1,3}|six|eight|twelve)\b", re.I)
_INTERVAL = re.compile(
    r"\b(?:every|each|in|after|at|,)\s*(\d{1,3}|one|two|three|four|six|eight|ten|twelve)\s*(days?|weeks?|wks?|months?|mos?)\b",
    re.I,
)
_NAMED_INTERVALS = (
    (r"\bquarterly\b", 90),
    (r"\bmonthly\b", 30),
    (r"\bweekly\b", 7),
    (r"\bannual(?:ly)?\b|\byearly\b", 365),
)
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30}


def extract_logistics(text: str, today: date, day_first: bool = False) -> ReportedLogistics:
    """Frequency, length, start date, number of sessions, review interval and format, as written (numeric dates
    day-first when the intake writes them so)."""
    plan = ReportedLogistics()
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
        # "Review after the first module, 8 weeks": the interval may sit in the part after the review word.
        following = parts[parts.index(clause) + 1] if parts.index(clause) + 1 < len(parts) else ""
        clause = f"{clause}, {following}" if following and not _REVIEW.search(following) else clause
        if m := _SHORTHAND_INTERVAL.search(clause):
            if m.group(1):
                days = int(m.group(1)) * {"52": 7, "12": 30, "7": 1}[m.group(2)]
            else:
                days = int(m.group(3)) * _UNIT_DAYS[m.group(4).lower().rstrip("s")]
            plan.review_interval_days = days if 1 <= days <= 730 else None
            break
        if m := _INTERVAL.search(clause):
            count = int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS[m.group(1).lower()]
            days = count * _UNIT_DAYS[m.group(2).lower().rstrip("s")]
            plan.review_interval_days = days if 1 <= days <= 730 else None
            break
        count = None
        if m := (_REVIEW_SESSIONS.search(clause) or _AT_SESSION.search(clause)):
            written = next(g for g in m.groups() if g)
            count = int(written) if written.isdigit() else NUMBER_WORDS[written.lower()]
        elif _END_OF_BLOCK.search(clause) and (block := _BLOCK.search(text)):
            written = block.group(1)
            count = int(written) if written.isdigit() else NUMBER_WORDS[written.lower()]
        if count and plan.frequency:
            days = round(count * plan.frequency.days_between)
            plan.review_interval_days = days if 1 <= days <= 730 else None
            break
        named = next((days for pattern, days in _NAMED_INTERVALS if re.search(pattern, clause, re.I)), None)
        if named:
            plan.review_interval_days = named
            break

    start_dates = parse_dates(non_review, today, day_first)
    starting = re.search(
        r"\b(?:start\w*|begin\w*|first\s+(?:\w+\s+)?(?:session|appt|appointment)|first(?=\s+\d)|next\s+(?:session|appt|appointment)|"
        r"commenc\w*|from|intake\s+on)\b",
        non_review,
        re.I,
    )
    if start_dates:
        if starting:
            after = [d for pos, d in start_dates if pos >= starting.start()]
            plan.start_date = after[0] if after else start_dates[0][1]
        else:
            plan.start_date = start_dates[0][1]

    online = re.search(r"\b(?:telehealth|tele-?therapy|video|virtual|online|zoom|remote)\b", text, re.I)
    in_person = re.search(r"\bin[\s-]person\b|\bin\s+(?:the\s+)?office\b|\bface[\s-]to[\s-]face\b", text, re.I)
    if online and in_person:
        plan.format = SessionFormat.HYBRID
    elif online:
        plan.format = SessionFormat.TELEHEALTH
    elif in_person:
        plan.format = SessionFormat.IN_PERSON
    return plan


def missing_logistics(plan: ReportedLogistics) -> list[str]:
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
