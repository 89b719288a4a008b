"""Alembic migrations of the records database; `storage.database.migrate` runs them on start."""
