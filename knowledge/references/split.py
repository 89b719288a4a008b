"""Splitting a document's pages into overlapping passages the embedder can take whole, breaking at paragraphs,
then sentences, then lines, then words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from knowledge.references.read import MIN_PASSAGE_CHARS, Page

#: Passage size: ~900 characters stays under the embedder's 256-token window.
TARGET_CHARS = 900


#: Characters a passage repeats from the end of the one before, so no idea is cut in half.
OVERLAP_CHARS = 150


class Passage(BaseModel):
    """One searchable stretch of a document, at most about `TARGET_CHARS` long."""

    model_config = ConfigDict(frozen=True)

    page: int | None = Field(default=None, description="Page the passage is on, when the format has pages.")
    text: str = Field(description="The passage, verbatim.")


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
