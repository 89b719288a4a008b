"""Splitting a document's pages into overlapping passages the embedder can take whole, breaking at paragraphs,
then sentences, then lines, then words (LangChain's recursive splitter with those separators)."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel, ConfigDict, Field

from knowledge.references.read import MIN_PASSAGE_CHARS, Page

#: Passage size: ~900 characters stays under the embedder's 256-token window.
TARGET_CHARS = 900


#: Characters a passage repeats from the end of the one before, so no idea is cut in half.
OVERLAP_CHARS = 150


#: Where a passage may end, best first: a paragraph break, a sentence end (closing quotes and brackets stay with
#: their sentence), a line break, a space, and as a last resort anywhere. Each separator stays at the end of the
#: text before it, so every passage is a verbatim slice of its page.
SEPARATORS = [r"\n[ \t]*\n\s*", r"(?<=[.!?…:;])[\"'”’)\]]*\s+", r"\n\s*", r"\s+", ""]


class Passage(BaseModel):
    """One searchable stretch of a document, at most about `TARGET_CHARS` long."""

    model_config = ConfigDict(frozen=True)

    page: int | None = Field(default=None, description="Page the passage is on, when the format has pages.")
    text: str = Field(description="The passage, verbatim.")


def _splitter(target_chars: int, overlap: int) -> RecursiveCharacterTextSplitter:
    """The recursive splitter for passages of at most `target_chars` repeating up to `overlap` characters."""
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        strip_whitespace=True,
        chunk_size=target_chars,
        chunk_overlap=overlap,
    )


def _spans(text: str, chunks: list[str]) -> list[tuple[int, int]]:
    """Where each chunk (a verbatim slice, in order) sits in `text`."""
    spans, after = [], 0
    for chunk in chunks:
        start = text.find(chunk, after)
        if start < 0:  # cannot happen for the splitter's verbatim, ordered chunks; search from the top to be safe
            start = text.find(chunk)
        spans.append((start, start + len(chunk)))
        after = start + 1
    return spans


def split_passages(
    pages: Sequence[Page], target_chars: int = TARGET_CHARS, overlap: int = OVERLAP_CHARS
) -> list[Passage]:
    """Overlapping passages of at most `target_chars`, ending at paragraph, sentence or word boundaries.

    Passages never span pages, so each keeps its page number; each is a verbatim slice of its page. A fragment
    too short to be a passage on its own (a heading before a long paragraph, say) joins the passage after it
    when both fit, so its words stay searchable.
    """
    if overlap * 2 >= target_chars:
        raise ValueError("overlap must be less than half of target_chars")
    splitter = _splitter(target_chars, overlap)
    passages = []
    for page in pages:
        text = page.text.strip()
        spans = _spans(text, splitter.split_text(text))
        index = 0
        while index < len(spans):
            start, end = spans[index]
            while end - start < MIN_PASSAGE_CHARS and index + 1 < len(spans):
                following_end = spans[index + 1][1]
                if following_end - start > target_chars:
                    break
                end = following_end
                index += 1
            piece = text[start:end].strip()
            if len(piece) >= MIN_PASSAGE_CHARS:
                passages.append(Passage(page=page.number, text=piece))
            index += 1
    return passages
