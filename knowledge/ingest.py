"""The clinician's own reference documents: read PDF, Word, Markdown and text files into searchable passages.

Each document is split into overlapping passages of kind `reference`, embedded and stored in the index
next to the library. Its extracted text is also kept under `<data_dir>/references/`, so the index can
always be rebuilt from the library plus those texts. Ingested text is data: it is stored as written and
never interpreted.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config import get_settings
from knowledge.embeddings import MODEL_ID
from knowledge.index import LibraryIndex, Progress, no_progress
from knowledge.models import Entry, Kind
from records.files import atomic_write

log = logging.getLogger(__name__)

#: Largest file accepted, in bytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Most extracted text accepted per document (about 600 pages of prose; ~2,000 passages, ~40 s to embed).
MAX_TEXT_CHARS = 2_000_000
#: Most a .docx package may expand to when unzipped (guards against zip bombs).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Passage size: ~900 characters stays under the embedder's 256-token window.
TARGET_CHARS = 900
#: Characters a passage repeats from the end of the one before, so no idea is cut in half.
OVERLAP_CHARS = 150
#: Shorter fragments (a lone page number, a header) are not worth a passage; `Entry.text` needs 12 characters.
MIN_PASSAGE_CHARS = 12
#: Passages embedded and written per step: a failure mid-document is rolled back step by step.
EMBED_BATCH = 32
#: Bump when extraction or splitting changes, so re-adding the same file re-indexes it once.
INGEST_LAYOUT = "1"

SUPPORTED_TYPES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".pdf": "pdf", ".docx": "docx"}

_REFERENCE_ID = re.compile(r"^ref-([0-9a-f]{12})-\d+$")
_MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, perhaps)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc)"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class IngestError(ValueError):
    """A file could not be read into passages; `reason` says why in words a clinician can act on."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class Page(BaseModel):
    """The text of one page (PDF) or of a whole unpaginated document."""

    model_config = ConfigDict(frozen=True)

    number: int | None = Field(default=None, description="1-based page number in the PDF; None when unpaginated.")
    text: str = Field(description="Extracted text, as written.")


class Passage(BaseModel):
    """One searchable stretch of a document, at most about `TARGET_CHARS` long."""

    model_config = ConfigDict(frozen=True)

    page: int | None = Field(default=None, description="Page the passage is on, when the format has pages.")
    text: str = Field(description="The passage, verbatim.")


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


# -- reading files ---------------------------------------------------------------


def clean_name(name: str) -> str:
    """The file name without folders or control characters (uploads may carry a client-side path)."""
    cleaned = _CONTROL.sub("", PurePosixPath(name.replace("\\", "/")).name).strip()
    return cleaned[:255]


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"


def _looks_like(data: bytes) -> str | None:
    return next((what for magic, what in _MAGIC if data.startswith(magic)), None)


def _tidy(text: str) -> str:
    """Unify line endings and drop control characters; everything else stays as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    return _CONTROL.sub("", text).strip()


def _printable_share(text: str, sample: int = 200_000) -> float:
    """Share of printable characters and whitespace in (the start of) a text; binary junk scores low."""
    text = text[:sample]
    if not text:
        return 1.0
    return sum(1 for c in text if c.isprintable() or c.isspace()) / len(text)


def _decode_text(name: str, data: bytes) -> str:
    """Plain text in UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252; refuse binaries."""
    binary = IngestError(
        name,
        f"looks like {_looks_like(data) or 'a binary file'}, not text; "
        "save it as plain text (.txt / .md), or upload the original with its own extension",
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise binary from None
    elif b"\x00" in data:
        raise binary
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Older Windows editors save Windows-1252; real prose in it is still mostly ASCII.
            high = sum(b >= 0x80 for b in data) / len(data)
            if high > 0.3:
                raise binary from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise binary from None
    if _printable_share(text) < 0.97:
        raise binary
    return text


def _pdf_pages(name: str, data: bytes) -> list[Page]:
    from pypdf import PasswordType, PdfReader

    if b"%PDF-" not in data[:1024]:
        what = _looks_like(data)
        raise IngestError(
            name, f"is not a PDF ({what + ' renamed .pdf' if what else 'no PDF header: corrupt, or another format'})"
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise IngestError(name, f"is a corrupt PDF and cannot be read ({_short(exc)})") from exc
    if encrypted:
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:  # AES needs the optional `cryptography` package (DependencyError), or the file is odd
            opened = False
        if not opened:
            raise IngestError(
                name, "is an encrypted (password-protected) PDF; save a copy without the password and add that"
            )
    pages = []
    try:
        for number, page in enumerate(reader.pages, start=1):
            pages.append(Page(number=number, text=_pdf_text(page.extract_text() or "")))
    except Exception as exc:
        raise IngestError(name, f"is a corrupt PDF: page {len(pages) + 1} cannot be read ({_short(exc)})") from exc
    if not pages:
        raise IngestError(name, "is a PDF with no pages")
    if not any(p.text for p in pages):
        raise IngestError(
            name,
            "has no text layer (a scan or images of text); OCR is not supported — "
            "add a PDF with selectable text, or the original document",
        )
    return pages


_WRAPPED = re.compile(r"(?<=\S)(-?)[ \t]*\n[ \t]*(?=[a-z])")
_SPACES = re.compile(r"[ \t]{2,}")


def _pdf_text(text: str) -> str:
    """A PDF page's words as written, without its layout: justified lines leave runs of spaces, and lines
    break where the page ran out, so a line that continues in lower case is joined to the one before."""
    text = _SPACES.sub(" ", _tidy(text))
    return _WRAPPED.sub(lambda m: m.group(1) or " ", text)


def _docx_pages(name: str, data: bytes) -> list[Page]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(io.BytesIO(data)):
        what = _looks_like(data)
        raise IngestError(
            name,
            f"is not a Word .docx document ({what + ' renamed .docx' if what else 'corrupt, or another format'}); "
            "open it in Word and save as .docx",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if "word/document.xml" not in {m.filename for m in members}:
                raise IngestError(name, "is a ZIP archive but not a Word document (no word/document.xml)")
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise IngestError(name, f"expands to more than {_megabytes(MAX_UNZIPPED_BYTES)} when unpacked")
        document = docx.Document(io.BytesIO(data))
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(name, f"is a corrupt Word document and cannot be read ({_short(exc)})") from exc

    def blocks(container) -> Iterable[str]:
        for item in container.iter_inner_content():
            if isinstance(item, Paragraph):
                if item.text.strip():
                    yield item.text
            elif isinstance(item, Table):
                for row in item.rows:
                    seen, cells = set(), []
                    for cell in row.cells:  # a merged cell repeats across the columns it spans
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        text = " ".join(blocks(cell)).strip()
                        if text:
                            cells.append(text)
                    if cells:
                        yield " | ".join(cells)

    try:
        text = "\n\n".join(blocks(document))
    except Exception as exc:
        raise IngestError(name, f"is a corrupt Word document and cannot be read ({_short(exc)})") from exc
    return [Page(number=None, text=_tidy(text))]


def _short(exc: Exception) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= 160 else message[:157] + "…"


def file_format(name: str) -> str:
    """The format a file name's extension selects; `IngestError` for anything else."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUPPORTED_TYPES:
        what = f"'{suffix}'" if suffix else "without an extension"
        raise IngestError(name, f"unsupported file type {what}; supported: {', '.join(SUPPORTED_TYPES)}")
    return SUPPORTED_TYPES[suffix]


def extract_text(name: str, data: bytes) -> list[Page]:
    """The text of a Markdown, text, PDF or Word file, page by page (one unnumbered page when unpaginated).

    Raises `IngestError` naming the file and the reason: unsupported type, too large, empty, binary,
    corrupt, encrypted, no text layer, or too much text.
    """
    name = clean_name(name) or "(unnamed file)"
    fmt = file_format(name)
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(name, f"is {_megabytes(len(data))}; the limit is {_megabytes(MAX_FILE_BYTES)} per file")
    if not data:
        raise IngestError(name, "is empty (0 bytes)")
    match fmt:
        case "pdf":
            pages = _pdf_pages(name, data)
        case "docx":
            pages = _docx_pages(name, data)
        case _:
            pages = [Page(number=None, text=_tidy(_decode_text(name, data)))]
    total = sum(len(p.text) for p in pages)
    if total < MIN_PASSAGE_CHARS:
        raise IngestError(name, "contains no text to index")
    if total > MAX_TEXT_CHARS:
        raise IngestError(
            name, f"holds {total:,} characters of text; the limit is {MAX_TEXT_CHARS:,} — split it into parts"
        )
    return pages


# -- splitting -------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…:;])[\"'”’)\]]*\s+")
_LINE_BREAK = re.compile(r"\n\s*")
_WORD_BREAK = re.compile(r"\s+")


def _last_break(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The best place to end a passage between `lo` and `hi`: a paragraph, else a sentence, line or word end."""
    for pattern in (_PARAGRAPH_BREAK, _SENTENCE_BREAK, _LINE_BREAK, _WORD_BREAK):
        found = None
        for match in pattern.finditer(text, lo, min(len(text), hi + 64)):
            if match.start() > hi:
                break
            found = match
        if found is not None:
            return found.start(), found.end()
    return None


def _overlap_start(text: str, cut: int, after: int, overlap: int) -> int:
    """Where the next passage starts: a sentence (else word) start at most `overlap` before `cut`."""
    if overlap <= 0:
        return after
    for pattern in (_SENTENCE_BREAK, _WORD_BREAK):
        for match in pattern.finditer(text, max(0, cut - overlap), cut):
            if match.end() >= cut - overlap:
                return match.end()
    return after


def split_passages(
    pages: Sequence[Page], target_chars: int = TARGET_CHARS, overlap: int = OVERLAP_CHARS
) -> list[Passage]:
    """Overlapping passages of at most `target_chars`, ending at paragraph, sentence or word boundaries.

    Passages never span pages, so each keeps its page number; each is a verbatim slice of its page.
    """
    if overlap * 2 >= target_chars:
        raise ValueError("overlap must be less than half of target_chars")
    passages = []
    for page in pages:
        text = page.text.strip()
        start = 0
        while start < len(text):
            if len(text) - start <= target_chars:
                cut = after = len(text)
            else:
                found = _last_break(text, start + target_chars // 2, start + target_chars)
                cut, after = found or (start + target_chars, start + target_chars)
            piece = text[start:cut].strip()
            if len(piece) >= MIN_PASSAGE_CHARS:
                passages.append(Passage(page=page.number, text=piece))
            if after >= len(text):
                break
            start = _overlap_start(text, cut, after, overlap)
    return passages


# -- storing ---------------------------------------------------------------------


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


# -- indexing --------------------------------------------------------------------


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
                clean_name(name), IngestStatus.FAILED, message=f"could not be indexed ({_short(error)})"
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
                document.name, IngestStatus.FAILED, document_id=document.id, message=f"not rebuilt ({_short(error)})"
            )
        results.append(replace(result, seconds=time.perf_counter() - file_started))
    owned = {i for d in store.documents() for i in d.passage_ids}
    orphans = [i for i in index.stored_ids(Kind.REFERENCE) if _REFERENCE_ID.match(i) and i not in owned]
    _remove_passages(index, orphans)
    if orphans or any(r.status != IngestStatus.UNCHANGED for r in results):  # nothing written: the snapshot stands
        index.reload()
    progress(1.0, "Reference documents are up to date")
    return IngestReport(tuple(results), time.perf_counter() - started, orphans_removed=len(orphans))
