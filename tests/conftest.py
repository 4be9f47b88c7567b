"""Every test gets a fresh data folder (database, sessions, media) through the environment main.py reads.

With ``CHAT_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres`` every test also gets a fresh
PostgreSQL database (created from that server, dropped afterwards) instead of the SQLite file in the data folder, so
the whole suite runs against PostgreSQL unchanged.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import psycopg

TEST_DATABASE_URL = os.environ.get('CHAT_TEST_DATABASE_URL', '')
# a `.env` in the working folder (a developer's settings) must not change what the tests and their servers do
os.environ['CHAT_ENV_FILE'] = os.devnull


def _fastpath_on() -> bool:
    """The speed layer is on unless switched off, or its version guard keeps it off (the newest-NiceGUI canary)."""
    if os.environ.get('CHAT_FASTPATH', 'true').strip().lower() in {'0', 'false', 'no', 'off'}:
        return False
    from pages import fastpath

    return not fastpath.version_mismatches()


FASTPATH = _fastpath_on()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line('markers', 'fastpath: tests one of the speed layer patches (skipped with it off)')


def _admin_connect(url: str) -> psycopg.Connection:
    """An autocommit psycopg connection to the server's maintenance database (CREATE/DROP DATABASE need it)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or '127.0.0.1',
        port=parsed.port or 5432,
        user=parsed.username or 'postgres',
        password=parsed.password,
        dbname=parsed.database or 'postgres',
        autocommit=True,
        connect_timeout=5,
    )


def create_database(base_url: str, prefix: str = 'chat_test') -> str:
    """Creates an empty database on the server of ``base_url``; returns its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    name = f'{prefix}_{uuid.uuid4().hex[:12]}'
    with _admin_connect(base_url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_database(base_url: str, url: str) -> None:
    """Drops a database made by ``create_database``, closing connections a test may have left open."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with _admin_connect(base_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv('CHAT_DATA_DIR', str(tmp_path / 'data'))
    for name in ('CHAT_REDIS_URL', 'CHAT_STORAGE_SECRET', 'CHAT_DATABASE_URL'):
        monkeypatch.delenv(name, raising=False)
    if not TEST_DATABASE_URL:
        yield tmp_path / 'data'
        return
    url = create_database(TEST_DATABASE_URL)
    monkeypatch.setenv('CHAT_DATABASE_URL', url)
    try:
        yield tmp_path / 'data'
    finally:
        drop_database(TEST_DATABASE_URL, url)


# An async test that hangs fails after this many seconds with the traceback of the await it hung in; pytest-timeout's
# limit (pytest.ini, 600 s) comes later and can only show the event loop waiting.
ASYNC_TEST_TIMEOUT = 300.0


def _bounded(test: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(test)
    async def bounded(*args: Any, **kwargs: Any) -> Any:
        async with asyncio.timeout(ASYNC_TEST_TIMEOUT):
            return await test(*args, **kwargs)

    return bounded


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: sync Playwright keeps its own event loop running in this thread while its browser
    lives, and every asyncio test after it would find "another loop running". Async tests get a time limit of their
    own (above). With the speed layer off, the tests of its patches are skipped."""
    items.sort(key=lambda item: '/tests/e2e/' in item.path.as_posix())
    for item in items:
        if isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj):
            item.obj = _bounded(item.obj)
    if not FASTPATH:
        skip = pytest.mark.skip(reason='tests a speed-layer patch; the layer is off (CHAT_FASTPATH or its guard)')
        for item in items:
            if item.get_closest_marker('fastpath'):
                item.add_marker(skip)
