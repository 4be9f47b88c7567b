"""Whether this instance is stopping, and the posts still on their way.

A restart must not lose what a sender was told is sent, nor take what it cannot finish: once the stop begins, new
posts are refused with a reason the sender reads (their text stays in the field), and those admitted before it
complete - stored and published - while the stop waits for them, up to a bound."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

from chat.errors import Unavailable

RESTARTING = 'server_restarting'  # the translation key a refused post carries


class Lifecycle:
    def __init__(self) -> None:
        self.stopping = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def begin_stop(self) -> None:
        """From now on `admit` refuses; what it admitted before still runs to its end."""
        self.stopping = True

    @contextmanager
    def admit(self) -> Iterator[None]:
        """One unit of work the stop waits for; refused (`Unavailable`) once the stop has begun."""
        if self.stopping:
            raise Unavailable('server_restarting')  # RESTARTING
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def drained(self, timeout: float) -> bool:
        """Waits until nothing admitted is still running, at most `timeout` seconds; whether it got there."""
        deadline = time.monotonic() + timeout
        while self._in_flight:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._idle.wait(), remaining)
            except TimeoutError:
                return False
        return True
