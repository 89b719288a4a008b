"""The audit log: who did what to which client record, when — never what the record says.

Rows are append-only (database triggers refuse UPDATE and DELETE; see the baseline migration) and hash-chained:
each row's hash covers its content and the previous row's hash, so an edited, removed or reordered row breaks the
chain at that point. Written inside the same transaction as the action it records.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from storage.schema import audit as audit_table

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


def append(db: Connection, at: str, actor: str, action: str, client_id: str | None, detail: dict | None = None) -> None:
    """Add one event inside the caller's (write) transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    detail = detail or {}
    unknown = set(detail) - DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit details may not carry {sorted(unknown)}")
    text = json.dumps(detail, sort_keys=True, ensure_ascii=False)
    last = db.execute(select(audit_table.c.seq, audit_table.c.hash).order_by(audit_table.c.seq.desc()).limit(1)).first()
    prev, seq = (last.hash, last.seq + 1) if last else (GENESIS, 1)
    actor = actor or "local"
    db.execute(
        insert(audit_table).values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            client_id=client_id,
            detail=text,
            prev_hash=prev,
            hash=_digest(prev, seq, at, actor, action, client_id, text),
        )
    )


def events(db: Connection, client_id: str | None = None) -> list[AuditEvent]:
    """Events in order, optionally for one client."""
    a = audit_table.c
    query = select(a.seq, a.at, a.actor, a.action, a.client_id, a.detail).order_by(a.seq)
    if client_id is not None:
        query = query.where(a.client_id == client_id)
    return [AuditEvent(r.seq, r.at, r.actor, r.action, r.client_id, json.loads(r.detail)) for r in db.execute(query)]


def verify(db: Connection) -> Verification:
    """Walk the chain; the first broken link is named."""
    prev, count = GENESIS, 0
    a = audit_table.c
    rows = db.execute(
        select(a.seq, a.at, a.actor, a.action, a.client_id, a.detail, a.prev_hash, a.hash).order_by(a.seq)
    )
    for seq, at, actor, action, client_id, detail, prev_hash, digest in rows:
        count += 1
        if seq != count:
            return Verification(False, count, f"event {count} is missing (found {seq} next)")
        if prev_hash != prev:
            return Verification(False, count, f"event {seq} does not follow event {seq - 1}")
        if _digest(prev, seq, at, actor, action, client_id, detail) != digest:
            return Verification(False, count, f"event {seq} was altered")
        prev = digest
    return Verification(True, count, f"{count} events, chain intact")
