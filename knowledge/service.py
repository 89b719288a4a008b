"""Open the index from settings and keep it in step with the library: the one entry point pages and CLI use."""

from __future__ import annotations

from config import Settings
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, Progress, RefreshReport, make_chroma_client, no_progress
from knowledge.loader import Library, load_library


def open_index(settings: Settings, library: Library | None = None) -> LibraryIndex:
    """Connect to the configured Chroma store (no refresh)."""
    library = library or load_library(settings.library_dir)
    embeddings = OnnxEmbeddings(settings.embedding_model_path, settings.tokenizer_path)
    client = make_chroma_client(settings.chroma_dir, settings.chroma_url)
    return LibraryIndex(client, embeddings, library.taxonomy, settings.collection)


def ready_index(settings: Settings, progress: Progress = no_progress) -> tuple[LibraryIndex, Library, RefreshReport]:
    """Open the index and refresh it from the library files (incremental; near-instant when nothing changed)."""
    library = load_library(settings.library_dir)
    index = open_index(settings, library)
    report = index.refresh(library, progress)
    return index, library, report
