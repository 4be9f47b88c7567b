"""When the garbage collector runs, and when freed memory goes back to the system.

A full (generation 2) collection walks every live object with the event loop standing still. An open room page holds
thousands of long-lived objects (its elements, its socket), so with 200 pages a full collection walked about a
million objects and took 0.4-0.6 s - and came every few seconds under load, because each live message promotes a
few thousand objects per room into the oldest generation. Nearly everything the server frees goes by reference
counting; the collector is only needed for reference cycles.

So every `freeze_every` seconds whatever is alive is moved out of the collector's sight (`gc.freeze()`, a cheap
list splice): full collections then walk only what was allocated since, and frozen objects are still freed by
reference counting. Cycles that become garbage after being frozen wait for the next full collection of everything
(unfreeze, collect). A closed page is where such cycles come from (its connection's objects; pages/speedups.py breaks
the elements' own), and garbage left waiting is memory the allocator cannot give back later, so the full collection
follows closed pages in proportion to what is open: once a quarter of the open pages' worth have closed (at least one,
at most `full_after_pages`), and at least every `full_every` seconds - but the pauses stay a small share of the time:
never sooner than `pause_share_inverse` times the last collection's length after it (and `full_min_gap`).

After each full collection, and every `trim_every` seconds between them, the C allocator is asked to return its free
pages (`malloc_trim`, glibc only, about 1 ms): Python's small-object allocator gives back whole 1 MiB arenas by
itself, but what it passes on to the C allocator (larger objects, buffers) stays with the process otherwise.
Measured in docs/PERFORMANCE.md (log items 12, 16 and 19).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import time
from collections.abc import Callable

from chat.tasks import cancel_and_wait

log = logging.getLogger(__name__)


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
        return libc.malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _load_malloc_trim()


def release_free_memory() -> bool:
    """Hands the C allocator's free pages back to the system; False where there is no glibc."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True


class CollectorSchedule:
    def __init__(self, freeze_every: float, full_every: float, full_after_pages: int = 50,
                 full_min_gap: float = 1.0, *, open_pages: Callable[[], int] = lambda: 0,
                 pause_share_inverse: float = 20.0, trim: bool = True, trim_every: float = 5.0) -> None:
        self.freeze_every, self.full_every = freeze_every, full_every
        self.full_after_pages, self.full_min_gap = full_after_pages, full_min_gap
        self.open_pages, self.pause_share_inverse, self.trim = open_pages, pause_share_inverse, trim
        self.trim_every = trim_every
        self.last_trim = time.monotonic()
        self._task: asyncio.Task | None = None
        self.last_full = time.monotonic()
        self.last_duration = 0.0  # seconds the last full collection (and trim) took
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

    def pages_before_full(self) -> int:
        """A quarter of the open pages (as Python's own rule for the oldest generation), at least one."""
        return max(1, min(self.full_after_pages, self.open_pages() // 4))

    def full_due(self, now: float) -> bool:
        since = now - self.last_full
        if since >= self.full_every:
            return True
        gap = max(self.full_min_gap, self.pause_share_inverse * self.last_duration)
        return self.pages_closed >= self.pages_before_full() and since >= gap

    def tick(self) -> None:
        """Freeze what is alive; when a full collection is due, first unfreeze and collect everything once."""
        now = time.monotonic()
        if self.full_due(now):
            self.pages_closed = 0
            gc.unfreeze()
            started = time.perf_counter()
            found = gc.collect()
            if self.trim:
                release_free_memory()
                self.last_trim = now
            self.last_duration = time.perf_counter() - started
            self.last_full = now
            self.full_collections += 1
            log.info('full garbage collection: %d unreachable objects in %.0f ms', found, self.last_duration * 1000)
        elif self.trim and now - self.last_trim >= self.trim_every:
            release_free_memory()  # buffers of a busy conversation (frames, socket writes) live in the C heap
            self.last_trim = now
        gc.freeze()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.freeze_every)
            self.tick()
