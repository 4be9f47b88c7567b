"""Engine, sessions and the worker threads that keep database I/O off the event loop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

T = TypeVar('T')


# SQLite's primary result codes and PostgreSQL's SQLSTATEs for "nothing more can be written now": the disk (or the
# database's size limit) is full, or the database or its folder is read-only. Both pass once space or write access
# returns: every unit of work is its own transaction, so nothing needs resetting.
_SQLITE_NO_WRITE = {13: 'full', 8: 'read-only'}  # SQLITE_FULL, SQLITE_READONLY
_POSTGRES_NO_WRITE = {'53100': 'full', '25006': 'read-only'}  # disk_full, read_only_sql_transaction


def cannot_write(error: SQLAlchemyError) -> str | None:
    """'full' or 'read-only' when the database refused a write for want of space or write access, else None."""
    original = getattr(error, 'orig', None)
    code = getattr(original, 'sqlite_errorcode', None)
    if code is not None:
        return _SQLITE_NO_WRITE.get(code & 0xFF)
    return _POSTGRES_NO_WRITE.get(getattr(original, 'sqlstate', None) or '')


def make_engine(url: str) -> Engine:
    """Statement parameters (message text, names) never appear in errors or logs: `hide_parameters`."""
    if url.startswith('sqlite'):
        engine = create_engine(url, connect_args={'check_same_thread': False, 'timeout': 5}, hide_parameters=True)

        @event.listens_for(engine, 'connect')
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute('PRAGMA journal_mode=WAL')
            cursor.execute('PRAGMA synchronous=NORMAL')
            cursor.execute('PRAGMA foreign_keys=ON')
            cursor.execute('PRAGMA busy_timeout=5000')
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8, hide_parameters=True)


class Database:
    """Runs each unit of work in its own session on a worker thread, so the event loop never waits on I/O.
    `observe` gets each call's seconds, the wait for a free thread included (chat/metrics.py's histogram)."""

    def __init__(self, url: str, threads: int = 4, observe: Callable[[float], None] | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix='db')
        self._observe = observe

    def run_sync(self, work: Callable[..., T], *args: Any) -> T:
        with Session(self.engine, expire_on_commit=False) as session:
            return work(session, *args)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        if self._observe is None:
            return await loop.run_in_executor(self._executor, self.run_sync, work, *args)
        started = time.perf_counter()
        try:
            return await loop.run_in_executor(self._executor, self.run_sync, work, *args)
        finally:
            self._observe(time.perf_counter() - started)

    def close(self) -> None:
        """Waits for the work under way (work not yet started is dropped), folds SQLite's write-ahead log back into
        the database file, and closes every connection: what the instance stored is in `chat.db` alone, for a backup
        or the next start."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self.engine.dialect.name == 'sqlite':
            try:
                with self.engine.connect() as connection:
                    connection.execute(text('PRAGMA wal_checkpoint(TRUNCATE)'))
            except SQLAlchemyError:  # busy (another process reads) or the file is gone: SQLite checkpoints later
                pass
        self.engine.dispose()
