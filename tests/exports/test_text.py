"""The Markdown and JSON exports: readable without escapes, literal under any Markdown renderer, ids as data."""

from __future__ import annotations

import html
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from clinical.plan import TreatmentPlan
from exports.text import md, to_json, to_markdown
from tests.exports.conftest import HOSTILE, LINT_TEXT, PRACTICE

#: CommonMark plus GitHub's tables and strikethrough: what a reader's viewer (GitHub, an editor) renders.
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered_text(markdown: str) -> tuple[str, set[str]]:
    """What a reader sees of `markdown`: its text, and the HTML tags it produced."""
    out = RENDERER.render(markdown)
    tags = set(re.findall(r"<([a-z0-9]+)", out))
    return html.unescape(re.sub(r"<[^>]+>", "", out)), tags


@given(st.text(alphabet=st.sampled_from(list("ab 1.*_~`[]()!<>#&;:/-+=|\\\n")), max_size=40))
def test_any_text_renders_literally(text):
    """Whatever the text, its escaped form renders as that text, in a paragraph, with no markup."""
    shown, tags = rendered_text(md(text))
    assert tags <= {"p", "br"}, (text, md(text), tags)
    assert " ".join(shown.split()) == " ".join(text.split()), (text, md(text))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
        ("![x](http://evil/x.png)", "![x\\](http://evil/x.png)"),
        ("**bold** and __this__", "\\*\\*bold\\*\\* and \\_\\_this\\_\\_"),
        ("# heading", "\\# heading"),
        ("1. list", "1\\. list"),
        # Ordinary clinical text is left alone.
        ("[to complete] Precipitants", "[to complete] Precipitants"),
        ("about ~2 months; PHQ-9 19 → 9 (g1-o2)", "about ~2 months; PHQ-9 19 → 9 (g1-o2)"),
        ("snake_case and a ______ line", "snake_case and a ______ line"),
        ("5 * 3 - 1", "5 * 3 - 1"),
    ],
)
def test_escapes_only_where_markup_would_form(text, escaped):
    """Hostile shapes get a backslash exactly where markup would form; ordinary clinical text gets none."""
    assert md(text) == escaped


def test_markdown_has_the_header_facts_and_no_visible_escapes(drafted_plan, context):
    """The Markdown export has the header facts and no visible escapes.

    The export opens with the practice, status and header facts, groups interventions under goals, and shows
    the draft's blanks and numbers without a backslash."""
    text = to_markdown(drafted_plan, context).decode("utf-8")
    assert text.startswith(f"# Treatment plan — Sky\n\n*{PRACTICE}*\n\n**DRAFT — for clinician review · version 1**")
    start = drafted_plan.session_plan.start_date.isoformat()
    assert f"**Start date:** {start}  " in text and "**Diagnoses:** None recorded" in text
    assert "#### Interventions" in text and "## Sources" in text
    assert "[to complete]" in text and "\\[" not in text and "\\~" not in text and "\\_" not in text
    assert "\\" not in text  # the drafted plan holds nothing that needs escaping
    shown, tags = rendered_text(text)
    assert "table" in tags and "h3" in tags and "Plan check" not in shown


def test_hostile_plan_renders_as_typed(hostile_plan, context):
    """Markup in a plan shows as typed when the Markdown is rendered; no plan-check text appears."""
    text = to_markdown(hostile_plan, context).decode("utf-8")
    shown, tags = rendered_text(text)
    assert not tags & {"script", "img", "a", "b"}
    assert "<strong>bold</strong>" not in RENDERER.render(text)
    assert "<script>alert(1)</script>" in shown and "![x](http://evil/x.png)" in shown and "**bold**" in shown
    assert LINT_TEXT not in shown


def test_json_keeps_ids_as_data_and_drops_the_plan_check(hostile_plan, drafted_plan):
    """The JSON round-trips to the same plan (ids and sources included) minus the plan check's findings."""
    data = json.loads(to_json(hostile_plan))
    assert "flags" not in data and data["goals"][0]["description"] == HOSTILE.replace("\ud800", "\ufffd")
    back = TreatmentPlan.model_validate_json(to_json(drafted_plan))
    assert back == drafted_plan.model_copy(update={"flags": []})
    assert back.source_ids() == drafted_plan.source_ids()
