"""The PDF export and the client's safety-plan page, read back with pypdf."""

from __future__ import annotations

import io
import logging

import pypdf
import pytest

from clinical.plan import SAFETY_PLAN_STEPS, safety_step_title
from exports.document import CRISIS_FOOTER, Heading, plan_document
from exports.pdf import REPLACEMENT, font_files, to_pdf, to_safety_plan_pdf
from tests.exports.conftest import CJK, HOSTILE_SHOWN, LINT_TEXT, LONG_FORMULATION, PRACTICE


def flat(text: str) -> str:
    """Text with every run of whitespace as one space, so lines wrapped on the page compare equal."""
    return " ".join(text.split())


def pages(data: bytes) -> list[list[str]]:
    """Each page's lines of text without its footer (which is checked to name the page)."""
    out = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages, start=1):
        body, footer = page.extract_text().rsplit("\n", 1)
        assert footer.endswith(f" · page {number}"), footer
        out.append([line.strip() for line in body.splitlines() if line.strip()])
    return out


def read(data: bytes) -> str:
    """All the body text, whitespace flattened."""
    return flat(" ".join(" ".join(lines) for lines in pages(data)))


@pytest.fixture(scope="module")
def drafted_pdf(drafted_plan, context) -> bytes:
    """The drafted plan's PDF."""
    return to_pdf(drafted_plan, context)


def test_header_facts_then_the_plan_in_order(drafted_pdf, drafted_plan, context):
    """Practice, status and header facts first; then every section, goal, objective and intervention in order."""
    text = read(drafted_pdf)
    start = drafted_plan.session_plan.start_date.isoformat()
    assert text.startswith(
        f"Treatment plan — Sky {flat(PRACTICE)} DRAFT — for clinician review · version 1 "
        f"{flat(drafted_plan.review_notice)} Client: Sky, age 20, she/they Clinician: Dr Ana Ortiz, PsyD "
        f"Start date: {start} Sessions: "
    )
    position = 0
    for block in plan_document(drafted_plan, context).blocks:
        if isinstance(block, Heading):
            position = text.index(flat(block.text), position) + 1
    for n, goal in enumerate(drafted_plan.goals, start=1):
        for m, objective in enumerate(goal.objectives, start=1):
            assert flat(f"{n}.{m} {objective.description}") in text
            assert f"Target date: {objective.target_date.isoformat()} · Status: {objective.status}" in text
    assert "Clinician signature: ______________________" in text


@pytest.mark.slow
def test_no_heading_is_left_at_the_foot_of_a_page(drafted_plan, context):
    """However the page breaks fall, a heading is never a page's last line: it moves over with what follows."""
    headings = {flat(b.text) for b in plan_document(drafted_plan, context).blocks if isinstance(b, Heading)}
    checked = 0
    for extra in range(0, 40, 3):  # longer presenting problems shift every break further down the plan
        plan = drafted_plan.model_copy(
            update={"presenting_problem": "\n".join(["Further history recorded at intake."] * extra)}
        )
        for lines in pages(to_pdf(plan, context))[:-1]:
            last = flat(lines[-1])
            assert not [h for h in headings if h.startswith(last) or last.startswith(h)], (extra, last)
            checked += 1
    assert checked >= 40


def test_metadata_and_embedded_font(drafted_pdf, tmp_path):
    """PDF metadata names the alias, no author, and embeds the fonts made once.

    The title names the alias, no author is set, and both Noto Sans weights are embedded; the static fonts
    are made once into the data folder's cache."""
    reader = pypdf.PdfReader(io.BytesIO(drafted_pdf))
    assert reader.metadata.title == "Treatment plan — Sky"
    assert reader.metadata.author is None
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts == {"/MPDFAA+NotoSans", "/MPDFAA+NotoSansBold"}
    files = font_files(tmp_path)
    assert {path.parent for path in files.values()} == {tmp_path / "fonts"}
    assert font_files(tmp_path) == files and all(path.stat().st_size > 100_000 for path in files.values())


def test_final_plan_is_signed(final_plan, context):
    """A final plan says FINAL, names the signer and diagnosis, and has no review notice or DRAFT marker."""
    text = read(to_pdf(final_plan, context))
    assert "FINAL · version 3 · signed by Dr Ana Ortiz, PsyD, LP on 2026-12-01" in text
    assert "DRAFT" not in text and flat(final_plan.review_notice) not in text
    assert "cannot show" not in text
    assert "Diagnoses: F60.3 Borderline personality disorder" in text
    assert "Name and credentials: Dr Ana Ortiz, PsyD, LP Date: 2026-12-01" in text
    assert "Client participation: The client participated in developing this plan." in text


def test_hostile_text_is_literal(hostile_plan, context, caplog):
    """Hostile and unusual text is written literally and nothing is cut.

    Markup, links and `{nb}` print as typed; no link annotation; a font's missing glyphs neither crash nor log;
    the plan check's findings are not printed."""
    with caplog.at_level(logging.WARNING):
        data = to_pdf(hostile_plan, context)
    assert not [r for r in caplog.records if r.name.startswith("fpdf")]
    text = read(data)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2
    assert flat(f"Goal 1. {HOSTILE_SHOWN}") in text
    for fragment in ("<para>Tom & Jerry</para>", "<script>alert(1)</script>", "![x](http://evil/x.png)", "**bold**"):
        assert text.count(fragment) >= 4  # goal, objective, intervention, discharge criterion
    assert "{nb}" in text and "Zoë Łukasz Привет" in text
    assert f"In the client's words: “{REPLACEMENT * len(CJK)} & <i>well</i>”" in text
    assert f"Characters this PDF's font cannot show are printed as {REPLACEMENT}" in text
    assert "Measure: <PHQ-9> & co · Baseline: 19 · Target: 9 & below · Target date: 2027-03-01" in text
    assert "Keep a mood log with a bell and a tab." in text
    assert "Frequency: not set · Modality: any" in text and "Serves: the whole plan" in text
    assert LINT_TEXT not in text and "Plan check" not in text
    # The long token breaks across lines, so compare without whitespace.
    assert "".join(LONG_FORMULATION.split()) in "".join(text.split())
    assert b"/URI" not in data and b"/Annots" not in data and b"/JavaScript" not in data
    assert "Safety plan" not in text


def test_client_safety_plan_fits_one_page(drafted_plan, context):
    """The client's copy is one page with the six steps, the plan's items and the crisis lines."""
    data = to_safety_plan_pdf(drafted_plan, context)
    (lines,) = pages(data)
    text = flat(" ".join(lines))
    assert text.startswith("My safety plan For Sky")
    for step in SAFETY_PLAN_STEPS:
        assert safety_step_title(step) in text
    assert flat(drafted_plan.safety_plan.means_safety[0]) in text
    assert flat(CRISIS_FOOTER) in text
    crowded = drafted_plan.model_copy(
        update={
            "safety_plan": drafted_plan.safety_plan.model_copy(
                update={
                    step: [f"A longer item the client wrote for this step, number {n}." for n in range(5)]
                    for step in SAFETY_PLAN_STEPS
                }
            )
        }
    )
    assert len(pages(to_safety_plan_pdf(crowded, context))) == 1
