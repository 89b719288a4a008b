"""Library page: search and browse the goals, objectives and interventions the app can suggest."""

from collections import Counter

import streamlit as st

from config import get_settings
from knowledge.index import Hit
from knowledge.models import Kind
from ui import escape_md, library_index

KIND_LABELS = {
    Kind.GOAL: "Goal",
    Kind.OBJECTIVE: "Objective",
    Kind.INTERVENTION: "Intervention",
    Kind.REFERENCE: "Reference",
}
KIND_COLORS = {Kind.GOAL: "violet", Kind.OBJECTIVE: "blue", Kind.INTERVENTION: "green", Kind.REFERENCE: "gray"}

index, library = library_index()
taxonomy = library.taxonomy


def render_hit(hit: Hit) -> None:
    """One entry as a card: kind and category, the wording, then its tags and provenance."""
    with st.container(border=True):
        badges = [f":{KIND_COLORS[hit.kind]}-badge[{KIND_LABELS[hit.kind]}]"]
        if hit.category:
            badges.append(f":gray-badge[{escape_md(taxonomy.category_label(hit.category))}]")
        st.markdown(" ".join(badges))
        st.markdown(escape_md(hit.text))
        details = [
            "Areas: " + ", ".join(taxonomy.area_label(a) for a in hit.problem_areas),
            "Modalities: " + (", ".join(taxonomy.modality_label(m) for m in hit.modalities) or "any"),
        ]
        if hit.measure:
            details.append(f"Measure: {hit.measure}")
        if hit.frequency:
            details.append(f"Frequency: {hit.frequency}")
        details.append(f"id: {hit.id}")
        details.append(f"source: {hit.source}")
        st.caption(escape_md(" · ".join(details)))


counts = Counter(e.kind for e in index.entries())
st.title("Library")
st.caption(
    f"{counts[Kind.GOAL]} goals · {counts[Kind.OBJECTIVE]} objectives · {counts[Kind.INTERVENTION]} interventions"
    + (f" · {counts[Kind.REFERENCE]} reference passages" if counts[Kind.REFERENCE] else "")
    + " — searched by meaning and by keyword, fully offline."
)

query = st.text_input(
    "Search",
    key="library_query",
    max_chars=500,
    placeholder="Describe the concern in your own words, e.g. “intellectualizes and keeps me at a distance”",
    icon=":material/search:",
)
kind_col, modality_col, area_col, k_col = st.columns([2, 3, 3, 1])
kinds = kind_col.multiselect(
    "Kind", list(Kind), key="library_kinds", format_func=lambda k: KIND_LABELS[Kind(k)], placeholder="All kinds"
)
modalities = modality_col.multiselect(
    "Modality",
    [t.id for t in taxonomy.modalities],
    key="library_modalities",
    format_func=taxonomy.modality_label,
    placeholder="All modalities",
    help="Shows entries of the chosen modalities plus modality-neutral ones.",
)
areas = area_col.multiselect(
    "Problem area",
    [t.id for t in taxonomy.problem_areas],
    key="library_areas",
    format_func=taxonomy.area_label,
    placeholder="All problem areas",
)
k = k_col.number_input("Results", min_value=1, max_value=50, value=get_settings().search_k, key="library_k")

if query.strip():
    hits = index.search(query, k=int(k), kinds=kinds, modalities=modalities, areas=areas)
    if not hits:
        st.info(
            "Nothing matched. Try describing the concern differently, or remove a filter.",
            icon=":material/search_off:",
        )
    for hit in hits:
        render_hit(hit)
else:
    st.subheader("Browse by problem area")
    browse_area = st.selectbox(
        "Problem area",
        [t.id for t in taxonomy.problem_areas],
        key="library_browse_area",
        format_func=taxonomy.area_label,
        label_visibility="collapsed",
    )
    browsed = index.browse(kinds=kinds, modalities=modalities, areas=[browse_area])
    if not browsed:
        st.info("No entries for this problem area with the current filters.", icon=":material/filter_alt_off:")
    by_kind = {kind: [h for h in browsed if h.kind == kind] for kind in KIND_LABELS}
    shown = [kind for kind, hits in by_kind.items() if hits]
    if shown:
        tabs = st.tabs([f"{KIND_LABELS[kind]}s ({len(by_kind[kind])})" for kind in shown])
        for tab, kind in zip(tabs, shown, strict=True):
            with tab:
                for hit in by_kind[kind]:
                    render_hit(hit)
