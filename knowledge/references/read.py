"""Reading a reference document: Markdown, text, PDF or Word into pages of plain text, with every way a file can
be unusable (type, size, binary, corrupt, encrypted, scanned, zip bomb) refused with a message."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

#: Shorter fragments (a lone page number, a header) are not worth a passage; `Entry.text` needs 12 characters.
MIN_PASSAGE_CHARS = 12
#: Largest file accepted, in bytes.
MAX_FILE_BYTES = 20 * 1024 * 1024


#: Most extracted text accepted per document (about 600 pages of prose; ~2,000 passages, ~40 s to embed).
MAX_TEXT_CHARS = 2_000_000


#: Most a .docx package may expand to when unzipped (guards against zip bombs).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


SUPPORTED_TYPES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".pdf": "pdf", ".docx": "docx"}


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
        raise IngestError(name, f"is a corrupt PDF and cannot be read ({short_error(exc)})") from exc
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
        raise IngestError(name, f"is a corrupt PDF: page {len(pages) + 1} cannot be read ({short_error(exc)})") from exc
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
        raise IngestError(name, f"is a corrupt Word document and cannot be read ({short_error(exc)})") from exc

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
        raise IngestError(name, f"is a corrupt Word document and cannot be read ({short_error(exc)})") from exc
    return [Page(number=None, text=_tidy(text))]


def short_error(exc: Exception) -> str:
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


def clean_name(name: str) -> str:
    """The file name without folders or control characters (uploads may carry a client-side path)."""
    cleaned = _CONTROL.sub("", PurePosixPath(name.replace("\\", "/")).name).strip()
    return cleaned[:255]
