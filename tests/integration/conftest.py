"""Fixtures for the scale-out tests: one cluster (database, Redis prefix, two instances) per run, and a
failing test prints the instances' logs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from tests.integration.cluster import Cluster, require_services
from tests.integration.wire import new_http


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == 'call':
        item.stash[FAILED] = report.failed


FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope='session')
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two instances sharing a fresh PostgreSQL database and a fresh Redis prefix; users registered up front."""
    require_services()
    cluster = Cluster(tmp_path_factory.mktemp('cluster'))
    try:
        cluster.create_database()
        cluster.register('anna', 'boris', 'clara', 'dmitri', 'erik')
        cluster.start(2)
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(autouse=True)
def show_logs_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if request.node.stash.get(FAILED, False) and 'cluster' in request.fixturenames:
        print(request.getfixturevalue('cluster').logs())


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_http() as session:
        yield session
