"""Library page: search and browse the goals, objectives and interventions the app can suggest."""

from collections import Counter

import streamlit as st

from services.library import (
    MAX_FILE_BYTES,
    SUPPORTED_TYPES,
    Kind,
    delete_document,
    ingest,
    list_documents,
    search_library,
)
from ui.render import KIND_LABELS, escape_md, hit_card, plural, search_filters
from ui.resources import library_index, settings

INGEST_REPORT = "library_ingest_report"

st.title("Library")
index, library = library_index()
taxonomy = library.taxonomy
counts = Counter(e.kind for e in index.entries())
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
kinds, modalities, areas = search_filters((kind_col, modality_col, area_col), "library", taxonomy)
k = k_col.number_input("Results", min_value=1, max_value=50, value=settings().search_k, key="library_k")

if query.strip():
    hits = search_library(index, query, k=int(k), kinds=kinds, modalities=modalities, areas=areas)
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


st.divider()
st.subheader("Your reference documents")
st.caption(
    f"Add your practice's own material — protocols, handouts, supervision notes — and it is searched beside the "
    f"library (kind: Reference). Markdown, plain text, PDF or Word (.docx) files "
    f"({', '.join(SUPPORTED_TYPES)}), up to {MAX_FILE_BYTES // (1024 * 1024)} MB each. Scanned PDFs need OCR "
    "first. Documents stay on this machine; their text is treated as reference data, never as instructions."
)
for kind, message in st.session_state.pop(INGEST_REPORT, []):
    getattr(st, kind)(escape_md(message))
with st.form("library_upload_form", clear_on_submit=True, border=False):
    uploads = st.file_uploader(
        "Reference documents",
        type=[t.lstrip(".") for t in SUPPORTED_TYPES],
        accept_multiple_files=True,
        key="library_upload",
        label_visibility="collapsed",
    )
    submitted = st.form_submit_button("Add to the library", icon=":material/upload_file:", key="library_ingest")
if submitted:
    if not uploads:
        st.warning("Choose one or more files first.")
    else:
        with st.status(f"Adding {plural(len(uploads), 'document')}…", expanded=True) as status:
            bar = st.progress(0.0)
            report = ingest(
                index,
                [(u.name, u.getvalue()) for u in uploads],
                settings().data_dir,
                lambda fraction, message: bar.progress(min(1.0, fraction), text=message),
            )
            status.update(label=f"Done in {report.seconds:.1f} s", state="complete" if report.ok else "error")
        messages = []
        for result in report.results:
            if result.ok:
                verb = {"added": "Added", "replaced": "Replaced", "unchanged": "Already in the library:"}[result.status]
                messages.append(("success", f"{verb} {result.name} ({plural(result.passages, 'passage')})."))
            else:
                messages.append(("error", f"{result.name}: {result.message}"))
        st.session_state[INGEST_REPORT] = messages
        st.rerun()

documents = list_documents(settings().data_dir)
if not documents:
    st.info("No reference documents yet.", icon=":material/description:")
for document in documents:
    cols = st.columns([5, 3, 2], vertical_alignment="center")
    pages = f"{plural(document.pages, 'page')} · " if document.pages else ""
    cols[0].markdown(f"**{escape_md(document.name)}**")
    cols[1].caption(f"{pages}{plural(document.passages, 'passage')} · added {document.added:%Y-%m-%d}")
    with cols[2].popover("Remove", icon=":material/delete:", width="stretch"):
        st.write(f"Remove {escape_md(document.name)} and its passages from the search index?")
        if st.button("Remove", key=f"library_delete_{document.id}", type="primary"):
            delete_document(index, document.id, settings().data_dir)
            st.session_state[INGEST_REPORT] = [("success", f"Removed {document.name}.")]
            st.rerun()
