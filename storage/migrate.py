"""Brings the schema to the newest Alembic revision; used at start-up and by the tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / 'migrations'
# any constant: instances sharing one PostgreSQL database take turns migrating it at start-up
MIGRATION_LOCK = 0x63686174


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    config.set_main_option('sqlalchemy.url', engine.url.render_as_string(hide_password=False).replace('%', '%%'))
    config.attributes['engine'] = engine
    return config


def upgrade(engine: Engine) -> None:
    """On PostgreSQL an advisory lock serialises instances started together (else both create the tables)."""
    if engine.dialect.name != 'postgresql':
        command.upgrade(alembic_config(engine), 'head')
        return
    with engine.connect() as lock:
        lock.execute(text('SELECT pg_advisory_lock(:key)'), {'key': MIGRATION_LOCK})
        lock.commit()
        try:
            command.upgrade(alembic_config(engine), 'head')
        finally:
            lock.execute(text('SELECT pg_advisory_unlock(:key)'), {'key': MIGRATION_LOCK})
            lock.commit()


@cache
def head_revisions() -> frozenset[str]:
    """The revisions this code expects the database at (read once from the migration scripts)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def is_current(connection: Connection) -> bool:
    """Whether the database's Alembic revision is this code's head (readiness: a server on a schema it does not
    know would fail on its first query)."""
    return frozenset(MigrationContext.configure(connection).get_current_heads()) == head_revisions()
