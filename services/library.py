"""The knowledge library as the pages and the CLI use it: opening it (and its search index), searching and
browsing it, brainstorming from it (with an optional model), and the clinician's own reference documents.

Pages and the CLI import what they need of the knowledge layer from here (`__all__`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from config import Settings
from knowledge.loader import Library, LibraryError, load_library
from knowledge.models import Kind, Taxonomy, readable
from knowledge.references.read import MAX_FILE_BYTES, SUPPORTED_TYPES
from services import lazy_names

if TYPE_CHECKING:
    from chains.brainstorm import BrainstormAnswer
    from knowledge.index import Hit

#: Names served from modules that load the search machinery (Chroma, ONNX Runtime) or LangChain: imported on first
#: use, so a page that needs only the library's vocabulary does not pay for them.
_HEAVY = {
    "EmbeddingModelMissing": "knowledge.embeddings",
    "Hit": "knowledge.index",
    "LibraryIndex": "knowledge.index",
    "IndexLoader": "knowledge.opening",
    "IndexLocked": "knowledge.opening",
    "ready_index": "knowledge.opening",
    "IngestReport": "knowledge.references.store",
    "delete_document": "knowledge.references.store",
    "ingest": "knowledge.references.store",
    "list_documents": "knowledge.references.store",
    "BrainstormAnswer": "chains.brainstorm",
    "BrainstormFailed": "chains.brainstorm",
    "Suggestions": "chains.brainstorm",
    "concern_from_record": "chains.brainstorm",
    "suggest": "chains.brainstorm",
    "search_library": "chains.query",
    "LLMConfigError": "chains.providers",
    "make_chat_model": "chains.providers",
}


__getattr__ = lazy_names(_HEAVY, globals())

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_TYPES",
    "Kind",
    "Library",
    "LibraryError",
    "Taxonomy",
    "ask_model",
    "load_library",
    "readable",
    *_HEAVY,
]


def ask_model(
    model, concern: str, hits: list[Hit], question: str, settings: Settings, names: list[str] = ()
) -> BrainstormAnswer:
    """One answer grounded in the shown suggestions (citations of anything else removed), the concern and question
    redacted first unless the model runs on this machine."""
    from chains.brainstorm import ask_model as grounded_answer

    return grounded_answer(model, concern, hits, question, settings.redact_for_model, names)
