"""Unit tests run the real services on a real SQLite file in a temporary folder: no mocks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from chat.services import Services, build
from chat.settings import Settings
from tests import hashing
from tests.unit.helpers import Recorder

ServicesFactory = Callable[..., Awaitable[Services]]


@pytest.fixture
async def make_services(tmp_path: Path) -> AsyncIterator[ServicesFactory]:
    """Builds and starts services with setting overrides (limits are settings); stops them all afterwards."""
    started: list[Services] = []

    async def factory(**overrides: Any) -> Services:
        data_dir = tmp_path / f'unit{len(started)}'
        services = build(Settings(data_dir=data_dir, **overrides))
        await asyncio.to_thread(services.migrate)
        await services.start()
        started.append(services)
        return services

    yield factory
    for services in reversed(started):
        await services.stop()


@pytest.fixture
async def services(make_services: ServicesFactory) -> Services:
    return await make_services()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's password code with argon2id at small parameters (the settings' smallest): the real cost, ~130 ms per
    hash and per check, would make tests about limits and properties slow. The tests of hashing itself
    (test_accounts.py) run without this fixture."""
    hashing.cheap_hashing(monkeypatch)
