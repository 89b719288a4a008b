"""The records database as it was before migrations existed: clients, turns, intakes, plan versions, audit log.

Written as SQL on purpose: a database made before this migration already has exactly these tables, indexes and
triggers (CHECK constraints, a case-insensitive alias index, the audit log's append-only triggers), so the baseline
is the same statements with IF NOT EXISTS — running it on such a database changes nothing, and a new database is
made identical to the old ones.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE = """
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


def _statements(script: str) -> list[str]:
    """The script's statements (a trigger's body holds a ';' of its own, so split after END; and elsewhere)."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith("END;") or (text.endswith(";") and not text.upper().startswith("CREATE TRIGGER")):
            statements.append(text)
            current = []
    return statements


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        raise NotImplementedError(f"the records database runs on SQLite in this version, not {bind.dialect.name}")
    for statement in _statements(SQLITE):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("records are never migrated down: restore a backup instead")
