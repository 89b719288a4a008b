"""The records database engine: SQLite in WAL mode with full fsync by default, brought up to the code's schema by
Alembic migrations when opened, and refused with a clear message when it was written by a newer version."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The newest migration this code knows (tests/storage checks it is the migration scripts' head). Opening a
#: database already at it needs no migration machinery at all.
SCHEMA_HEAD = "0001"


class DatabaseTooNew(RuntimeError):
    """The database was migrated by a newer version of the app than this one."""


def make_engine(path: Path) -> Engine:
    """An engine for the SQLite file at `path`: WAL journal, `synchronous=FULL` (a committed write survives a power
    cut), foreign keys on, a 30 s wait for a busy file, and write transactions that take the write lock at BEGIN
    (so two writers queue instead of failing half-way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # No compiled-statement cache: a cached statement keeps the first values it was built with (a plan's JSON, a
    # client's id), and the engine is shared by every session (tests/pages/test_isolation.py walks for it).
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False}, query_cache_size=0
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # SQLAlchemy issues BEGIN itself (below) instead of the driver's implicit one, so the kind can be chosen.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file; on an existing WAL database a no-op
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("writing") else "BEGIN")

    return engine


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for a new database, or one made before migrations existed)."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # no alembic_version table yet
            return None


def migrate(engine: Engine, where: str = "") -> None:
    """Bring the database up to `SCHEMA_HEAD`, one transaction (holding the write lock, so two processes opening a
    new database do not both migrate it). Never drops data; refuses a database newer than this code."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseTooNew(
            f"The records database{f' at {where}' if where else ''} was written by a newer version of Anamnesis "
            f"(schema {current}; this version knows up to {SCHEMA_HEAD}). Update the app (git pull, then make "
            "setup), or open a backup made with this version."
        )
    with engine.connect().execution_options(writing=True) as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
