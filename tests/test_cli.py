"""The command line: build-index, library and search."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli import app
from config import get_settings

pytestmark = pytest.mark.slow

runner = CliRunner()
HIT_FIELDS = {"id", "kind", "text", "problem_areas", "modalities", "category", "score", "source"}


@pytest.fixture
def built(library_data_dir, monkeypatch):
    """Point the CLI at the session's prebuilt index."""
    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(library_data_dir))
    get_settings.cache_clear()


def test_library_json_lists_every_entry(library):
    """`library --json` prints every entry with its fields."""
    result = runner.invoke(app, ["library", "--json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert len(entries) == len(library.entries)
    assert {"id", "kind", "text", "problem_areas", "modalities", "category"} <= set(entries[0])


def test_build_index_reports_counts(built, library):
    """`build-index` on an up-to-date index reports nothing changed."""
    result = runner.invoke(app, ["build-index"])
    assert result.exit_code == 0, result.output
    assert f"{len(library.entries)} unchanged" in result.stdout


def test_search_json(built):
    """`search --json` returns hits with the documented fields, honouring --k and --kind."""
    result = runner.invoke(app, ["search", "nightmares after a car crash", "--json", "--k", "3", "--kind", "goal"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert all(set(h) >= HIT_FIELDS and h["kind"] == "goal" for h in hits)


def test_search_queries_file(built, tmp_path):
    """`--queries FILE --json` answers every non-blank line with its own list of hits."""
    queries = tmp_path / "q.txt"
    queries.write_text("panic in supermarkets\n\nbinge eating at night\n", encoding="utf-8")
    result = runner.invoke(app, ["search", "--queries", str(queries), "--json", "--k", "2", "--area", "panic"])
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)
    assert len(answers) == 2 and all(len(hits) == 2 for hits in answers)
    assert all("panic" in h["problem_areas"] for hits in answers for h in hits)


def test_search_plain_text(built):
    """Without --json the CLI prints numbered, readable hits."""
    result = runner.invoke(app, ["search", "anger outbursts at work", "--k", "2", "--modality", "cbt"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(" 1. [")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search"], "either a QUERY or --queries"),
        (["search", "x", "--area", "sadness"], "unknown problem area 'sadness'"),
        (["search", "x", "--modality", "hypnosis"], "unknown modality 'hypnosis'"),
        (["search", "--queries", "/no/such/file.txt"], "cannot read"),
    ],
)
def test_bad_arguments(built, args, message):
    """Wrong arguments exit with code 2 and say what is wrong."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_broken_library_is_reported(tmp_path, monkeypatch):
    """A broken library file is a one-line error with exit code 1, not a traceback."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "bad.yaml").write_text("entries: [", encoding="utf-8")
    monkeypatch.setenv("ANAMNESIS_LIBRARY_DIR", str(tmp_path / "lib"))
    get_settings.cache_clear()
    result = runner.invoke(app, ["library"])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "Traceback" not in result.output


def test_audit_verify_and_show(isolated_settings):
    """`audit verify` passes on an intact log and fails (exit 1) naming the broken event after tampering."""
    import sqlite3

    from storage.records import RecordStore

    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 2 and "no records" in result.output
    store = RecordStore(isolated_settings.data_dir / "anamnesis.db")
    client = store.create_client("C.L.")
    store.record_event("", "client.open", client.id)
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "2 events, chain intact" in result.output
    shown = runner.invoke(app, ["audit", "show"]).output.splitlines()
    assert [line.split("\t")[3] for line in shown] == ["client.create", "client.open"]
    assert "C.L." not in "\n".join(shown)
    with sqlite3.connect(store.path) as db:
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("UPDATE audit SET action = 'client.delete' WHERE seq = 2")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "event 2 was altered" in result.output


def test_ingest_search_list_delete(tmp_path, monkeypatch):
    """`ingest` adds good files and names bad ones (exit 1); references are searchable, listed and removable."""
    import shutil

    from tests.conftest import PROJECT_DIR

    library_dir = tmp_path / "library"
    library_dir.mkdir()
    shutil.copy(PROJECT_DIR / "knowledge" / "library" / "grief.yaml", library_dir)
    monkeypatch.setenv("ANAMNESIS_LIBRARY_DIR", str(library_dir))
    get_settings.cache_clear()
    handout = tmp_path / "practice-handout.md"
    handout.write_text("# Grounding\n\nThe five-four-three-two-one grounding drill helps during flashbacks.\n")
    fake = tmp_path / "photo.txt"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = runner.invoke(app, ["ingest", str(handout), str(fake), str(tmp_path / "missing.md")])
    assert result.exit_code == 1
    assert "added  practice-handout.md: 1 passages" in result.output
    assert "photo.txt" in result.output and "PNG image" in result.output and "missing.md: cannot read" in result.output
    again = runner.invoke(app, ["ingest", str(handout)])
    assert again.exit_code == 0 and "unchanged" in again.output
    found = runner.invoke(app, ["search", "grounding drill for flashbacks", "--kind", "reference", "--json"])
    hits = json.loads(found.output)
    assert hits and hits[0]["kind"] == "reference" and hits[0]["source"] == "practice-handout.md"
    listed = runner.invoke(app, ["references"]).output
    assert "practice-handout.md" in listed and "1 passages" in listed
    removed = runner.invoke(app, ["references", "--delete", "practice-handout.md"])
    assert removed.exit_code == 0 and "Removed practice-handout.md" in removed.output
    found = runner.invoke(app, ["search", "grounding drill for flashbacks", "--kind", "reference", "--json"])
    assert json.loads(found.output) == []
    assert runner.invoke(app, ["references", "--delete", "nope.md"]).exit_code == 1
