"""Library page: search and browse the goals, objectives and interventions the app can suggest."""

from collections import Counter

import streamlit as st

from config import get_settings
from knowledge.models import Kind
from ui import KIND_LABELS, hit_card, library_index

index, library = library_index()
taxonomy = library.taxonomy


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
        hit_card(hit, taxonomy)
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
                    hit_card(hit, taxonomy)
