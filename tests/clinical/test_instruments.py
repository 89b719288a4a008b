"""The instrument catalogue: consistent ranges, bands, targets and cut-offs with sources; checked LOINC codes."""

from __future__ import annotations

import re

import pytest

from clinical.extraction.measures import extract_measures
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


BOUNDED = "(?<![A-Za-z0-9])(?:{})(?![A-Za-z0-9])"

#: The instruments the catalogue must cover, by canonical name.
LISTED = (
    "EPDS",
    "EDE-Q",
    "ASRS-v1.1 Part A",
    "ASRS-v1.1",
    "MoCA",
    "MMSE",
    "GDS-15",
    "CSI-16",
    "Danger Assessment",
    "SCARED",
    "RCADS",
    "RCADS-25",
    "C-SSRS",
    "AUDIT",
    "DAST-10",
    "PCL-5",
    "ISI",
    "PSS-10",
    "BDI-II",
    "BAI",
    "CORE-10",
    "CORE-OM",
    "ORS",
    "SRS",
    "WHODAS 2.0",
    "PSWQ",
    "MDQ",
    "CAPE-P15",
    "SDQ",
    "PHQ-A",
)

#: How clinicians write each name: every variant must match its instrument's pattern in full.
VARIANTS = {
    "EDE-Q": ("EDE-Q", "EDEQ", "EDE-Q 6.0", "EDE Q", "EDE-Q6"),
    "ASRS-v1.1 Part A": ("ASRS-v1.1 Part A", "ASRS v1.1 Part A", "ASRS Part A", "ASRS-6", "ASRS screener"),
    "ASRS-v1.1": ("ASRS-v1.1", "ASRS v1.1", "ASRS"),
    "GDS-15": ("GDS-15", "GDS 15", "GDS", "GDS-SF"),
    "CSI-16": ("CSI-16", "CSI 16"),
    "Danger Assessment": ("Danger Assessment", "Danger Assessment (DA)", "DA (Campbell)"),
    "C-SSRS": ("C-SSRS", "CSSRS", "C-SSRS screen", "C-SSRS screener", "CSSR-S"),
    "CORE-OM": ("CORE-OM", "CORE OM"),
    "CORE-10": ("CORE-10", "CORE 10"),
    "WHODAS 2.0": ("WHODAS", "WHODAS 2.0", "WHODAS-12", "WHODAS 2.0 12-item"),
    "RCADS": ("RCADS",),
    "RCADS-25": ("RCADS-25", "RCADS 25"),
    "PSWQ": ("PSWQ",),
    "MDQ": ("MDQ",),
    "CAPE-P15": ("CAPE-P15", "CAPE P15"),
    "SDQ": ("SDQ",),
    "MoCA": ("MoCA", "MOCA"),
    "MMSE": ("MMSE", "sMMSE"),
    "DAST-10": ("DAST-10", "DAST"),
    "PSS-10": ("PSS-10", "PSS"),
    "BDI-II": ("BDI-II", "BDI II", "BDI-2"),
}

#: (general instrument, text naming a more specific or different instrument that the general one must not match).
NOT_SWALLOWED = (
    ("ASRS-v1.1", "ASRS-v1.1 Part A"),
    ("ASRS-v1.1", "ASRS v1.1 Part A 5"),
    ("ASRS-v1.1", "ASRS Part A"),
    ("ASRS-v1.1", "ASRS-6"),
    ("ASRS-v1.1", "ASRS screener"),
    ("AUDIT", "AUDIT-C"),
    ("DERS", "DERS-16"),
    ("RCADS", "RCADS-25"),
    ("CORE-10", "CORE-OM"),
    ("CORE-OM", "CORE-10"),
    ("SRS", "C-SSRS"),
    ("SRS", "CSSRS"),
    ("Danger Assessment", "DA"),
    ("Danger Assessment", "the DA 14"),
    ("Danger Assessment", "DAST score 4"),
    ("GDS-15", "GDS-30"),
    ("WHODAS 2.0", "WHODAS-36"),
)

#: (specific, general): the specific instrument comes first, so the extractor claims its span first.
OVERLAPS = (
    ("AUDIT-C", "AUDIT"),
    ("DERS-16", "DERS"),
    ("ASRS-v1.1 Part A", "ASRS-v1.1"),
    ("RCADS-25", "RCADS"),
)


def named(name: str) -> re.Pattern:
    """An instrument's pattern compiled with the extractor's boundaries."""
    return re.compile(BOUNDED.format(BY_NAME[name].pattern))


def test_the_catalogue_covers_the_listed_instruments():
    """Every listed instrument has an entry, and the old CSSRS entry is now C-SSRS."""
    assert [name for name in LISTED if name not in BY_NAME] == []
    assert "CSSRS" not in BY_NAME and len(BY_NAME) == len(INSTRUMENTS)


@pytest.mark.parametrize(
    ("name", "variant"), [(name, v) for name, variants in VARIANTS.items() for v in variants], ids=str
)
def test_writer_variants_match_their_instrument(name, variant):
    """The ways clinicians write a name match that instrument's pattern in full."""
    assert named(name).fullmatch(variant), (name, variant)


@pytest.mark.parametrize(("general", "text"), NOT_SWALLOWED, ids=str)
def test_general_patterns_do_not_swallow_specific_forms(general, text):
    """A general pattern refuses the specific instrument's name, and bare DA is never the Danger Assessment."""
    assert named(general).search(text) is None, (general, text)


def test_specific_instruments_come_before_general_ones():
    """The extractor claims spans in catalogue order, so each specific instrument precedes its general one."""
    order = [i.name for i in INSTRUMENTS]
    for specific, general in OVERLAPS:
        assert order.index(specific) < order.index(general), (specific, general)


@pytest.mark.parametrize("entry", INSTRUMENTS, ids=lambda i: i.name)
def test_each_canonical_name_reads_its_own_scores(entry):
    """Each canonical name, followed by a possible score, is read as that instrument and no other."""
    for score in (entry.low, (entry.low + entry.high) // 2, entry.high):
        found = [(m.name, m.score) for m in extract_measures(f"{entry.name} {score:g}").measures]
        assert found == [(entry.name, score)]


@pytest.mark.parametrize(
    "text", ["PSS-10 not done", "DAST-10 declined", "DERS-36 not given", "WHODAS 2.0 not completed", "EDE-Q 6.0 due"]
)
def test_a_version_suffix_is_never_read_as_a_score(text):
    """A name's own number ("-10", "2.0", "6.0") is part of the name, never a (negative) score."""
    result = extract_measures(text)
    assert result.measures == [] and result.errors == [] and result.missing_scores


def test_published_bands_and_cut_offs_with_their_sources():
    """Bands and cut-offs as the cited sources give them."""
    epds, core10, core_om, dast = BY_NAME["EPDS"], BY_NAME["CORE-10"], BY_NAME["CORE-OM"], BY_NAME["DAST-10"]
    assert (epds.caseness, epds.severity(10), epds.severity(13)) == (13, "possible depression", "probable depression")
    assert "Cox" in epds.source
    assert (core10.caseness, core10.severity(10), core10.severity(11), core10.severity(25)) == (
        11,
        "low level",
        "mild",
        "severe",
    )
    assert "Barkham" in core10.source
    assert (core_om.caseness, core_om.decimals, core_om.severity(9.9), core_om.severity(10)) == (
        10,
        True,
        "low level",
        "mild",
    )
    assert "Connell" in core_om.source
    assert [dast.severity(s) for s in (0, 2, 3, 6, 9)] == [
        "no problems reported",
        "low",
        "moderate",
        "substantial",
        "severe",
    ]
    assert [BY_NAME["PSS-10"].severity(s) for s in (13, 14, 27)] == ["low", "moderate", "high"]
    asrs = BY_NAME["ASRS-v1.1 Part A"]
    assert (asrs.high, asrs.caseness, asrs.severity(4)) == (6, 4, "positive screen") and "Kessler" in asrs.source
    assert (
        BY_NAME["Danger Assessment"].severity(18) == "extreme danger"
        and "Campbell" in BY_NAME["Danger Assessment"].source
    )
    assert (BY_NAME["ORS"].reliable_change, BY_NAME["ORS"].caseness) == (5, 25)


def test_where_higher_is_better_the_clinical_range_is_below_the_cut_off():
    """MoCA, MMSE, CSI-16, ORS and SRS: a score below the cut-off is the clinical one, and targets rise to it."""
    moca, csi = BY_NAME["MoCA"], BY_NAME["CSI-16"]
    assert all(BY_NAME[n].higher_is_better for n in ("MoCA", "MMSE", "CSI-16", "ORS", "SRS"))
    assert (moca.in_clinical_range(25), moca.in_clinical_range(26), moca.treatment_target(22)) == (True, False, 26)
    assert (csi.in_clinical_range(51), csi.in_clinical_range(52)) == (True, False)
    assert BY_NAME["PHQ-9"].in_clinical_range(10) and BY_NAME["MDQ"].in_clinical_range(9) is None


def test_decimal_scales_keep_their_decimals():
    """EDE-Q, CORE-OM, ORS and SRS are written with decimals; a 20 % target on them keeps one decimal."""
    assert {i.name for i in INSTRUMENTS if i.decimals} == {"EDE-Q", "CORE-OM", "ORS", "SRS"}
    assert BY_NAME["EDE-Q"].treatment_target(4.6) == 3.7 and BY_NAME["K10"].decimals is False
