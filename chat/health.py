"""Readiness: whether this instance can serve people now (the database answers and is at this code's schema, Redis
answers when the instance is scaled out). A load balancer or orchestrator asks often, so every check is bounded in
time and at most one database check is in flight however many probes arrive while the database hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from chat.services import Services
from storage import migrate

CHECK_TIMEOUT = 3.0  # seconds a probe waits for the database before calling it failing
OK = 'ok'


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # part -> 'ok' or why not (a fixed word: no error text, which may hold a URL)

    @property
    def ready(self) -> bool:
        return all(state == OK for state in self.checks.values())

    @property
    def failing(self) -> list[str]:
        return [part for part, state in self.checks.items() if state != OK]

    def body(self) -> dict[str, object]:
        if self.ready:
            return {'status': 'ready', 'checks': self.checks}
        return {'status': 'unavailable', 'failing': self.failing, 'checks': self.checks}


def _database_state(session: Session) -> tuple[str, str]:
    """(database, migrations), on a database worker thread. A SQLite file that is gone from its path counts as
    failing although the open connections still read it: what they write would be lost with the process."""
    url = session.get_bind().engine.url
    file = url.database if url.get_backend_name() == 'sqlite' and url.database != ':memory:' else None
    if file and not Path(file).is_file():
        return 'missing', 'unknown'
    try:
        connection = session.connection()
        connection.execute(text('SELECT 1'))
        current = migrate.is_current(connection)
    except SQLAlchemyError:
        return 'unreachable', 'unknown'
    return OK, OK if current else 'not at head'


class HealthChecks:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._database: asyncio.Task[tuple[str, str]] | None = None

    async def readiness(self) -> Readiness:
        database, migrations = await self._database_check()
        checks = {'database': database, 'migrations': migrations}
        if self.services.settings.redis_url:
            checks['redis'] = OK if await self.services.hub.reachable() else 'unreachable'
        return Readiness(checks)

    async def _database_check(self) -> tuple[str, str]:
        if self._database is None or self._database.done():
            self._database = asyncio.create_task(self._run_database_check(), name='readiness: database')
        try:
            return await asyncio.wait_for(asyncio.shield(self._database), CHECK_TIMEOUT)
        except TimeoutError:
            return 'timeout', 'unknown'

    async def _run_database_check(self) -> tuple[str, str]:
        try:
            return await self.services.db.run(_database_state)
        except (SQLAlchemyError, OSError, RuntimeError):  # no connection could be opened; or the pool is shut down
            return 'unreachable', 'unknown'

    async def close(self) -> None:
        if self._database is not None and not self._database.done():
            self._database.cancel()
            with contextlib.suppress(BaseException):
                await self._database
