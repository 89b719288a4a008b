"""Redaction of identifiers before text leaves the machine (HIPAA Safe Harbor categories, rule-based).

Covers what rules can find reliably: the client's alias and titled names, emails, phone and fax
numbers, URLs and IP addresses, social-security and record/account numbers, street addresses and
ZIP codes, and dates more specific than the year (the year is kept). Untitled personal names in free
text cannot be found reliably without a name model; that limit is documented in README.
"""

from __future__ import annotations

import re

from clinical.extraction.dates import MONTH_NAME

_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "[EMAIL]"),
    (re.compile(r"\b(?:https?://|www\.)\S+", re.I), "[URL]"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), "[IP]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[SSN]"),
    (
        re.compile(
            r"\b(?:MRN|medical record(?: number)?|record(?: no\.?| number| #)|acct|account(?: number)?|"
            r"policy(?: number)?|member id|license(?: number)?|DOB)\s*[:#]?\s*[\w/-]*\d[\w/-]*",
            re.I,
        ),
        "[RECORD NUMBER]",
    ),
    (re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b"), "[PHONE]"),
    (
        re.compile(
            r"\b\d{1,6}\s+(?:[A-Z][\w.]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|"
            r"Court|Ct|Way|Place|Pl|Terrace|Circle|Highway|Hwy)\b\.?(?:,?\s*(?:Apt|Unit|Suite|#)\s*\w+)?"
        ),
        "[ADDRESS]",
    ),
    (re.compile(r"\b\d{5}(?:-\d{4})\b|\b(?<=[A-Z]{2}\s)\d{5}\b"), "[ZIP]"),
    (re.compile(r"\b\d{9,}\b"), "[NUMBER]"),
)
_ISO = re.compile(r"\b(\d{4})-\d{1,2}-\d{1,2}\b")
_NUMERIC = re.compile(r"\b\d{1,2}/\d{1,2}/(\d{4}|\d{2})\b")
_WRITTEN = re.compile(rf"\b{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_WRITTEN_DAY_FIRST = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}(?:,?\s+(\d{{4}}))?\b", re.I)
_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?")


def _year_only(match: re.Match, group: int) -> str:
    year = match.group(group)
    return f"[DATE {year}]" if year and len(year) == 4 else "[DATE]"


def redact(text: str, names: list[str] | tuple[str, ...] = ()) -> str:
    """The text with identifiers replaced by bracketed labels; dates keep only their year."""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[CLIENT]", text, flags=re.I)
    text = _TITLED_NAME.sub("[NAME]", text)
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    text = _ISO.sub(lambda m: _year_only(m, 1), text)
    text = _NUMERIC.sub(lambda m: _year_only(m, 1), text)
    text = _WRITTEN.sub(lambda m: _year_only(m, 2), text)
    text = _WRITTEN_DAY_FIRST.sub(lambda m: _year_only(m, 2), text)
    return text
