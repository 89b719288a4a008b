"""The audit log: who did what to which client record, when — never what the record says.

Rows are append-only (SQLite triggers refuse UPDATE and DELETE) and hash-chained: each row's hash
covers its content and the previous row's hash, so an edited, removed or reordered row breaks the
chain at that point. Written inside the same transaction as the action it records.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    client_id   TEXT,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

ACTIONS = frozenset(
    {
        "client.create",
        "client.open",
        "client.delete",
        "intake.correct",
        "plan.draft",
        "plan.edit",
        "plan.finalize",
        "plan.revise",
        "plan.export",
    }
)
#: The only details an event may carry: numbers and names of things, never clinical text.
DETAIL_KEYS = frozenset({"version", "format", "status", "composer", "fields"})
GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    actor: str
    action: str
    client_id: str | None
    detail: dict


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    message: str


def _digest(prev: str, seq: int, at: str, actor: str, action: str, client_id: str | None, detail: str) -> str:
    payload = json.dumps([prev, seq, at, actor, action, client_id, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    db: sqlite3.Connection, at: str, actor: str, action: str, client_id: str | None, detail: dict | None = None
) -> None:
    """Add one event inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    detail = detail or {}
    unknown = set(detail) - DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit details may not carry {sorted(unknown)}")
    text = json.dumps(detail, sort_keys=True, ensure_ascii=False)
    last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    prev, seq = (last[1], last[0] + 1) if last else (GENESIS, 1)
    actor = actor or "local"
    row = (seq, at, actor, action, client_id, text, prev, _digest(prev, seq, at, actor, action, client_id, text))
    columns = "seq, at, actor, action, client_id, detail, prev_hash, hash"
    db.execute(f"INSERT INTO audit ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)


def events(db: sqlite3.Connection, client_id: str | None = None) -> list[AuditEvent]:
    """Events in order, optionally for one client."""
    rows = db.execute(
        "SELECT seq, at, actor, action, client_id, detail FROM audit WHERE ? IS NULL OR client_id = ? ORDER BY seq",
        (client_id, client_id),
    ).fetchall()
    return [AuditEvent(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]


def verify(db: sqlite3.Connection) -> Verification:
    """Walk the chain; the first broken link is named."""
    prev, count = GENESIS, 0
    for seq, at, actor, action, client_id, detail, prev_hash, digest in db.execute(
        "SELECT seq, at, actor, action, client_id, detail, prev_hash, hash FROM audit ORDER BY seq"
    ):
        count += 1
        if seq != count:
            return Verification(False, count, f"event {count} is missing (found {seq} next)")
        if prev_hash != prev:
            return Verification(False, count, f"event {seq} does not follow event {seq - 1}")
        if _digest(prev, seq, at, actor, action, client_id, detail) != digest:
            return Verification(False, count, f"event {seq} was altered")
        prev = digest
    return Verification(True, count, f"{count} events, chain intact")
