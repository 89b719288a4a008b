"""The SQLite record store: durability settings, clients, turns, hard delete."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError

from storage.records import MAX_ALIAS, StoreError


def test_wal_and_full_sync(store):
    """The file is in WAL mode and every connection syncs fully."""
    with store.engine.connect() as db:
        assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert db.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert db.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with sqlite3.connect(store.path) as db:  # kept in the file itself, for any reader
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_clients_unique_by_alias(store):
    """Aliases are unique per clinician, case-insensitively, and found again."""
    client = store.create_client("  J.D.  ")
    assert client.alias == "J.D."
    with pytest.raises(StoreError, match="already exists"):
        store.create_client("j.d.")
    assert store.find_client("j.d.") == client
    assert store.create_client("J.D.", owner="other-clinician").alias == "J.D."


@pytest.mark.parametrize(("alias", "message"), [("", "alias"), ("   ", "alias"), ("x" * (MAX_ALIAS + 1), "at most")])
def test_bad_aliases(store, alias, message):
    """Empty or overlong aliases are refused with a clear message."""
    with pytest.raises(StoreError, match=message):
        store.create_client(alias)


def test_owner_isolation(store):
    """One clinician never sees another's clients."""
    mine = store.create_client("A", owner="me")
    store.create_client("B", owner="you")
    assert [c.alias for c in store.clients("me")] == ["A"]
    assert store.client(mine.id, owner="you") is None


def test_turns_in_order(store):
    """Turns come back in the order they were written, text untouched."""
    client = store.create_client("A")
    for n in range(5):
        store.add_turn(client.id, "user" if n % 2 == 0 else "assistant", f"message {n} <b>&</b> 🙂")
    assert [t.text for t in store.turns(client.id)] == [f"message {n} <b>&</b> 🙂" for n in range(5)]


def test_role_is_constrained(store):
    """Only user and assistant turns exist."""
    client = store.create_client("A")
    with pytest.raises(IntegrityError, match="CHECK constraint"):
        store.add_turn(client.id, "system", "x")


def test_hard_delete_removes_every_row(store):
    """Deleting a client leaves no row about them in any table."""
    client = store.create_client("A")
    other = store.create_client("B")
    store.add_turn(client.id, "user", "hello")
    store.save_intake(client.id, "{}", "{}", "reply")
    store.add_turn(other.id, "user", "kept")
    assert store.delete_client(client.id)
    with sqlite3.connect(store.path) as db:
        for table in ("clients", "turns", "intakes"):
            column = "id" if table == "clients" else "client_id"
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (client.id,)).fetchone()[0] == 0
    assert [t.text for t in store.turns(other.id)] == ["kept"]
    assert not store.delete_client(client.id)


def test_integrity_check(store):
    """SQLite's integrity check passes on a used store."""
    client = store.create_client("A")
    store.add_turn(client.id, "user", "x")
    assert store.integrity_check() == "ok"


def test_records_and_plans_with_lone_surrogates_are_repaired_and_saved(tmp_path):
    """Text that cannot be written as UTF-8 (a lone surrogate) is repaired on the way in, however deep it sits."""
    from clinical.plan import Goal, TreatmentPlan
    from clinical.record import ClientInfo, IntakeRecord

    record = IntakeRecord(
        client=ClientInfo(alias="L.S."), sections={"presenting": "panic \udc80"}, client_words=["\ud83d"]
    )
    assert record.sections["presenting"] == "panic \ufffd" and record.client_words == ["\ufffd"]
    plan = TreatmentPlan(client=record.client, goals=[Goal(id="g1", description="calm \udfff", problem_area="panic")])
    assert plan.goals[0].description == "calm \ufffd"
    assert plan.model_dump_json() and record.model_dump_json()
