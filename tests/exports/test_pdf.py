"""The PDF export, read back with pypdf."""

from __future__ import annotations

import io
import logging

import pypdf
import pytest

from exports import SAFETY_PLAN_STEPS
from exports.pdf import REPLACEMENT, to_pdf
from tests.exports.conftest import CJK, HOSTILE_SHOWN, LONG_FORMULATION


def flat(text: str) -> str:
    """Text with every run of whitespace as one space, so lines wrapped on the page compare equal."""
    return " ".join(text.split())


def read(data: bytes) -> tuple[pypdf.PdfReader, str]:
    """The parsed PDF and the text of its pages without their footers, whitespace flattened."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        body, footer = page.extract_text().rsplit("\n", 1)
        assert footer.endswith(f" · page {number}"), footer
        pages.append(body)
    return reader, flat(" ".join(pages))


@pytest.fixture(scope="module")
def drafted_pdf(drafted_plan, taxonomy) -> bytes:
    """The drafted plan's PDF."""
    return to_pdf(drafted_plan, taxonomy)


def test_draft_content_in_order(drafted_pdf, drafted_plan, taxonomy):
    """Every section, goal, objective and intervention is there, in the DOCX's order, marked DRAFT."""
    _, text = read(drafted_pdf)
    assert text.startswith("Treatment plan — Sky DRAFT — for clinician review · version 1")
    assert flat(drafted_plan.review_notice) in text
    sections = ["Presenting problem", "Formulation", "Goals and objectives", "Interventions", "Session plan"]
    sections += ["Safety plan", *[label for _, label in SAFETY_PLAN_STEPS], "Progress monitoring"]
    sections += ["Discharge criteria", "Signatures"]
    position = 0
    for heading in sections:
        position = text.index(heading, position) + len(heading)
    for goal in drafted_plan.goals:
        assert flat(f"{goal.id}. {goal.description}") in text
        assert f"Problem area: {taxonomy.area_label(goal.problem_area)}" in text
        for o in goal.objectives:
            assert flat(f"{o.id}. {o.description}") in text
            assert f"Target date: {o.target_date.isoformat()} · Status: {o.status}" in text
    for i in drafted_plan.interventions:
        assert flat(f"{i.id}. {i.description}") in text
        assert flat(f"Frequency: {i.frequency}") in text
    assert "Clinician signature: ______________________" in text


def test_metadata_and_embedded_font(drafted_pdf):
    """The title names the alias, no author is set, and both Noto Sans weights are embedded."""
    reader, _ = read(drafted_pdf)
    assert reader.metadata.title == "Treatment plan — Sky"
    assert reader.metadata.author is None
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts == {"/MPDFAA+NotoSans", "/MPDFAA+NotoSansBold"}


def test_final_plan_is_signed(final_plan, taxonomy):
    """A final plan says FINAL, names the signer and diagnosis, and has no review notice or DRAFT marker."""
    _, text = read(to_pdf(final_plan, taxonomy))
    assert text.startswith("Treatment plan — Sky FINAL · version 3 · signed by Dr Ana Ortiz, PsyD, LP on 2026-12-01")
    assert "DRAFT" not in text and flat(final_plan.review_notice) not in text
    assert "cannot show" not in text
    assert "Borderline personality disorder (F60.3)" in text
    assert "Name: Dr Ana Ortiz Credentials: PsyD, LP Date: 2026-12-01" in text
    assert "Client participation: The client participated in developing this plan." in text


def test_hostile_text_is_literal(hostile_plan, taxonomy, caplog):
    """Markup, links and `{nb}` print as typed; no link annotation; a font's missing glyphs neither crash nor log."""
    with caplog.at_level(logging.WARNING):
        data = to_pdf(hostile_plan, taxonomy)
    assert not [r for r in caplog.records if r.name.startswith("fpdf")]
    reader, text = read(data)
    assert len(reader.pages) >= 2
    assert flat(f"g1. {HOSTILE_SHOWN}") in text
    for fragment in ("<para>Tom & Jerry</para>", "<script>alert(1)</script>", "![x](http://evil/x.png)", "**bold**"):
        assert text.count(fragment) >= 4  # goal, objective, intervention, discharge criterion
    assert "{nb}" in text and "Zoë Łukasz Привет" in text
    assert f"In the client's words: “{REPLACEMENT * len(CJK)} & <i>well</i>”" in text
    assert f"Characters this PDF's font cannot show are printed as {REPLACEMENT}" in text
    assert "Measure: <PHQ-9> & co · Baseline: 19 · Target: 9 & below · Target date: 2027-03-01" in text
    assert "Keep a mood log with a bell and a tab." in text
    assert "warning: <b>check</b> & fix (goals[0])" in text
    technique = taxonomy.category_label("technique")
    assert f"Modality: Any modality · Category: {technique} · Frequency: Frequency not set · Objectives: All" in text
    # The long token breaks across lines, so compare without whitespace.
    assert "".join(LONG_FORMULATION.split()) in "".join(text.split())
    assert b"/URI" not in data and b"/Annots" not in data and b"/JavaScript" not in data
    assert "Safety plan" not in text
