"""The one context mechanism: negation, history, hypotheticals, another person's experience and figures of speech,
on a table of real clinical phrasings (tests/fixtures/phrasings/context.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinical.extraction.context import assertion, clauses

TABLE = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "phrasings" / "context.yaml").read_text("utf-8"))


def read(text: str, target: str, done_by_other: bool = False) -> str:
    """The class the mechanism gives the first mention of `target` in `text`."""
    for clause in clauses(text):
        at = clause.find(target)
        if at >= 0:
            return assertion(clause, at, at + len(target)).reading(done_by_other)
    raise AssertionError(f"{target!r} is not in {text!r}")


def test_the_table_covers_every_class():
    """The table holds enough rows of every class to mean something."""
    counts = {c: sum(row["expect"] == c for row in TABLE) for c in ("present", "negated", "historical")}
    counts |= {c: sum(row["expect"] == c for row in TABLE) for c in ("hypothetical", "other", "figurative")}
    assert len(TABLE) >= 60 and min(counts.values()) >= 3, counts


@pytest.mark.parametrize("row", TABLE, ids=lambda row: f"{row['expect']}: {row['text'][:50]}")
def test_reading(row):
    """Each phrasing is read as a careful clinician reads it."""
    assert read(row["text"], row["target"], row.get("done_by_other", False)) == row["expect"]
