"""Streamlit glue shared by the pages: process-wide resources and safe text rendering.

The only module besides `app.py` and `pages/` that imports streamlit. Nothing per-client
is cached here: the cached objects are the index and the library, identical for every user.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import streamlit as st

from chains.intake import IntakeContext
from config import get_settings
from knowledge.embeddings import EmbeddingModelMissing
from knowledge.index import LibraryIndex
from knowledge.loader import Library, LibraryError, load_library
from knowledge.service import open_index
from records.service import IntakeService
from records.store import RecordStore

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_md(text: str) -> str:
    """Make any text (library, user, document or model) render literally through st.markdown."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def show_text(text: str) -> None:
    """Render any text literally, keeping its line breaks."""
    st.markdown(escape_md(text).replace("\n", "  \n"))


@dataclass
class _IndexHolder:
    """The shared index plus whether this process has refreshed it from the library yet."""

    index: LibraryIndex
    library: Library
    refreshed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _index_holder() -> _IndexHolder:
    settings = get_settings()
    library = load_library(settings.library_dir)
    return _IndexHolder(index=open_index(settings, library), library=library)


def library_index() -> tuple[LibraryIndex, Library]:
    """The search index, refreshed from the library once per process with a visible progress bar.

    Stops the page with a clear message when the library or the embedding model is broken.
    """
    try:
        holder = _index_holder()
    except (LibraryError, EmbeddingModelMissing, ValueError) as error:
        st.error(f"The knowledge library could not be opened: {error}", icon=":material/error:")
        st.stop()
    if not holder.refreshed:
        with holder.lock:
            if not holder.refreshed:
                bar = st.progress(0.0, text="Preparing the knowledge library (first start only)…")
                holder.index.refresh(holder.library, lambda fraction, message: bar.progress(fraction, text=message))
                bar.empty()
                holder.refreshed = True
    return holder.index, holder.library


def reload_library() -> None:
    """Forget the cached library and index, so the next access re-reads the files."""
    _index_holder.clear()


@st.cache_resource(show_spinner=False)
def record_store() -> RecordStore:
    """The process-wide handle on the SQLite records (it holds a path, never client data)."""
    return RecordStore(get_settings().data_dir / "anamnesis.db")


def intake_service(owner: str = "") -> IntakeService:
    """An intake service for this clinician, over the shared store and index."""
    index, library = library_index()
    return IntakeService(record_store(), IntakeContext(library.taxonomy, index.area_fit), owner)


@st.cache_resource(show_spinner=False)
def _chat_model():
    """The configured chat model, shared (it holds connection settings, never client data)."""
    from chains.llm import make_chat_model

    return make_chat_model(get_settings())


def llm_gap_filler():
    """A function record → checked LLM facts for the intake's 'fill gaps' button, or None without a model."""
    from chains.llm import structured
    from chains.llm_extract import LLMIntakeFacts, extract_with_llm

    settings = get_settings()
    if settings.llm_provider == "none":
        return None
    model = structured(_chat_model(), LLMIntakeFacts, settings)
    redact = settings.llm_redact_identifiers and not settings.llm_is_local
    taxonomy = library_index()[1].taxonomy
    return lambda record: extract_with_llm(model, record, taxonomy, redact)
