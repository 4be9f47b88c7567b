"""The tests' polling helper (tests/waiting.py): returns what the condition returned, or fails naming what."""

from __future__ import annotations

import asyncio

import pytest

from tests.waiting import Timeout, until, until_sync


async def test_until_returns_the_first_truthy_result() -> None:
    calls: list[int] = []

    def condition() -> list[int] | None:
        calls.append(1)
        return calls if len(calls) == 3 else None

    assert await until(condition, step=0) == [1, 1, 1]


async def test_until_awaits_an_async_condition() -> None:
    event = asyncio.Event()
    asyncio.get_running_loop().call_soon(event.set)

    async def condition() -> str:
        return 'set' if event.is_set() else ''

    assert await until(condition, step=0) == 'set'


async def test_until_fails_naming_what_it_awaited() -> None:
    with pytest.raises(AssertionError, match=r'^not the sky falling after 0.05 s$') as info:
        await until(lambda: False, timeout=0.05, what='the sky falling')
    assert isinstance(info.value, Timeout)
    with pytest.raises(Timeout, match='not page /x showing after'):
        await until(lambda: 0, timeout=0, what=lambda: 'page /x showing')


def test_until_sync_polls_with_the_given_pause() -> None:
    pauses: list[float] = []
    assert until_sync(lambda: len(pauses) >= 2 and 'done', step=0.5, pause=pauses.append) == 'done'
    assert pauses == [0.5, 0.5]
    with pytest.raises(Timeout, match='not ready after 0 s'):
        until_sync(lambda: None, timeout=0, what='ready', pause=pauses.append)
