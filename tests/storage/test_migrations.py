"""Storage that can change safely: migrations on open, stored documents upgraded on read, newer ones refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from clinical.documents import DocumentTooNew
from clinical.intake_engine import IntakeContext, IntakeState
from clinical.record import IntakeRecord
from services.intake import IntakeService
from services.plans import PlanService
from storage.database import MIGRATIONS_DIR, SCHEMA_HEAD, DatabaseTooNew, current_revision
from storage.records import RecordStore

#: Made by the code as it landed before migrations existed (commit 5e41bcb): three clients (one another
#: clinician's), their intakes replayed from tests/fixtures/intakes with a correction each, drafted, edited and (one)
#: signed plans, exports — see the test below for what it holds.
BEFORE_MIGRATIONS = Path(__file__).resolve().parent.parent / "fixtures" / "databases" / "before-migrations.db"
OTHER_CLINICIAN = "dr-b@clinic.example"


@pytest.fixture
def old_database(tmp_path) -> Path:
    """A copy of the database made before migrations (the fixture itself is never written)."""
    return Path(shutil.copy(BEFORE_MIGRATIONS, tmp_path / "anamnesis.db"))


def schema(path: Path) -> set[tuple[str, str]]:
    """Every table, index and trigger of a database, as SQLite stores their definitions."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version'")
        return {(kind, " ".join(sql.split())) for kind, sql in rows}


def test_schema_head_is_the_newest_migration():
    """The constant the store's fast path compares with is the migration scripts' head."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_a_database_from_before_migrations_opens_and_reads_back(old_database, library):
    """A database from before migrations opens, migrates and reads back in full.

    Opening it migrates it (nothing lost), and every intake and plan version reads back in today's shape —
    including a correction of a field that has since been renamed — and the audit chain carries on."""
    before = schema(old_database)
    store = RecordStore(old_database)
    assert current_revision(store.engine) == SCHEMA_HEAD and schema(old_database) == before
    context = IntakeContext(library.taxonomy)
    seen = {"intakes": 0, "versions": 0}
    for owner in ("", OTHER_CLINICIAN):
        intakes, plans = IntakeService(store, context, owner), PlanService(store, library.by_id, owner)
        for client in intakes.clients():
            state, record = intakes.state(client.id), intakes.record(client.id)
            assert state.schema_version == IntakeState.SCHEMA_VERSION and record.sections and len(state.answers) >= 10
            assert len(intakes.begin(client.id)) > 20  # the conversation, and nothing left unanswered
            seen["intakes"] += 1
            for version in plans.history(client.id):
                plan = plans.load(client.id, version.version)
                assert plan.version == version.version and plan.goals and plan.status == version.status
                seen["versions"] += 1
            if client.alias == "Sky":  # the DBT intake, whose suicide-plan denial was corrected before the rename
                assert state.overrides["risk.suicide_plan"] is False and record.risk.suicide_plan is False
                assert "risk.plan" not in state.overrides
    assert seen == {"intakes": 3, "versions": 7}
    verified = store.verify_audit()
    assert verified.ok and verified.events > 10
    client = store.create_client("After migration")
    assert store.verify_audit().ok and store.client(client.id) == client


def test_a_new_database_is_made_like_the_old_ones(old_database, tmp_path):
    """A database created today has exactly the tables, indexes and triggers of one made before migrations."""
    RecordStore(tmp_path / "new.db")
    assert schema(tmp_path / "new.db") == schema(old_database)


def test_a_database_newer_than_the_code_is_refused(tmp_path):
    """A database a newer version migrated is not opened (or changed): the message says what to do."""
    RecordStore(tmp_path / "records.db")
    with sqlite3.connect(tmp_path / "records.db") as db:
        db.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
    with pytest.raises(DatabaseTooNew, match=r"newer version of Anamnesis .* Update the app"):
        RecordStore(tmp_path / "records.db")


def test_stored_documents_are_upgraded_and_newer_ones_refused():
    """Older stored documents are upgraded; newer ones are refused.

    A version-1 record (before `risk.plan` was renamed) reads in today's shape; a document from a newer version
    is refused rather than misread."""
    old = '{"client": {"alias": "Q", "age": 130}, "risk": {"suicidal_ideation": "passive", "plan": true}}'
    record = IntakeRecord.from_stored(old)
    assert record.risk.suicide_plan is True and record.risk.flagged and record.client.age is None
    assert record.schema_version == IntakeRecord.SCHEMA_VERSION
    with pytest.raises(DocumentTooNew, match="newer version"):
        IntakeRecord.from_stored('{"schema_version": 99, "client": {"alias": "Q"}}')
