"""The audit log: every recorded action, append-only, hash-chained, and free of clinical text."""

from __future__ import annotations

import sqlite3

import pytest

from exports.document import ExportContext
from services.plans import PlanService
from storage import audit
from storage.records import RecordStore
from tests.builders import SIGNATURE, make_plan


def journey(store: RecordStore, library) -> str:
    """Create, open, draft, edit, finalize, export, delete — the actions the log must record."""
    client = store.create_client("Z.Q.", owner="dr-lee")
    store.record_event("dr-lee", "client.open", client.id)
    plans = PlanService(store, owner="dr-lee")
    draft = plans.save_draft(client.id, make_plan("Z.Q."), "Drafted offline")
    edited = plans.save(client.id, draft.model_copy(update={"formulation": "Secret clinical formulation text"}), "edit")
    final = plans.finalize(client.id, edited, SIGNATURE)
    plans.export(client.id, final, "pdf", ExportContext(library.taxonomy, library.by_id))
    store.delete_client(client.id, owner="dr-lee")
    return client.id


def test_actions_are_logged_in_order(store, library):
    """Every client and plan action is logged, in order, with its version and format."""
    client_id = journey(store, library)
    events = store.audit_events(client_id)
    assert [e.action for e in events] == [
        "client.create",
        "client.open",
        "plan.draft",
        "plan.edit",
        "plan.finalize",
        "plan.export",
        "client.delete",
    ]
    assert {e.actor for e in events} == {"dr-lee"}
    assert events[4].detail == {"version": 3, "status": "final"} and events[5].detail == {"version": 3, "format": "pdf"}
    assert store.verify_audit().ok and store.verify_audit().events == 7


def test_no_clinical_text_or_alias(store, library):
    """The log survives the client's deletion, so it must hold nothing about them but a random id."""
    journey(store, library)
    with sqlite3.connect(store.path) as db:
        dump = "\n".join(db.iterdump())
    audit_rows = [line for line in dump.splitlines() if line.startswith('INSERT INTO "audit"')]
    assert len(audit_rows) == 7
    for secret in ("Z.Q.", "Secret clinical", "Lift mood", "feel like myself"):
        assert not any(secret in row for row in audit_rows)


def test_append_only(store, library):
    """UPDATE and DELETE on the log are refused by the database itself."""
    journey(store, library)
    with sqlite3.connect(store.path) as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit SET actor = 'someone' WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM audit WHERE seq = 2")


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("UPDATE audit SET actor = 'someone' WHERE seq = 3", "event 3 was altered"),
        ("DELETE FROM audit WHERE seq = 4", "event 4 is missing"),
        ("UPDATE audit SET prev_hash = hash WHERE seq = 5", "event 5 does not follow"),
    ],
)
def test_tampering_is_detected(store, library, tamper, message):
    """With the triggers dropped (someone with file access), any edit still breaks the chain where it happened."""
    journey(store, library)
    with sqlite3.connect(store.path) as db:
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("DROP TRIGGER audit_no_delete")
        db.execute(tamper)
    result = store.verify_audit()
    assert not result.ok and message in result.message


def test_details_are_restricted(store, library):
    """Events cannot carry free text: unknown actions and detail keys are refused."""
    with pytest.raises(ValueError, match="may not carry"):
        store.record_event("", "plan.export", None, {"note": "client said something"})
    with pytest.raises(ValueError, match="unknown audit action"):
        store.record_event("", "plan.print", None)
    assert store.verify_audit().events == 0 and audit.GENESIS == "0" * 64
