"""Durable records in SQLite (WAL, synchronous=FULL): clients, every conversation turn, intake state,
and every saved version of each client's treatment plan (append-only).

Each call opens its own short-lived connection, so the store is safe to share across Streamlit
sessions and threads; every write is committed (and fsynced) before the call returns.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage import audit

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id          TEXT PRIMARY KEY,
    alias       TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS clients_owner_alias ON clients(owner, alias COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS turns (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    text        TEXT NOT NULL,
    section     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_client ON turns(client_id, id);
CREATE TABLE IF NOT EXISTS intakes (
    client_id   TEXT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
    state_json  TEXT NOT NULL,
    record_json TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_versions (
    client_id   TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    summary     TEXT NOT NULL,
    plan_json   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (client_id, version)
);
"""

#: Longest alias accepted: it is a label, not a place for clinical text.
MAX_ALIAS = 40


class StoreError(ValueError):
    """A request the store refuses, with a message fit for the clinician."""


@dataclass(frozen=True)
class Client:
    """A client known to the app by alias only."""

    id: str
    alias: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class PlanVersion:
    """One saved version of a client's plan (the plan itself is fetched separately)."""

    version: int
    status: str
    summary: str
    created_at: str


@dataclass(frozen=True)
class Turn:
    """One message in a client's intake conversation."""

    id: int
    role: str
    text: str
    section: str | None
    created_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def clean_alias(alias: str) -> str:
    """An alias as stored: trimmed, single-spaced, printable, bounded; refuses empty ones."""
    cleaned = " ".join("".join(ch for ch in alias if ch.isprintable()).split())
    if not cleaned:
        raise StoreError("Please give the client an alias (initials or a pseudonym).")
    if len(cleaned) > MAX_ALIAS:
        raise StoreError(f"Aliases are at most {MAX_ALIAS} characters; use initials or a short pseudonym.")
    return cleaned


class RecordStore:
    """All durable client data. One SQLite file under the data dir."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA + audit.SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- clients --------------------------------------------------------------------------

    def create_client(self, alias: str, owner: str = "") -> Client:
        """A new client; aliases are unique per clinician (case-insensitive)."""
        alias = clean_alias(alias)
        now = _now()
        client = Client(id=uuid.uuid4().hex, alias=alias, created_at=now, updated_at=now)
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO clients (id, alias, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (client.id, alias, owner, now, now),
                )
                audit.append(db, now, owner, "client.create", client.id)
        except sqlite3.IntegrityError as error:
            raise StoreError(
                f"A client called '{alias}' already exists; open it instead or choose another alias."
            ) from error
        return client

    def clients(self, owner: str = "") -> list[Client]:
        """The clinician's clients, most recently active first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, alias, created_at, updated_at FROM clients WHERE owner = ? ORDER BY updated_at DESC",
                (owner,),
            ).fetchall()
        return [Client(**dict(row)) for row in rows]

    def client(self, client_id: str, owner: str = "") -> Client | None:
        """One client, if it exists and belongs to this clinician."""
        with self._connect() as db:
            row = db.execute(
                "SELECT id, alias, created_at, updated_at FROM clients WHERE id = ? AND owner = ?", (client_id, owner)
            ).fetchone()
        return Client(**dict(row)) if row else None

    def find_client(self, alias: str, owner: str = "") -> Client | None:
        """A client by alias (case-insensitive)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT id, alias, created_at, updated_at FROM clients WHERE owner = ? AND alias = ? COLLATE NOCASE",
                (owner, " ".join(alias.split())),
            ).fetchone()
        return Client(**dict(row)) if row else None

    def delete_client(self, client_id: str, owner: str = "") -> bool:
        """Hard delete: the client and every row about them. True if something was deleted."""
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM clients WHERE id = ? AND owner = ?", (client_id, owner)).fetchone():
                return False
            for table in ("turns", "intakes", "plan_versions"):
                db.execute(f"DELETE FROM {table} WHERE client_id = ?", (client_id,))
            db.execute("DELETE FROM clients WHERE id = ?", (client_id,))
            audit.append(db, _now(), owner, "client.delete", client_id)
        return True

    # -- conversation and intake ----------------------------------------------------------

    def add_turn(self, client_id: str, role: str, text: str, section: str | None = None) -> Turn:
        """Append one message, committed before returning (the reply is never rendered before this)."""
        now = _now()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO turns (client_id, role, text, section, created_at) VALUES (?, ?, ?, ?, ?)",
                (client_id, role, text, section, now),
            )
            db.execute("UPDATE clients SET updated_at = ? WHERE id = ?", (now, client_id))
        return Turn(id=cursor.lastrowid, role=role, text=text, section=section, created_at=now)

    def turns(self, client_id: str) -> list[Turn]:
        """The whole conversation, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, role, text, section, created_at FROM turns WHERE client_id = ? ORDER BY id", (client_id,)
            ).fetchall()
        return [Turn(**dict(row)) for row in rows]

    def save_intake(self, client_id: str, state_json: str, record_json: str, reply: str | None = None) -> None:
        """Store the intake state and record, and the assistant's reply, in one transaction."""
        now = _now()
        with self._transaction() as db:
            if reply is not None:
                db.execute(
                    "INSERT INTO turns (client_id, role, text, section, created_at) "
                    "VALUES (?, 'assistant', ?, NULL, ?)",
                    (client_id, reply, now),
                )
            db.execute(
                "INSERT INTO intakes (client_id, state_json, record_json, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(client_id) DO UPDATE SET state_json = excluded.state_json, "
                "record_json = excluded.record_json, updated_at = excluded.updated_at",
                (client_id, state_json, record_json, now),
            )
            db.execute("UPDATE clients SET updated_at = ? WHERE id = ?", (now, client_id))

    def intake(self, client_id: str) -> tuple[str, str, str] | None:
        """(state_json, record_json, updated_at) of a client's intake, if started."""
        with self._connect() as db:
            row = db.execute(
                "SELECT state_json, record_json, updated_at FROM intakes WHERE client_id = ?", (client_id,)
            ).fetchone()
        return (row["state_json"], row["record_json"], row["updated_at"]) if row else None

    # -- plan versions ----------------------------------------------------------------------

    def add_plan_version(
        self,
        client_id: str,
        render: Callable[[int], str],
        status: str,
        summary: str,
        expected: int | None,
        action: str = "plan.edit",
        actor: str = "",
    ) -> int:
        """Append the next version of a client's plan and return its number.

        `render(version)` gives the plan's JSON for the number it is stored under. `expected` is the version
        the caller edited (None for a first draft); if another session saved in the meantime the write is
        refused rather than silently overwriting that work.
        """
        now = _now()
        with self._transaction() as db:
            latest = db.execute("SELECT MAX(version) FROM plan_versions WHERE client_id = ?", (client_id,)).fetchone()[
                0
            ]
            if expected is not None and latest != expected:
                raise StoreError(
                    f"This plan changed elsewhere (now version {latest}); reload it and apply your edit again."
                )
            version = (latest or 0) + 1
            db.execute(
                "INSERT INTO plan_versions (client_id, version, status, summary, plan_json, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (client_id, version, status, summary, render(version), now),
            )
            audit.append(db, now, actor, action, client_id, {"version": version, "status": status})
            db.execute("UPDATE clients SET updated_at = ? WHERE id = ?", (now, client_id))
        return version

    def plan_versions(self, client_id: str) -> list[PlanVersion]:
        """Every saved version of the client's plan, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT version, status, summary, created_at FROM plan_versions WHERE client_id = ? "
                "ORDER BY version DESC",
                (client_id,),
            ).fetchall()
        return [PlanVersion(**dict(row)) for row in rows]

    def plan_json(self, client_id: str, version: int | None = None) -> str | None:
        """One version of the plan as stored (the latest when `version` is None)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT plan_json FROM plan_versions WHERE client_id = ? AND (? IS NULL OR version = ?) "
                "ORDER BY version DESC LIMIT 1",
                (client_id, version, version),
            ).fetchone()
        return row["plan_json"] if row else None

    # -- audit ------------------------------------------------------------------------------

    def record_event(self, actor: str, action: str, client_id: str | None, detail: dict | None = None) -> None:
        """Log an action that changes nothing else (opening a client, exporting a plan)."""
        with self._transaction() as db:
            audit.append(db, _now(), actor, action, client_id, detail)

    def audit_events(self, client_id: str | None = None) -> list[audit.AuditEvent]:
        with self._connect() as db:
            return audit.events(db, client_id)

    def verify_audit(self) -> audit.Verification:
        with self._connect() as db:
            return audit.verify(db)

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file ('ok' when healthy)."""
        with self._connect() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]
