"""When the garbage collector runs: a pause it causes stops every open page at once.

A full (generation 2) collection walks every live object with the event loop standing still. An open room page holds
thousands of long-lived objects (its elements, its socket), so with 200 pages a full collection walked about a
million objects and took 0.4-0.6 s - and came every few seconds under load, because each live message promotes a
few thousand objects per room into the oldest generation. Nearly everything the server frees goes by reference
counting; the collector is only needed for reference cycles.

So every `freeze_every` seconds whatever is alive is moved out of the collector's sight (`gc.freeze()`, a cheap
list splice): full collections then walk only what was allocated since, and frozen objects are still freed by
reference counting. Cycles that become garbage after being frozen wait for the next full collection of everything
(unfreeze, collect): every `full_every` seconds, or sooner once `full_after_pages` pages have closed - a closed
page is where such cycles come from (the connection's objects; pages/speedups.py breaks the elements' own) - but
never more often than every `full_min_gap` seconds. One pause at a known rate instead of one every few seconds.
Measured in docs/PERFORMANCE.md (log item 11).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time

from chat.tasks import cancel_and_wait

log = logging.getLogger(__name__)


class CollectorSchedule:
    def __init__(self, freeze_every: float, full_every: float, full_after_pages: int = 50,
                 full_min_gap: float = 10.0) -> None:
        self.freeze_every, self.full_every = freeze_every, full_every
        self.full_after_pages, self.full_min_gap = full_after_pages, full_min_gap
        self._task: asyncio.Task | None = None
        self.last_full = time.monotonic()
        self.full_collections = 0
        self.pages_closed = 0  # since the last full collection

    def page_closed(self) -> None:
        self.pages_closed += 1

    def start(self) -> None:
        if self.freeze_every > 0 and self._task is None:
            self._task = asyncio.create_task(self._run(), name='garbage collector schedule')

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        gc.unfreeze()

    def tick(self) -> None:
        """Freeze what is alive; every `full_every` seconds first unfreeze and collect everything once."""
        now = time.monotonic()
        since = now - self.last_full
        if since >= self.full_every or (self.pages_closed >= self.full_after_pages and since >= self.full_min_gap):
            self.pages_closed = 0
            gc.unfreeze()
            started = time.perf_counter()
            found = gc.collect()
            self.last_full = now
            self.full_collections += 1
            log.info('full garbage collection: %d unreachable objects in %.0f ms', found,
                     (time.perf_counter() - started) * 1000)
        gc.freeze()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.freeze_every)
            self.tick()
