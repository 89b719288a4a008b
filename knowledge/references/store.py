"""The clinician's reference documents in the search index and on disk: adding (idempotent, per-file results,
rolled back on failure), listing, removing, and rebuilding the index's passages from the stored texts.

Each document is split into overlapping passages of kind `reference`, embedded and stored in the index next to the
library. Its extracted text is also kept under `<data_dir>/references/`, so the index can always be rebuilt from the
library plus those texts. Ingested text is data: it is stored as written and never interpreted.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field, ValidationError

from config import get_settings
from knowledge.embeddings import MODEL_ID
from knowledge.index import LibraryIndex, Progress, no_progress
from knowledge.models import Entry, Kind
from knowledge.references.read import IngestError, Page, clean_name, extract_text, file_format, short_error
from knowledge.references.split import Passage, split_passages
from storage.files import atomic_write

log = logging.getLogger(__name__)


#: Passages embedded and written per step: a failure mid-document is rolled back step by step.
EMBED_BATCH = 32


#: Bump when extraction or splitting changes, so re-adding the same file re-indexes it once.
INGEST_LAYOUT = "1"


_REFERENCE_ID = re.compile(r"^ref-([0-9a-f]{12})-\d+$")


class ReferenceDocument(BaseModel):
    """A reference document the clinician added: what the library page lists and `delete_document` removes."""

    id: str = Field(description="First 12 hex digits of the file's SHA-256; prefixes its passage ids.")
    name: str = Field(description="File name as uploaded (without folders).")
    format: str = Field(description="markdown, text, pdf or docx.")
    sha256: str = Field(description="SHA-256 of the file's bytes.")
    size_bytes: int = Field(description="Size of the file.")
    pages: int | None = Field(default=None, description="Page count for PDFs; None for unpaginated formats.")
    passage_ids: list[str] = Field(default_factory=list, description="Ids of its passages in the index.")
    added: datetime = Field(description="When it was added (UTC).")
    layout: str = Field(default=INGEST_LAYOUT, description="Extraction layout it was indexed with.")

    @property
    def passages(self) -> int:
        """How many passages it was split into."""
        return len(self.passage_ids)


class _StoredText(BaseModel):
    """The extracted pages of one document, kept so the index can be rebuilt without the original file."""

    pages: list[Page]


class IngestStatus(StrEnum):
    """What happened to one file."""

    ADDED = "added"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file of a batch."""

    name: str
    status: IngestStatus
    passages: int = 0
    pages: int | None = None
    document_id: str | None = None
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the file is now in the index (freshly or already)."""
        return self.status != IngestStatus.FAILED


@dataclass(frozen=True)
class IngestReport:
    """Per-file outcomes of a batch, in the order given."""

    results: tuple[FileResult, ...]
    seconds: float
    #: Reference passages found in the index without a stored document, and removed (rebuild only).
    orphans_removed: int = 0

    @property
    def ok(self) -> bool:
        """Whether every file went in."""
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[FileResult]:
        """The files that could not be added."""
        return [r for r in self.results if not r.ok]

    @property
    def passages_written(self) -> int:
        """Passages embedded and written by this batch."""
        return sum(r.passages for r in self.results if r.status in (IngestStatus.ADDED, IngestStatus.REPLACED))


def references_dir(data_dir: Path | None = None) -> Path:
    """Where stored documents live: `<data_dir>/references/` (manifests) and `…/texts/` (extracted pages)."""
    return (data_dir if data_dir is not None else get_settings().data_dir) / "references"


class _Store:
    """One JSON manifest per document plus its extracted pages, each written atomically.

    The manifest is written last and removed first, so its presence means the document is complete.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def _manifest(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.json"

    def _texts(self, doc_id: str) -> Path:
        return self.folder / "texts" / f"{doc_id}.json"

    def documents(self) -> list[ReferenceDocument]:
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                found.append(ReferenceDocument.model_validate_json(path.read_bytes()))
            except (OSError, ValidationError) as exc:
                log.warning("skipping unreadable reference manifest %s: %s", path, exc)
        return sorted(found, key=lambda d: (d.name.lower(), d.added))

    def pages(self, doc_id: str) -> list[Page]:
        return _StoredText.model_validate_json(self._texts(doc_id).read_bytes()).pages

    def save(self, document: ReferenceDocument, pages: Sequence[Page] | None = None) -> None:
        if pages is not None:
            atomic_write(self._texts(document.id), _StoredText(pages=list(pages)).model_dump_json().encode("utf-8"))
        atomic_write(self._manifest(document.id), document.model_dump_json(indent=2).encode("utf-8"))

    def remove(self, doc_id: str) -> None:
        self._manifest(doc_id).unlink(missing_ok=True)
        self._texts(doc_id).unlink(missing_ok=True)


def list_documents(data_dir: Path | None = None) -> list[ReferenceDocument]:
    """Every stored reference document, by name."""
    return _Store(references_dir(data_dir)).documents()


def _entry_text(text: str) -> str:
    # Entry text may hold drafting placeholders such as {target_date}; a document's braces must never be
    # taken for one, so they become the full-width look-alikes. The stored pages keep the originals.
    return text.replace("{", "｛").replace("}", "｝")


def _passage_hash(document: ReferenceDocument, text: str) -> str:
    payload = "\x1f".join([INGEST_LAYOUT, MODEL_ID, document.sha256, text])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _write_passages(
    index: LibraryIndex, document: ReferenceDocument, passages: Sequence[Passage], progress: Progress
) -> list[str]:
    """Embed and store a document's passages; on any failure remove whatever was written, then re-raise."""
    attempted: list[str] = []
    try:
        for start in range(0, len(passages), EMBED_BATCH):
            chunk = passages[start : start + EMBED_BATCH]
            vectors = index.embeddings.encode([p.text for p in chunk])
            areas = index.nearest_areas(vectors)
            if not all(areas):
                raise IngestError(
                    document.name, "the library is not indexed yet, so passages cannot be placed; rebuild the index"
                )
            entries = [
                Entry(
                    id=f"ref-{document.id}-{start + n}",
                    kind=Kind.REFERENCE,
                    text=_entry_text(passage.text),
                    problem_areas=passage_areas,
                    source=document.name if passage.page is None else f"{document.name} p. {passage.page}",
                )
                for n, (passage, passage_areas) in enumerate(zip(chunk, areas, strict=True))
            ]
            attempted.extend(e.id for e in entries)
            index.upsert_embedded(entries, [_passage_hash(document, p.text) for p in chunk], vectors)
            done = start + len(chunk)
            progress(done / len(passages), f"{document.name}: indexed {done} of {len(passages)} passages")
    except BaseException:
        try:
            index.delete(attempted)
        except Exception:
            log.exception("could not roll back %d passages of %s", len(attempted), document.name)
        raise
    return attempted


def _remove_passages(index: LibraryIndex, ids: Iterable[str]) -> None:
    ids = sorted(set(ids))
    if ids:
        index.delete(ids)


def _ingest_one(
    index: LibraryIndex, store: _Store, name: str, data: bytes, progress: Progress
) -> tuple[FileResult, bool]:
    """Add one file; returns its result and whether the index was written to."""
    name = clean_name(name)
    if not name:
        raise IngestError("(unnamed file)", "has no file name")
    if name.startswith("library:"):
        raise IngestError(name, "file names may not start with 'library:' (reserved for the curated library)")
    fmt = file_format(name)
    sha = hashlib.sha256(data).hexdigest()
    documents = store.documents()
    same_name = [d for d in documents if d.name == name]
    same_bytes = next((d for d in documents if d.sha256 == sha), None)
    stored_ids = index.stored_ids(Kind.REFERENCE)
    if same_bytes is not None and same_bytes.layout == INGEST_LAYOUT and set(same_bytes.passage_ids) <= stored_ids:
        message = "already added, unchanged" if same_bytes.name == name else f"same content as '{same_bytes.name}'"
        result = FileResult(name, IngestStatus.UNCHANGED, same_bytes.passages, same_bytes.pages, same_bytes.id, message)
        return result, False

    pages = extract_text(name, data)
    passages = split_passages(pages)
    if not passages:
        raise IngestError(name, "contains no text to index")
    previous = [d for d in same_name if d.id != sha[:12]]
    document = ReferenceDocument(
        id=sha[:12],
        name=name,
        format=fmt,
        sha256=sha,
        size_bytes=len(data),
        pages=len(pages) if fmt == "pdf" else None,
        passage_ids=[f"ref-{sha[:12]}-{n}" for n in range(len(passages))],
        added=same_bytes.added if same_bytes is not None else datetime.now(UTC),
    )
    written = _write_passages(index, document, passages, progress)
    try:
        store.save(document, pages)
    except BaseException:
        _remove_passages(index, written)
        raise
    # Only now that the new version is complete does the old one go. Should that fail, the new version
    # still stands; `rebuild_references` clears whatever is left over.
    leftovers = [i for d in (*previous, *([same_bytes] if same_bytes else [])) for i in d.passage_ids]
    try:
        _remove_passages(index, set(leftovers) - set(written))
        for old in previous:
            store.remove(old.id)
    except Exception:
        log.exception("could not remove the previous version of %s", name)

    empty = sum(1 for p in pages if not p.text) if fmt == "pdf" else 0
    message = f"{empty} of {len(pages)} pages had no text (scanned?)" if empty else ""
    status = IngestStatus.REPLACED if previous else IngestStatus.ADDED
    return FileResult(name, status, len(written), document.pages, document.id, message), True


def _scaled(progress: Progress, done: int, total: int) -> Progress:
    return lambda fraction, message: progress((done + fraction) / total, message)


T = TypeVar("T")


def _exclusive(function: Callable[..., T]) -> Callable[..., T]:
    """Run `function(index, ...)` holding the index's write lock: a rebuild must not take another session's
    half-written document for orphans, nor two additions of the same file interleave."""

    @functools.wraps(function)
    def locked(index: LibraryIndex, *args, **kwargs) -> T:
        with index.writing:
            return function(index, *args, **kwargs)

    return locked


@_exclusive
def ingest(
    index: LibraryIndex,
    files: Sequence[tuple[str, bytes]],
    data_dir: Path | None = None,
    progress: Progress = no_progress,
) -> IngestReport:
    """Add reference documents, each independently: a file that fails leaves nothing behind and the rest go on.

    Re-adding the same bytes changes nothing; a changed file under the same name replaces the old passages.
    """
    started = time.perf_counter()
    store = _Store(references_dir(data_dir))
    results = []
    touched = False
    for position, (name, data) in enumerate(files):
        file_started = time.perf_counter()
        try:
            result, wrote = _ingest_one(index, store, name, data, _scaled(progress, position, len(files)))
            touched |= wrote
        except IngestError as error:
            result = FileResult(error.file, IngestStatus.FAILED, message=error.reason)
            touched = True  # a rolled-back write may have touched the index
        except Exception as error:
            log.exception("could not add reference document %s", name)
            result = FileResult(
                clean_name(name), IngestStatus.FAILED, message=f"could not be indexed ({short_error(error)})"
            )
            touched = True
        results.append(replace(result, seconds=time.perf_counter() - file_started))
    if touched:
        index.reload()
    progress(1.0, "Reference documents are up to date")
    return IngestReport(tuple(results), time.perf_counter() - started)


@_exclusive
def delete_document(index: LibraryIndex, document: str, data_dir: Path | None = None) -> ReferenceDocument | None:
    """Remove a reference document (by id or file name): its passages from the index, then its stored text.

    Returns what was removed, or None when no document matches.
    """
    store = _Store(references_dir(data_dir))
    found = next((d for d in store.documents() if document in (d.id, d.name)), None)
    if found is None:
        return None
    strays = {i for i in index.stored_ids(Kind.REFERENCE) if i.startswith(f"ref-{found.id}-")}
    _remove_passages(index, set(found.passage_ids) | strays)
    store.remove(found.id)
    index.reload()
    return found


@_exclusive
def rebuild_references(
    index: LibraryIndex, data_dir: Path | None = None, force: bool = False, progress: Progress = no_progress
) -> IngestReport:
    """Put every stored document's passages back into the index (all of them with `force`, else only the
    missing or outdated ones), and drop reference passages no stored document owns."""
    started = time.perf_counter()
    store = _Store(references_dir(data_dir))
    documents = store.documents()
    stored_ids = index.stored_ids(Kind.REFERENCE)
    results = []
    for position, document in enumerate(documents):
        file_started = time.perf_counter()
        complete = document.layout == INGEST_LAYOUT and set(document.passage_ids) <= stored_ids
        if complete and not force:
            results.append(
                FileResult(document.name, IngestStatus.UNCHANGED, document.passages, document.pages, document.id)
            )
            continue
        try:
            passages = split_passages(store.pages(document.id))
            rebuilt = document.model_copy(
                update={
                    "passage_ids": [f"ref-{document.id}-{n}" for n in range(len(passages))],
                    "layout": INGEST_LAYOUT,
                }
            )
            written = _write_passages(index, rebuilt, passages, _scaled(progress, position, len(documents)))
            store.save(rebuilt)
            _remove_passages(index, set(document.passage_ids) - set(written))
            result = FileResult(document.name, IngestStatus.ADDED, len(written), document.pages, document.id)
        except Exception as error:
            log.exception("could not rebuild reference document %s", document.name)
            result = FileResult(
                document.name,
                IngestStatus.FAILED,
                document_id=document.id,
                message=f"not rebuilt ({short_error(error)})",
            )
        results.append(replace(result, seconds=time.perf_counter() - file_started))
    owned = {i for d in store.documents() for i in d.passage_ids}
    orphans = [i for i in index.stored_ids(Kind.REFERENCE) if _REFERENCE_ID.match(i) and i not in owned]
    _remove_passages(index, orphans)
    if orphans or any(r.status != IngestStatus.UNCHANGED for r in results):  # nothing written: the snapshot stands
        index.reload()
    progress(1.0, "Reference documents are up to date")
    return IngestReport(tuple(results), time.perf_counter() - started, orphans_removed=len(orphans))
