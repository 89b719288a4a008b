"""Queries read as a clinician means them: indirect risk language is named, so retrieval finds the right entries."""

from __future__ import annotations

import pytest

from chains.query import clinical_query, search_library


@pytest.mark.parametrize(
    ("query", "area"),
    [
        ("some nights she wishes she would not wake up in the morning", "suicidality"),
        ("says his family would be better off without him", "suicidality"),
        ("tired of living, no point going on like this", "suicidality"),
        ("partner strangled her last month and keeps a gun", "ipv"),
    ],
)
def test_indirect_risk_finds_its_entries(library_index, query, area):
    """Passive ideation written indirectly lands on suicidality entries, not sleep or family ones; IPV on safety."""
    hits = search_library(library_index, query, k=5)
    assert sum(area in h.problem_areas for h in hits) >= 3, [h.id for h in hits]


@pytest.mark.parametrize(
    "query",
    [
        "cannot sleep, wakes at 3am",
        "denies SI, HI and self-harm",
        "her mother's suicide in 2015",
        "cutting remarks at work",
    ],
)
def test_queries_without_reported_risk_are_left_alone(query):
    """Sleep complaints, denials, another person's suicide and figures of speech add no risk words."""
    assert clinical_query(query) == query


def test_the_named_risk_is_added_not_substituted():
    """The clinician's words stay first; the clinical name follows in brackets."""
    assert clinical_query("wishes she would not wake up").startswith("wishes she would not wake up (suicidal ideation")
