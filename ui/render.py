"""Rendering any text safely in Streamlit (library, user, document or model text shows literally), and the small
widgets and wording helpers the pages share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import streamlit as st
from pydantic import BaseModel

from services.library import Kind, Taxonomy, readable
from services.plans import Bullets, Document, Fields, Heading, Item, Paragraph, Table

if TYPE_CHECKING:
    from services.library import Hit


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_md(text: str) -> str:
    """Make any text (library, user, document or model) render literally through st.markdown."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def show_text(text: str) -> None:
    """Render any text literally, keeping its line breaks."""
    st.markdown(escape_md(text).replace("\n", "  \n"))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 passage', '3 passages' (or the given plural form)."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def options_with(vocabulary: tuple[str, ...], current: str | None) -> list[str]:
    """Choices for a selectbox over a vocabulary: "" (not set), the vocabulary, and the current value if it is
    outside it — so a value recorded in other words is shown, and saved back, as it is."""
    options = ["", *vocabulary]
    if current and current not in options:
        options.append(current)
    return options


def number_range(model: type[BaseModel], path: str) -> dict[str, int]:
    """`min_value`/`max_value` for a number widget editing `path` ("session.sessions") of `model`, read from the
    field's own limits so a form never offers what the model refuses."""
    *parents, name = path.split(".")
    for parent in parents:
        model = model.model_fields[parent].annotation
    limits = {}
    for rule in model.model_fields[name].metadata:
        if getattr(rule, "ge", None) is not None:
            limits["min_value"] = rule.ge
        if getattr(rule, "le", None) is not None:
            limits["max_value"] = rule.le
    return limits


def search_filters(columns, prefix: str, taxonomy: Taxonomy, **widget) -> tuple[list[str], list[str], list[str]]:
    """The kind, modality and problem-area pickers a search offers, one per column, keyed `<prefix>_kinds`,
    `<prefix>_modalities` and `<prefix>_areas`; `widget` adds options to all three (such as `persist_state`)."""
    kinds = columns[0].multiselect(
        "Kind",
        list(Kind),
        key=f"{prefix}_kinds",
        format_func=lambda k: KIND_LABELS[Kind(k)],
        placeholder="All kinds",
        **widget,
    )
    modalities = columns[1].multiselect(
        "Modality",
        [t.id for t in taxonomy.modalities],
        key=f"{prefix}_modalities",
        format_func=taxonomy.modality_label,
        placeholder="All modalities",
        help="Shows entries of the chosen modalities plus modality-neutral ones.",
        **widget,
    )
    areas = columns[2].multiselect(
        "Problem area",
        [t.id for t in taxonomy.problem_areas],
        key=f"{prefix}_areas",
        format_func=taxonomy.area_label,
        placeholder="All problem areas",
        **widget,
    )
    return kinds, modalities, areas


def short(text: str, limit: int = 70) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (with … when cut)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0] if " " in flat[: limit - 1] else flat[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def edited_rows(original: list[dict], edits: dict | None) -> list[dict]:
    """The rows an `st.data_editor` shows: `original` with its session-state edits (edited, added and deleted
    rows) applied, as Streamlit reports them to callbacks."""
    if not edits:
        return [dict(row) for row in original]
    changed = {int(position): values for position, values in edits.get("edited_rows", {}).items()}
    deleted = {int(position) for position in edits.get("deleted_rows", [])}
    rows = [{**row, **changed.get(n, {})} for n, row in enumerate(original) if n not in deleted]
    return rows + [dict(row) for row in edits.get("added_rows", [])]


KIND_LABELS = {
    Kind.GOAL: "Goal",
    Kind.OBJECTIVE: "Objective",
    Kind.INTERVENTION: "Intervention",
    Kind.REFERENCE: "Reference",
}


KIND_COLORS = {Kind.GOAL: "violet", Kind.OBJECTIVE: "blue", Kind.INTERVENTION: "green", Kind.REFERENCE: "gray"}


def hit_card(hit: Hit, taxonomy: Taxonomy):
    """One library entry or reference passage as a card: kind and category, the wording, its tags and provenance.

    Returns the card's container so a page can add its own buttons inside.
    """
    card = st.container(border=True)
    with card:
        badges = [f":{KIND_COLORS[hit.kind]}-badge[{KIND_LABELS[hit.kind]}]"]
        if hit.category:
            badges.append(f":gray-badge[{escape_md(taxonomy.category_label(hit.category))}]")
        st.markdown(" ".join(badges))
        show_text(readable(hit.text))
        details = []
        if hit.kind != Kind.REFERENCE:
            details.append("Areas: " + ", ".join(taxonomy.area_label(a) for a in hit.problem_areas))
            details.append("Modalities: " + (", ".join(taxonomy.modality_label(m) for m in hit.modalities) or "any"))
        if hit.measure:
            details.append(f"Measure: {hit.measure}")
        if hit.frequency:
            details.append(f"Frequency: {hit.frequency}")
        details.append(f"id: {hit.id}")
        details.append(f"source: {hit.source}")
        st.caption(escape_md(" · ".join(details)))
    return card


def show_document(document: Document) -> None:
    """A document drawn on the page from the same blocks the exports draw (the Plan page's preview)."""
    with st.container(border=True):
        st.markdown(f"## {escape_md(document.title)}")
        for block in document.blocks:
            match block:
                case Heading(text, level):
                    st.markdown(f"{'#' * (level + 2)} {escape_md(text)}")
                case Paragraph(text, "muted"):
                    st.caption(escape_md(text))
                case Paragraph(text, "notice"):
                    st.info(escape_md(text), icon=":material/rate_review:")
                case Paragraph(text, "strong"):
                    st.markdown(f"**{escape_md(text)}**")
                case Paragraph(text, _):
                    show_text(text)
                case Fields(pairs):
                    st.markdown("  \n".join(f"**{escape_md(label)}:** {escape_md(value)}" for label, value in pairs))
                case Bullets(items):
                    st.markdown("\n".join(f"- {escape_md(' '.join(i.split()))}" for i in items) or "—")
                case Item(number, text, details):
                    st.markdown(f"**{escape_md(number)}** {escape_md(' '.join(text.split()))}")
                    if details:
                        st.caption(escape_md(" · ".join(f"{label}: {value}" for label, value in details)))
                case Table(columns, rows):
                    table = [dict(zip(columns, row, strict=True)) for row in rows]
                    st.dataframe(table, hide_index=True, width="stretch")
