"""Dates as clinicians write them (ISO, numeric, written, relative), pinned to the intake's own date."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "ten": 10,
    "twelve": 12,
}
_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
MONTH_NAME = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b(?!/\d)")
_MONTH_FIRST = re.compile(rf"\b{MONTH_NAME}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}(?:,?\s+(\d{{4}}))?\b", re.I)
_WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_RELATIVE = re.compile(
    rf"\b(today|tomorrow|next\s+week|(?:a\s+)?fortnight\s+(?:on\s+)?({_DAY})|({_DAY})\s+fortnight|"
    rf"(?:next|this(?:\s+coming)?|coming|on)\s+({_DAY})(\s+week)?|"
    r"(?:in\s+)?(\d{1,2}|one|two|three|four|five|six|seven|eight|ten|a)\s+(days?|weeks?|fortnight)(?:\s+from\s+(?:today|now))?)\b",
    re.I,
)


def _weekday(name: str) -> int:
    return next(n for day, n in _WEEKDAYS.items() if day.startswith(name.lower()[:3]))


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


_STATED_DAY_FIRST = re.compile(
    r"\b(?:DD[/.-]MM(?:[/.-]YY(?:YY)?)?|day[\s-]first|UK\s+(?:date\s+)?(?:format|convention|dates?)|"
    r"British\s+date|dates?\s+(?:are\s+)?(?:written\s+)?(?:as\s+)?(?:day/month|d/m))\b",
    re.I,
)
_STATED_MONTH_FIRST = re.compile(
    r"\b(?:MM[/.-]DD(?:[/.-]YY(?:YY)?)?|month[\s-]first|US\s+(?:date\s+)?(?:format|convention|dates?))\b", re.I
)
#: Words that mark British writing, where an unmarked numeric date is read day-first.
_BRITISH = re.compile(
    r"\b(?:NHS|GP|A&E|mum|colour|behaviour\w*|organis\w+|programme|counselling|practise[sd]?|centre|"
    r"paediatric|haematology|CAMHS|IAPT|Talking\s+Therapies|health\s+visitor|sixth\s+form|Year\s+1[0-3]|"
    r"recognis\w+|stabilis\w+|prioritis\w+|flat|fortnight\w*|A-levels?|GCSEs?)\b"
)


def day_first(text: str) -> bool:
    """Whether numeric dates in this intake are written day-first: as the note states; else as a date that can only
    be read one way shows ("23/11/2026"); else by British writing (NHS, GP, mum, behaviour…)."""
    if _STATED_DAY_FIRST.search(text):
        return True
    if _STATED_MONTH_FIRST.search(text):
        return False
    firsts = [
        (int(m.group(1)), int(m.group(2)))
        for m in _NUMERIC_DATE.finditer(text)
        if max(int(m.group(1)), int(m.group(2))) <= 31  # not a blood pressure ("86/52") or a score out of 30+
    ]
    if any(a > 12 >= b for a, b in firsts):
        return True
    if any(b > 12 >= a for a, b in firsts):
        return False
    return len(_BRITISH.findall(text)) >= 2


def parse_dates(text: str, today: date, day_first: bool = False) -> list[tuple[int, date]]:
    """Every date written in the text, with its position: ISO, numeric (month-first unless `day_first`), written
    months, relative."""
    found: list[tuple[int, date]] = []
    for m in _ISO_DATE.finditer(text):
        if d := _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            found.append((m.start(), d))
    for m in _NUMERIC_DATE.finditer(text):
        month, day, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if day_first:
            month, day = day, month
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
        elif m.group(2) or m.group(3):
            # "a fortnight Tuesday", "Tuesday fortnight": that weekday in the week two weeks ahead.
            ahead = today + timedelta(days=14)
            d = ahead + timedelta(days=(_weekday(m.group(2) or m.group(3)) - ahead.weekday()) % 7)
        elif m.group(4):
            ahead = (_weekday(m.group(4)) - today.weekday()) % 7 or 7
            # "next Monday week": the Monday after next.
            d = today + timedelta(days=ahead + (7 if m.group(5) else 0))
        else:
            count = int(m.group(6)) if m.group(6).isdigit() else NUMBER_WORDS.get(m.group(6).lower(), 1)
            if not re.match(r"in\s", phrase) and "from" not in phrase:
                continue  # "two weeks" alone is a duration, not a date
            unit = m.group(7).lower()
            d = today + timedelta(days=count * (14 if unit == "fortnight" else 7 if unit.startswith("week") else 1))
        found.append((m.start(), d))
    return sorted(found)
