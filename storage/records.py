"""Durable records: clients, every conversation turn, intake state and every saved version of each client's
treatment plan (append-only), through SQLAlchemy Core on SQLite (WAL, synchronous=FULL).

Every write is one transaction, committed (and fsynced) before the call returns; a write takes the database's write
lock when it begins, so two sessions' writes queue rather than interleave. Every query that touches a client's data
names the clinician who owns it: a wrong owner reads nothing and writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from storage import audit
from storage.database import make_engine, migrate
from storage.schema import clients as clients_table
from storage.schema import intakes as intakes_table
from storage.schema import plan_versions as versions_table
from storage.schema import turns as turns_table

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
    """All durable client data, in the database file at `path` (created and migrated on first use)."""

    def __init__(self, path: Path):
        self.path = path
        self.engine = make_engine(path)
        migrate(self.engine, str(path))

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self.engine.connect() as db:
            yield db

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.connect().execution_options(writing=True) as db, db.begin():
            yield db

    @staticmethod
    def _owned(db: Connection, client_id: str, owner: str) -> bool:
        c = clients_table.c
        return db.execute(select(c.id).where(c.id == client_id, c.owner == owner)).first() is not None

    @staticmethod
    def _touch(db: Connection, client_id: str, now: str) -> None:
        db.execute(update(clients_table).where(clients_table.c.id == client_id).values(updated_at=now))

    # -- clients --------------------------------------------------------------------------

    def create_client(self, alias: str, owner: str = "") -> Client:
        """A new client; aliases are unique per clinician (case-insensitive)."""
        alias = clean_alias(alias)
        now = _now()
        client = Client(id=uuid.uuid4().hex, alias=alias, created_at=now, updated_at=now)
        try:
            with self._writing() as db:
                db.execute(
                    insert(clients_table).values(id=client.id, alias=alias, owner=owner, created_at=now, updated_at=now)
                )
                audit.append(db, now, owner, "client.create", client.id)
        except IntegrityError as error:
            raise StoreError(
                f"A client called '{alias}' already exists; open it instead or choose another alias."
            ) from error
        return client

    def _client_rows(self, *conditions) -> list[Client]:
        c = clients_table.c
        with self._reading() as db:
            rows = db.execute(
                select(c.id, c.alias, c.created_at, c.updated_at).where(*conditions).order_by(c.updated_at.desc())
            )
            return [Client(**row._mapping) for row in rows]

    def clients(self, owner: str = "") -> list[Client]:
        """The clinician's clients, most recently active first."""
        return self._client_rows(clients_table.c.owner == owner)

    def client(self, client_id: str, owner: str = "") -> Client | None:
        """One client, if it exists and belongs to this clinician."""
        found = self._client_rows(clients_table.c.id == client_id, clients_table.c.owner == owner)
        return found[0] if found else None

    def find_client(self, alias: str, owner: str = "") -> Client | None:
        """A client by alias (case-insensitive)."""
        wanted = " ".join(alias.split())
        c = clients_table.c
        found = self._client_rows(c.owner == owner, c.alias.collate("NOCASE") == wanted)
        return found[0] if found else None

    def delete_client(self, client_id: str, owner: str = "") -> bool:
        """Hard delete: the client and every row about them. True if something was deleted."""
        with self._writing() as db:
            if not self._owned(db, client_id, owner):
                return False
            for table in (turns_table, intakes_table, versions_table):
                db.execute(delete(table).where(table.c.client_id == client_id))
            db.execute(delete(clients_table).where(clients_table.c.id == client_id))
            audit.append(db, _now(), owner, "client.delete", client_id)
        return True

    # -- conversation and intake ----------------------------------------------------------

    def add_turn(self, client_id: str, role: str, text: str, section: str | None = None, owner: str = "") -> Turn:
        """Append one message, committed before returning (the reply is never rendered before this)."""
        now = _now()
        with self._writing() as db:
            if not self._owned(db, client_id, owner):
                raise StoreError("That client no longer exists.")
            result = db.execute(
                insert(turns_table).values(client_id=client_id, role=role, text=text, section=section, created_at=now)
            )
            self._touch(db, client_id, now)
        return Turn(id=result.inserted_primary_key[0], role=role, text=text, section=section, created_at=now)

    def turns(self, client_id: str, owner: str = "") -> list[Turn]:
        """The whole conversation, oldest first."""
        t, c = turns_table.c, clients_table.c
        query = (
            select(t.id, t.role, t.text, t.section, t.created_at)
            .join(clients_table, c.id == t.client_id)
            .where(t.client_id == client_id, c.owner == owner)
            .order_by(t.id)
        )
        with self._reading() as db:
            return [Turn(**row._mapping) for row in db.execute(query)]

    def save_intake(
        self, client_id: str, state_json: str, record_json: str, reply: str | None = None, owner: str = ""
    ) -> None:
        """Store the intake state and record, and the assistant's reply, in one transaction."""
        now = _now()
        values = {"state_json": state_json, "record_json": record_json, "updated_at": now}
        with self._writing() as db:
            if not self._owned(db, client_id, owner):
                raise StoreError("That client no longer exists.")
            if reply is not None:
                db.execute(
                    insert(turns_table).values(
                        client_id=client_id, role="assistant", text=reply, section=None, created_at=now
                    )
                )
            upsert = sqlite_insert(intakes_table).values(client_id=client_id, **values)
            db.execute(upsert.on_conflict_do_update(index_elements=["client_id"], set_=values))
            self._touch(db, client_id, now)

    def intake(self, client_id: str, owner: str = "") -> tuple[str, str, str] | None:
        """(state_json, record_json, updated_at) of a client's intake, if started."""
        i, c = intakes_table.c, clients_table.c
        query = (
            select(i.state_json, i.record_json, i.updated_at)
            .join(clients_table, c.id == i.client_id)
            .where(i.client_id == client_id, c.owner == owner)
        )
        with self._reading() as db:
            row = db.execute(query).first()
        return (row.state_json, row.record_json, row.updated_at) if row else None

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
        """Append the next version of a client's plan and return its number; `actor` is the clinician who owns it.

        `render(version)` gives the plan's JSON for the number it is stored under. `expected` is the version
        the caller edited (None for a first draft); if another session saved in the meantime the write is
        refused rather than silently overwriting that work.
        """
        now = _now()
        v = versions_table.c
        with self._writing() as db:
            if not self._owned(db, client_id, actor):
                raise StoreError("That client no longer exists.")
            latest = db.execute(select(func.max(v.version)).where(v.client_id == client_id)).scalar()
            if expected is not None and latest != expected:
                raise StoreError(
                    f"This plan changed elsewhere (now version {latest}); reload it and apply your edit again."
                )
            version = (latest or 0) + 1
            db.execute(
                insert(versions_table).values(
                    client_id=client_id,
                    version=version,
                    status=status,
                    summary=summary,
                    plan_json=render(version),
                    created_at=now,
                )
            )
            audit.append(db, now, actor, action, client_id, {"version": version, "status": status})
            self._touch(db, client_id, now)
        return version

    def plan_versions(self, client_id: str, owner: str = "") -> list[PlanVersion]:
        """Every saved version of the client's plan, newest first."""
        v, c = versions_table.c, clients_table.c
        query = (
            select(v.version, v.status, v.summary, v.created_at)
            .join(clients_table, c.id == v.client_id)
            .where(v.client_id == client_id, c.owner == owner)
            .order_by(v.version.desc())
        )
        with self._reading() as db:
            return [PlanVersion(**row._mapping) for row in db.execute(query)]

    def plan_json(self, client_id: str, version: int | None = None, owner: str = "") -> str | None:
        """One version of the plan as stored (the latest when `version` is None)."""
        v, c = versions_table.c, clients_table.c
        query = (
            select(v.plan_json)
            .join(clients_table, c.id == v.client_id)
            .where(v.client_id == client_id, c.owner == owner)
            .order_by(v.version.desc())
            .limit(1)
        )
        if version is not None:
            query = query.where(v.version == version)
        with self._reading() as db:
            return db.execute(query).scalar()

    # -- audit ------------------------------------------------------------------------------

    def record_event(self, actor: str, action: str, client_id: str | None, detail: dict | None = None) -> None:
        """Log an action that changes nothing else (opening a client, exporting a plan)."""
        with self._writing() as db:
            audit.append(db, _now(), actor, action, client_id, detail)

    def audit_events(self, client_id: str | None = None) -> list[audit.AuditEvent]:
        with self._reading() as db:
            return audit.events(db, client_id)

    def verify_audit(self) -> audit.Verification:
        with self._reading() as db:
            return audit.verify(db)

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file ('ok' when healthy)."""
        with self._reading() as db:
            return db.execute(text("PRAGMA integrity_check")).scalar()
