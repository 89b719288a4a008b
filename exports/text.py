"""JSON and Markdown exports of a treatment plan, and the Markdown escaping the FHIR notes share."""

from __future__ import annotations

import json
import re

from clinical.plan import TreatmentPlan
from exports.document import (
    NOT_SET,
    Block,
    Bullets,
    ExportContext,
    Fields,
    Heading,
    Item,
    Paragraph,
    Table,
    plan_document,
)

# Markdown turns text into markup only in a few shapes. Escaping just those keeps hostile text literal (no HTML,
# links, images, emphasis or headings) while ordinary clinical text — "[to complete]", "~2 months", "g1-o2",
# "PHQ-9 19 → 9" — reaches the reader without a single backslash.
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")  # a backslash would escape the punctuation after it
_HTML = re.compile(r"<(?=[A-Za-z/!?])")  # a tag, comment, declaration or autolink
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # "&lt;" would show as "<"
_LINK = re.compile(r"\](?=[(\[:])")  # [text](url), ![alt](src), [text][ref], and "[ref]: url" definitions
_LINE_START = re.compile(
    r"^([ \t]{0,3})(#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|[-=_*]{3,}[ \t]*$)", re.M
)


_DELIMITER_RUN = re.compile(r"([*_~`])\1*")


def _escape_delimiters(text: str) -> str:
    """Escape runs of `*`, `_`, `~` and backticks that could open or close emphasis, strikethrough or code: only
    when the character occurs at least twice (a lone one never pairs), and only runs touching text on a side
    (a run with spaces on both sides, like a signature line, is literal); underscores inside words never count."""

    def escaped(match: re.Match) -> str:
        char, run = match.group(1), match.group(0)
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if text.count(char) < 2 or (before.isspace() and after.isspace()):
            return run
        if char == "_" and before.isalnum() and after.isalnum():
            return run
        return "".join("\\" + c for c in run)

    return _DELIMITER_RUN.sub(escaped, text)


def md(text: str, *, inline: bool = False) -> str:
    """`text` made safe for a Markdown reader: shown literally, with a backslash only where markup would form.

    `inline`: the text follows something on its line (a label), so its start cannot begin a block."""
    text = _BACKSLASH.sub(r"\\\\", text)
    text = _HTML.sub(r"\\<", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _LINK.sub(r"\\]", text)
    text = _escape_delimiters(text)
    if inline:
        head, newline, rest = text.partition("\n")
        return head + newline + _LINE_START.sub(_escape_line_start, rest)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." starts a list; "1\." does not
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def _cell(text: str) -> str:
    return md(" ".join(text.split())).replace("|", "\\|")


def to_json(plan: TreatmentPlan, context: ExportContext | None = None) -> bytes:
    """The plan as JSON (the schema of `TreatmentPlan`, library ids kept as data), UTF-8. The plan check's
    findings are left out: they are the editor's, not part of the document."""
    data = plan.model_dump(mode="json", exclude={"flags"})
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def to_markdown(plan: TreatmentPlan, context: ExportContext) -> bytes:
    """A readable Markdown document of the plan (the same blocks as the DOCX and PDF)."""
    document = plan_document(plan, context)
    lines = [f"# {md(document.title)}", ""]
    for block in document.blocks:
        lines += _markdown(block)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _markdown(block: Block) -> list[str]:
    match block:
        case Heading(text, level):
            return [f"{'#' * (level + 1)} {md(text).rstrip('#')}", ""]
        case Paragraph(text, "strong"):
            return [f"**{md(text)}**", ""]
        case Paragraph(text, "notice"):
            return [f"> {md(text)}", ""]
        case Paragraph(text, "muted"):
            return [f"*{md(text)}*", ""]
        case Paragraph(text, _):
            return [md(text), ""]
        case Fields(pairs):
            # Two trailing spaces: a hard line break, so each fact keeps its own line.
            return [f"**{md(label)}:** {md(value, inline=True)}  " for label, value in pairs] + [""]
        case Bullets(items):
            return [f"- {md(' '.join(item.split()))}" for item in items or (NOT_SET,)] + [""]
        case Item(number, text, details):
            lines = [f"**{md(number)}** {md(' '.join(text.split()), inline=True)}  "]
            if details:
                lines.append(" · ".join(f"{md(label)}: {md(value, inline=True)}" for label, value in details))
            return [*lines, ""]
        case Table(columns, rows):
            lines = ["| " + " | ".join(_cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            return [*lines, ""]
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover
