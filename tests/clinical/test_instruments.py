"""The instrument catalogue: consistent ranges, bands, targets and cut-offs with sources; checked LOINC codes."""

from __future__ import annotations

import re

import pytest

from clinical.instruments import BY_NAME, INSTRUMENTS, instrument


def loinc_check_digit(number: str) -> int:
    """The LOINC mod-10 check digit of a code's number part (LOINC Users' Guide, appendix on check digits)."""
    digits = [int(d) for d in reversed(number)]
    odd = "".join(str(d * 2) for d in digits[0::2])  # positions 1, 3, 5… from the right, doubled
    even = "".join(str(d) for d in digits[1::2])
    total = sum(int(d) for d in even + odd)
    return (10 - total % 10) % 10


@pytest.mark.parametrize("entry", INSTRUMENTS, ids=lambda i: i.name)
def test_each_instrument_is_consistent_and_sourced(entry):
    """Bands rise to the top of the range, every threshold lies in the range, and every entry says where it is from."""
    assert entry.source and entry.low < entry.high
    uppers = [upper for upper, _ in entry.bands]
    assert uppers == sorted(uppers) and (not uppers or uppers[-1] == entry.high)
    for value in (entry.target, entry.caseness):
        assert value is None or entry.in_range(value)
    assert entry.reliable_change is None or 0 < entry.reliable_change < entry.high - entry.low
    if entry.loinc is not None:
        number, check = re.fullmatch(r"(\d{1,7})-(\d)", entry.loinc).groups()
        assert loinc_check_digit(number) == int(check), entry.loinc


def test_the_check_digit_rule_rejects_a_typo():
    """The check-digit test itself: a transposed code fails it."""
    assert loinc_check_digit("44261") == 6 and loinc_check_digit("44216") != 6


def test_targets_never_pass_the_baseline():
    """Measure targets follow the severity bands and never pass the baseline.

    Targets: the band's top for a score above it, the score itself when already below, the other way for a
    measure where higher is better, and a 20 % change for an instrument without a conventional target."""
    phq9, ors, ders = instrument("PHQ-9"), instrument("ORS"), instrument("DERS")
    assert (phq9.treatment_target(19), phq9.treatment_target(6)) == (9, 6)
    assert (ors.treatment_target(18), ors.treatment_target(31)) == (25, 31)
    assert ders.treatment_target(110) == 88


def test_published_thresholds_for_progress():
    """The reliable-change and caseness values that progress tracking uses (NHS Talking Therapies manual)."""
    assert (BY_NAME["PHQ-9"].reliable_change, BY_NAME["PHQ-9"].caseness) == (6, 10)
    assert (BY_NAME["GAD-7"].reliable_change, BY_NAME["GAD-7"].caseness) == (4, 8)
    assert instrument("not-an-instrument") is None


def test_the_taxonomy_names_exactly_the_plan_elements(library):
    """The intervention categories the library's taxonomy labels are the plan model's categories, no more or less."""
    from knowledge.models import Category

    assert {c.id for c in library.taxonomy.categories} == {c.value for c in Category}
