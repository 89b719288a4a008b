"""Alembic's environment: migrations run on the connection `storage.database.migrate` hands over (there is no
alembic.ini; the app, the CLI and the tests all migrate through that one function)."""

from __future__ import annotations

from alembic import context

from storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
