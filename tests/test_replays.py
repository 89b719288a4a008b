"""Whole realistic intakes replayed through the engine (and the CLI) against their known-correct records."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from cli import app
from clinical.intake_engine import IntakeContext
from clinical.replay import replay_intake
from config import get_settings
from tests.builders import CASES, FIXTURES, load_case

pytestmark = pytest.mark.slow


def check(record: dict, expected: dict) -> None:
    """Compare an exported record with the expected facts."""
    assert record["client"]["age"] == expected["age"]
    assert record["client"]["pronouns"] == expected["pronouns"]
    assert set(expected["problem_areas_include"]) <= set(record["problem_areas"]), record["problem_areas"]
    for field, value in expected["risk"].items():
        assert record["risk"][field] == value, (field, record["risk"])
    assert {m["name"]: m["score"] for m in record["measures"]} == expected["measures"]
    assert record["orientation"] == expected["orientation"]
    for field, value in expected["session"].items():
        assert record["session"][field] == value, (field, record["session"])
    assert record["client_words"] == expected["client_words"]


def test_there_are_enough_cases():
    """At least four complete realistic intakes are replayed."""
    assert len(CASES) >= 4


@pytest.mark.parametrize("name", CASES)
def test_replay(name, library_index, library):
    """The engine, with retrieval, turns each intake into the right record."""
    answers, expected = load_case(name)
    alias = answers.pop("alias")
    context = IntakeContext(library.taxonomy, library_index.area_fit)
    record = replay_intake(answers, alias, context, today=date(2026, 11, 23))
    check(record.export(), expected)
    assert set(record.sections) == set(answers)


def test_cli_replay(library_data_dir, monkeypatch, tmp_path):
    """`cli.py intake --answers FILE --out FILE` writes the same record."""
    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(library_data_dir))
    get_settings.cache_clear()
    name = CASES[0]
    out = tmp_path / "intake.json"
    result = CliRunner().invoke(
        app, ["intake", "--answers", str(FIXTURES / f"{name}.json"), "--out", str(out), "--today", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    check(json.loads(out.read_text(encoding="utf-8")), load_case(name)[1])


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "cannot read"), ('["a list"]', "must be a JSON object"), ('{"moods": "x"}', "unknown section")],
)
def test_cli_bad_answers(library_data_dir, monkeypatch, tmp_path, content, message):
    """Malformed answer files exit 2 with a clear message and write nothing."""
    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(library_data_dir))
    get_settings.cache_clear()
    answers = tmp_path / "answers.json"
    answers.write_text(content, encoding="utf-8")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["intake", "--answers", str(answers), "--out", str(out)])
    assert result.exit_code == 2 and message in result.output
    assert not out.exists()


@pytest.fixture(scope="module")
def cli_intake(library_data_dir, tmp_path_factory):
    """An intake record written by the CLI from a replayed case with risk reported."""
    out = tmp_path_factory.mktemp("cli") / "intake.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANAMNESIS_DATA_DIR", str(library_data_dir))
        get_settings.cache_clear()
        answers = FIXTURES / "dbt_self_harm_dysregulation.json"
        result = CliRunner().invoke(
            app, ["intake", "--answers", str(answers), "--out", str(out), "--today", "2026-11-23"]
        )
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("fmt", ["json", "md", "docx", "pdf", "fhir", "safety-plan"])
def test_cli_draft_every_format(cli_intake, library_data_dir, monkeypatch, tmp_path, fmt):
    """`cli.py draft` writes a readable plan in every format.

    `cli.py draft --intake FILE --format F --out PATH` writes a readable plan in each format, with the practice
    line from settings."""
    import io

    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(library_data_dir))
    monkeypatch.setenv("ANAMNESIS_PRACTICE", "Riverside Counselling")
    get_settings.cache_clear()
    out = tmp_path / f"plan.{fmt}"
    result = CliRunner().invoke(app, ["draft", "--intake", str(cli_intake), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 lint errors" in result.output and "composer: offline" in result.output
    assert "items to complete before signing" in result.output
    data = out.read_bytes()
    if fmt == "json":
        from clinical.plan import TreatmentPlan

        plan = TreatmentPlan.model_validate_json(data)
        assert plan.safety_plan is not None and plan.goals[0].problem_area in {"self-harm", "suicidality"}
    elif fmt == "md":
        assert data.decode().startswith("# Treatment plan") and "Safety plan" in data.decode()
        assert "*Riverside Counselling*" in data.decode()
    elif fmt == "docx":
        import docx

        assert any(p.text == "Safety plan" for p in docx.Document(io.BytesIO(data)).paragraphs)
    elif fmt in ("pdf", "safety-plan"):
        import pypdf

        pages = pypdf.PdfReader(io.BytesIO(data)).pages
        text = "\n".join(page.extract_text() for page in pages)
        if fmt == "pdf":
            assert "Safety plan" in text and "DRAFT" in text and "Riverside Counselling" in text
        else:
            assert len(pages) == 1 and text.startswith("My safety plan") and "Step 6" in text
    else:
        from fhir.resources.R4B.bundle import Bundle

        bundle = Bundle.model_validate_json(data)
        assert bundle.entry[0].resource.get_resource_type() == "CarePlan"


@pytest.mark.parametrize(
    ("args", "message"), [(["--format", "rtf"], "unknown format"), (["--intake", "missing.json"], "cannot read")]
)
def test_cli_draft_bad_arguments(cli_intake, tmp_path, args, message):
    """A wrong format or an unreadable intake exits 2 with a clear message and writes nothing."""
    out = tmp_path / "plan.out"
    base = {"--intake": str(cli_intake), "--format": "json"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = CliRunner().invoke(app, ["draft", *[x for pair in base.items() for x in pair], "--out", str(out)])
    assert result.exit_code == 2 and message in result.output
    assert not out.exists()
