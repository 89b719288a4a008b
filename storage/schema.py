"""The records database's tables, as SQLAlchemy Core describes them: what the store queries and the migrations
create. Text columns hold JSON documents (intake state and record, plan versions) that carry their own
`schema_version`, so a document's shape can change without a table migration."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

clients = Table(
    "clients",
    metadata,
    Column("id", String, primary_key=True),
    Column("alias", String, nullable=False),
    Column("owner", String, nullable=False, server_default=""),
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("role", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("section", String),
    Column("created_at", String, nullable=False),
)

intakes = Table(
    "intakes",
    metadata,
    Column("client_id", String, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("state_json", Text, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("updated_at", String, nullable=False),
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("client_id", String, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("status", String, nullable=False),
    Column("summary", Text, nullable=False),
    Column("plan_json", Text, nullable=False),
    Column("created_at", String, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("action", String, nullable=False),
    Column("client_id", String),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String, nullable=False),
    Column("hash", String, nullable=False),
)
