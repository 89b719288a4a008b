"""The process-wide resources the pages share: the library, the search index (opened on a background thread),
the record store and the chat-model client — the same for every user; nothing per-client is cached here.

Importing this module is cheap on purpose: the search machinery (Chroma, ONNX Runtime, BM25) loads on a
background thread started by `start_loading`, so a page draws its first elements at once and waits for the
index only where it needs it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from config import Settings, get_settings
from services.intake import IntakeContext, IntakeService, model_gap_filler
from services.library import Library, LibraryError, load_library
from services.plans import ExportContext, PlanService, draft, prepare_fonts
from services.store import RecordStore, open_store
from ui.auth import clinician
from ui.state import session_memo

if TYPE_CHECKING:
    from services.library import IndexLoader, LibraryIndex
    from services.plans import DraftResult


@st.cache_resource(show_spinner=False)
def _library() -> Library:
    """The curated library (YAML, about 0.1 s), loaded once per process."""
    return load_library(get_settings().library_dir)


def curated_library() -> Library:
    """The curated library, without waiting for the search index; stops the page if the files are broken."""
    try:
        return _library()
    except LibraryError as error:
        st.error(f"The knowledge library could not be opened: {error}", icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False)
def _loader() -> IndexLoader:
    from services.library import IndexLoader  # Chroma and ONNX Runtime load on the loader's thread, not here

    return IndexLoader(get_settings(), _library()).start()


def settings() -> Settings:
    """The app's settings (read once per process)."""
    return get_settings()


@st.cache_resource(show_spinner=False)
def _fonts(_after: IndexLoader) -> threading.Thread:
    """Make the PDF fonts once the index is loaded (a no-op when `make run` already made them)."""

    def prepare() -> None:
        _after.wait()
        prepare_fonts()

    thread = threading.Thread(target=prepare, name="anamnesis-fonts")  # finishes before the process exits
    thread.start()
    return thread


def start_loading() -> None:
    """Begin opening the search index (then preparing the PDF fonts) in the background: once per process, and
    returns at once."""
    with contextlib.suppress(LibraryError):  # `curated_library()` reports it on the page
        _fonts(_loader())


def library_index() -> tuple[LibraryIndex, Library]:
    """The search index, up to date with the library, and the library. While it is still loading, the page shows
    what is happening with a progress bar; a broken library or missing model stops the page with the fix."""
    curated_library()  # a broken library stops the page here, with its message
    loader = _loader()
    if not loader.done:
        bar = st.progress(loader.fraction, text=loader.message)
        while not loader.wait(0.1):
            bar.progress(min(1.0, loader.fraction), text=loader.message)
        bar.empty()
    if loader.error is not None:
        st.error(f"The knowledge library could not be opened: {loader.error}", icon=":material/error:")
        st.stop()
    return loader.index, loader.library


def reload_library() -> None:
    """Forget the cached library and index, so the next access re-reads the files."""
    _loader.clear()
    _library.clear()


@st.cache_resource(show_spinner=False)
def record_store() -> RecordStore:
    """The process-wide handle on the SQLite records (it holds a path, never client data)."""
    return open_store(get_settings())


def intake_service(owner: str | None = None) -> IntakeService:
    """An intake service for this clinician (the signed-in one by default), over the shared store; it waits for
    the search index only when an answer is read (problem areas are scored against it)."""
    owner = clinician() if owner is None else owner

    def area_fit(text: str) -> dict[str, float]:
        return library_index()[0].area_fit(text)

    return IntakeService(
        record_store(), IntakeContext(curated_library().taxonomy, session_memo(area_fit, "_anamnesis_area_fit")), owner
    )


def export_context() -> ExportContext:
    """What exports and the preview need besides the plan: the library and the practice lines from settings."""
    return ExportContext.configured(curated_library(), get_settings())


def plan_service(owner: str | None = None) -> PlanService:
    """A plan service for this clinician; lint checks sources against the loaded library."""
    return PlanService(record_store(), curated_library().by_id, clinician() if owner is None else owner)


@st.cache_resource(show_spinner=False)
def chat_model():
    """The configured chat model, shared (it holds connection settings, never client data)."""
    from services.library import make_chat_model  # LangChain loads only when a model is configured

    return make_chat_model(get_settings())


def llm_gap_filler():
    """A function record → checked LLM facts for the intake's 'fill gaps' button, or None without a model."""
    settings = get_settings()
    if settings.llm_provider == "none":
        return None
    return model_gap_filler(chat_model(), settings, curated_library().taxonomy)


def plan_drafter() -> Callable[[object], DraftResult]:
    """A function record → DraftResult: the configured model's checked draft with offline fallback, or offline."""
    settings = get_settings()
    index, library = library_index()
    return lambda record: draft(record, index, library, settings)
