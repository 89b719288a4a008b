"""Open the index from settings and keep it in step with the library: the one entry point pages and CLI use.

Two promises live here. Only one process at a time may own an on-disk index (a second one gets a clear
message instead of corrupting it), and an index that cannot be read is set aside and rebuilt from the
library files rather than crashing the app.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

from config import Settings
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, Progress, RefreshReport, make_chroma_client, no_progress
from knowledge.loader import Library, load_library

log = logging.getLogger(__name__)

LOCK_NAME = ".anamnesis.lock"
_held: dict[Path, int] = {}
_held_guard = threading.Lock()


class IndexLocked(RuntimeError):
    """Another process owns this on-disk index."""


def lock_index_dir(chroma_dir: Path) -> None:
    """Take (or confirm this process already holds) the exclusive lock on an on-disk index folder.

    The lock is held until the process exits; the kernel drops it even after a crash.
    """
    chroma_dir.mkdir(parents=True, exist_ok=True)
    key = chroma_dir.resolve()
    with _held_guard:
        if key in _held:
            return
        path = key / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise IndexLocked(
                f"Another Anamnesis process (pid {owner}) is using the index at {key}. Close it first, or give "
                f"this one its own data folder with ANAMNESIS_DATA_DIR."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        _held[key] = fd


def _healthy(index: LibraryIndex) -> None:
    """Raise if the index cannot be read."""
    if len(index):
        index.search("low mood", k=1)


def open_index(settings: Settings, library: Library | None = None) -> LibraryIndex:
    """Connect to the configured Chroma store (no refresh). A local store is locked to this process, and
    rebuilt empty (for `refresh` to fill) if it cannot be read."""
    library = library or load_library(settings.library_dir)
    embeddings = OnnxEmbeddings(settings.embedding_model_path, settings.tokenizer_path)
    if settings.chroma_url:
        client = make_chroma_client(settings.chroma_dir, settings.chroma_url)
        return LibraryIndex(client, embeddings, library.taxonomy, settings.collection)
    lock_index_dir(settings.chroma_dir)
    try:
        index = LibraryIndex(make_chroma_client(settings.chroma_dir), embeddings, library.taxonomy, settings.collection)
        _healthy(index)
        return index
    except Exception as error:  # a damaged store raises all sorts; any of them means "rebuild"
        aside = settings.chroma_dir.with_name(f"chroma.broken-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        log.warning(
            "The search index at %s could not be read (%s); moving it to %s and rebuilding.",
            settings.chroma_dir,
            error,
            aside,
        )
        _reset_chroma_cache()
        shutil.move(settings.chroma_dir, aside)
        os.close(_held.pop(settings.chroma_dir.resolve()))
        lock_index_dir(settings.chroma_dir)
        client = make_chroma_client(settings.chroma_dir)
        return LibraryIndex(client, embeddings, library.taxonomy, settings.collection)


def _reset_chroma_cache() -> None:
    """Chroma caches one system per path in-process; forget it so the rebuilt folder gets a fresh one."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


class IndexLoader:
    """Opens the index and brings it up to date on a background thread, so the app can draw its pages while the
    search machinery (Chroma, the ONNX model, BM25) loads. One per process; holds no client data."""

    def __init__(self, settings: Settings, library: Library):
        self.settings = settings
        self.library = library
        self.fraction = 0.0
        self.message = "Opening the knowledge library…"
        self.index: LibraryIndex | None = None
        self.error: Exception | None = None
        self._done = threading.Event()
        # Not a daemon: interpreter exit waits for it, rather than tearing Chroma and ONNX Runtime down mid-load
        # (which aborts the process).
        self._thread = threading.Thread(target=self._load, name="anamnesis-index-loader")

    def start(self) -> IndexLoader:
        """Begin loading (returns at once)."""
        self._thread.start()
        return self

    def _progress(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message

    def _load(self) -> None:
        try:
            index = open_index(self.settings, self.library)
            index.refresh(self.library, self._progress)
            self._progress(1.0, "Restoring your reference documents…")
            restore_references(index, self.settings)
            self._progress(1.0, "Warming up search…")
            index.embed_query("warm up")  # loads the ONNX session before the first search needs it
            self.index = index
        except Exception as error:  # shown to the clinician by whoever waits
            log.exception("The knowledge library could not be opened")
            self.error = error
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        """Whether loading has finished (successfully or not)."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loading has finished or `timeout` passed; True when finished."""
        return self._done.wait(timeout)


def ready_index(settings: Settings, progress: Progress = no_progress) -> tuple[LibraryIndex, Library, RefreshReport]:
    """Open the index and refresh it from the library files and the stored reference documents
    (incremental; near-instant when nothing changed)."""
    library = load_library(settings.library_dir)
    index = open_index(settings, library)
    report = index.refresh(library, progress)
    restore_references(index, settings)
    return index, library, report


def restore_references(index: LibraryIndex, settings: Settings) -> None:
    """Put back any stored reference document missing from the index (after a rebuild, say)."""
    from knowledge.references.store import rebuild_references

    report = rebuild_references(index, settings.data_dir)
    for failed in report.failed:
        log.warning("Reference document %s could not be restored: %s", failed.name, failed.message)
