"""Streamlit glue shared by the pages: process-wide resources and safe text rendering.

The only module besides `app.py` and `pages/` that imports streamlit. Nothing per-client
is cached here: the cached objects are the index and the library, identical for every user.

Importing this module is cheap on purpose: the search machinery (Chroma, ONNX Runtime, BM25) loads on a
background thread started by `start_loading`, so a page draws its first elements at once and waits for the
index only where it needs it.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from chains.intake import IntakeContext
from config import get_settings
from exports.document import Bullets, Document, ExportContext, Fields, Heading, Item, Paragraph, Table
from knowledge.loader import Library, LibraryError, load_library
from knowledge.models import Kind, Taxonomy, readable
from records.plans import PlanService
from records.service import IntakeService
from records.store import Client, RecordStore

if TYPE_CHECKING:
    from knowledge.index import Hit, LibraryIndex
    from knowledge.service import IndexLoader

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
    from knowledge.service import IndexLoader

    return IndexLoader(get_settings(), _library()).start()


@st.cache_resource(show_spinner=False)
def _fonts(_after: IndexLoader) -> threading.Thread:
    """Make the PDF fonts once the index is loaded (a no-op when `make run` already made them)."""
    from exports.pdf import font_files

    def prepare() -> None:
        _after.wait()
        font_files()

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
    return RecordStore(get_settings().data_dir / "anamnesis.db")


T = TypeVar("T")


def _session_memo(function: Callable[[str], T], key: str, size: int = 4) -> Callable[[str], T]:
    """`function`, remembering its last few answers in this session's state: a rerun of the page does not
    redo the work, and nothing is shared with another session (unlike a cache on the shared index)."""
    memo: dict[str, T] = st.session_state.setdefault(key, {})

    def remembered(text: str) -> T:
        if text not in memo:
            while len(memo) >= size:
                memo.pop(next(iter(memo)))
            memo[text] = function(text)
        return memo[text]

    return remembered


def intake_service(owner: str | None = None) -> IntakeService:
    """An intake service for this clinician (the signed-in one by default), over the shared store; it waits for
    the search index only when an answer is read (problem areas are scored against it)."""
    owner = clinician() if owner is None else owner

    def area_fit(text: str) -> dict[str, float]:
        return library_index()[0].area_fit(text)

    return IntakeService(
        record_store(), IntakeContext(curated_library().taxonomy, _session_memo(area_fit, "_anamnesis_area_fit")), owner
    )


def export_context() -> ExportContext:
    """What exports and the preview need besides the plan: the library and the practice lines from settings."""
    return ExportContext.configured(curated_library(), get_settings())


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


def plan_service(owner: str | None = None) -> PlanService:
    """A plan service for this clinician; lint checks sources against the loaded library."""
    return PlanService(record_store(), curated_library().by_id, clinician() if owner is None else owner)


def signed_in_user() -> str | None:
    """The signed-in clinician's stable id (e-mail, else OIDC subject), or None when nobody is signed in."""
    if not st.user.is_logged_in:
        return None
    return str(st.user.get("email") or st.user.get("sub"))


def clinician() -> str:
    """Whose clients this session sees: '' on a single-user install; with ANAMNESIS_REQUIRE_LOGIN, the signed-in
    clinician (the page stops at a sign-in prompt until then)."""
    if not get_settings().require_login:
        return ""
    try:
        user = signed_in_user()
    except Exception as error:  # Streamlit raises when [auth] is missing from secrets.toml
        st.error(
            f"Sign-in is required (ANAMNESIS_REQUIRE_LOGIN) but not configured ({error}). Add an [auth] section "
            "to .streamlit/secrets.toml (see README, 'Multi-user deployments').",
            icon=":material/error:",
        )
        st.stop()
    if user is None:
        st.title("Anamnesis")
        st.write("Sign in to see your clients.")
        st.button("Sign in", key="auth_login", type="primary", on_click=st.login, icon=":material/login:")
        st.stop()
    return user


#: Session key of the client this browser tab works on; pages share it, the URL carries it per page.
ACTIVE_CLIENT = "active_client_id"
#: Session key set by the intake's `draft` command: the Plan page drafts for this client on arrival.
AUTODRAFT = "plan_autodraft_client"
#: Session key: for each client, the plan version this tab is editing. The Plan page stays on it until the
#: clinician opens a newer one, so a save from another tab never swaps the version under their typing.
PLAN_PIN = "plan_pinned_versions"


def note_plan_saved(client_id: str, version: int) -> None:
    """This tab saved `version` of the client's plan: its Plan page now edits that version."""
    st.session_state.setdefault(PLAN_PIN, {})[client_id] = version


def pinned_plan_version(client_id: str, versions: list[int]) -> int:
    """The version this tab edits: the one it last saved or opened, else the latest."""
    pins = st.session_state.setdefault(PLAN_PIN, {})
    pinned = pins.get(client_id)
    if pinned not in versions:
        pinned = pins[client_id] = max(versions)
    return pinned


def choose_client(client_id: str | None, owner: str = "") -> None:
    """Make a client the active one for this browser tab (and its URL, so a refresh resumes it)."""
    if client_id and st.session_state.get(ACTIVE_CLIENT) != client_id:
        record_store().record_event(owner, "client.open", client_id)
    st.session_state[ACTIVE_CLIENT] = client_id
    if client_id:
        st.query_params["client"] = client_id
    else:
        st.query_params.pop("client", None)


def active_client(owner: str = "") -> Client | None:
    """The client this tab is working on, from the URL or the session; None if unknown or deleted."""
    client_id = st.query_params.get("client") or st.session_state.get(ACTIVE_CLIENT)
    client = record_store().client(client_id, owner) if client_id else None
    if client is None and client_id:
        choose_client(None)
    elif client is not None:
        choose_client(client.id, owner)
    return client


@st.cache_resource(show_spinner=False)
def chat_model():
    """The configured chat model, shared (it holds connection settings, never client data)."""
    from chains.llm import make_chat_model

    return make_chat_model(get_settings())


def llm_gap_filler():
    """A function record → checked LLM facts for the intake's 'fill gaps' button, or None without a model."""
    settings = get_settings()
    if settings.llm_provider == "none":
        return None
    from chains.llm import structured
    from chains.llm_extract import LLMIntakeFacts, extract_with_llm

    model = structured(chat_model(), LLMIntakeFacts, settings)
    redact = settings.llm_redact_identifiers and not settings.llm_is_local
    taxonomy = curated_library().taxonomy
    return lambda record: extract_with_llm(model, record, taxonomy, redact)


def plan_drafter():
    """A function record → DraftResult: the configured model's composer with offline fallback, or offline only.

    A broken model configuration does not stop drafting: the offline composer runs and the notice says why.
    """
    from chains.llm import LLMConfigError
    from chains.llm_draft import draft_plan

    settings = get_settings()
    index, library = library_index()
    notice = None
    try:
        model = chat_model() if settings.llm_provider != "none" else None
    except LLMConfigError as error:
        model, notice = (
            None,
            f"The language model is not configured correctly ({error}); this draft was written offline.",
        )

    def draft(record):
        result = draft_plan(record, index, library, model=model, settings=settings)
        if notice and not result.notice:
            return replace(result, notice=notice, fell_back=True)
        return result

    return draft
