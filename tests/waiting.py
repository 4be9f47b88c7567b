"""Waiting for something to happen: the one polling helper of every kind of test.

A test that must wait for the app (a page to show an element, a message to arrive, a server to answer) polls a
condition until it holds, instead of sleeping a fixed time that is either too long or, on a busy machine, too short.
`until` is for asyncio tests, `until_sync` for synchronous code (server start-up, Playwright); both fail with an
AssertionError that names what was awaited.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar('T')

TIMEOUT = 10.0  # seconds: generous, since the machine running the tests may be busy


class Timeout(AssertionError):
    """The awaited condition did not hold in time."""


def _message(what: str | Callable[[], str], timeout: float) -> str:
    description = what() if callable(what) else what
    return f'not {description} after {timeout:g} s'


async def until(
    condition: Callable[[], T | Awaitable[T]],
    timeout: float = TIMEOUT,
    what: str | Callable[[], str] = 'the condition met',
    step: float = 0.02,
) -> T:
    """Polls `condition()` (a plain or an async function) every `step` seconds until it returns something truthy,
    and returns that.

    Raises `Timeout` (an AssertionError) with "not <what> after <timeout> s" when `timeout` seconds passed; `what` may
    be a function, called only then, for details of the moment (the page shown, the server's log). The condition is
    checked once more after the deadline, so a slow last poll still counts.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        if loop.time() > deadline:
            raise Timeout(_message(what, timeout))
        await asyncio.sleep(step)


def until_sync(
    condition: Callable[[], T],
    timeout: float = TIMEOUT,
    what: str | Callable[[], str] = 'the condition met',
    step: float = 0.1,
    pause: Callable[[float], object] = time.sleep,
) -> T:
    """`until` for synchronous code. `pause(seconds)` waits between polls: `time.sleep` by default; Playwright tests
    pass `lambda s: page.wait_for_timeout(s * 1000)` so that the page's events keep being processed meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Timeout(_message(what, timeout))
        pause(step)
