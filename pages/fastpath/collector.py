"""When the garbage collector runs, and when freed memory goes back to the system.

A full (generation 2) collection walks every live object with the event loop standing still. An open room page holds
thousands of long-lived objects (its elements, its socket), so with 200 pages a full collection walked about a
million objects and took 0.4-0.6 s - and came every few seconds under load, because each live message promotes a
few thousand objects per room into the oldest generation. Nearly everything the server frees goes by reference
counting; the collector is only needed for reference cycles.

So every `freeze_every` seconds whatever is alive is moved out of the collector's sight (`gc.freeze()`, a cheap
list splice): full collections then walk only what was allocated since, and frozen objects are still freed by
reference counting. Right before each freeze the unfrozen part is collected (only what was allocated since the last
tick): `gc.freeze()` moves dead cycles as well as live objects, and the web stack leaves cycles after every request -
what a first visit's 27 static files left cost 80-160 KB per Chromium tab. Cycles that become
garbage after being frozen wait for the next full collection of everything (unfreeze, collect), which stands the
event loop still for tens of milliseconds even on a quiet server (60-80 ms with ten open pages on a fast machine) and
every open page feels it. A closed page frees itself by reference counting (pages/fastpath/speedups.py and the room page
break its cycles; a test checks it), so what is left waiting is the small garbage of the web stack per request
(starlette middleware, engine.io): a full collection runs after `full_after_pages` closed pages, never sooner than
`busy_min_gap` or `pause_share_inverse` times the last collection's length after the previous one, and at least every
`full_every` seconds. When no page is open nobody can be stalled: then the closed pages' garbage goes within
`full_min_gap`.

After each full collection, and every `trim_every` seconds between them, the C allocator is asked to return its free
pages (`malloc_trim`, glibc only, about 1 ms): Python's small-object allocator gives back whole 1 MiB arenas by
itself, but what it passes on to the C allocator (larger objects, buffers) stays with the process otherwise.
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


def _load_glibc_function(name: str) -> Callable[..., int] | None:
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6'), name)  # glibc only
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _load_glibc_function('malloc_trim')
_MALLOPT = _load_glibc_function('mallopt')
_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h


def limit_malloc_arenas(count: int) -> bool:
    """Each thread that allocates gets a glibc malloc arena of its own (up to 8 per core) and what it frees stays
    in that arena. The server's threads (database calls, file reads) allocate little and briefly, but every one that
    ran left its arena's pages resident: with 2 shared arenas a tab cost the server 18-48 KB less in the bench's
    memory scenario. False where there is no glibc, or with 0 (glibc's default)."""
    if count <= 0 or _MALLOPT is None:
        return False
    return bool(_MALLOPT(_M_ARENA_MAX, count))


def release_free_memory() -> bool:
    """Hands the C allocator's free pages back to the system; False where there is no glibc."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True


class CollectorSchedule:
    def __init__(
        self,
        freeze_every: float,
        full_every: float,
        full_after_pages: int = 50,
        full_min_gap: float = 1.0,
        *,
        open_pages: Callable[[], int] = lambda: 0,
        busy_min_gap: float = 10.0,
        pause_share_inverse: float = 20.0,
        trim: bool = True,
        trim_every: float = 5.0,
    ) -> None:
        self.freeze_every, self.full_every = freeze_every, full_every
        self.full_after_pages, self.full_min_gap, self.busy_min_gap = full_after_pages, full_min_gap, busy_min_gap
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

    def full_due(self, now: float) -> bool:
        since = now - self.last_full
        if since >= self.full_every:
            return True
        if not self.pages_closed:
            return False
        if self.open_pages() == 0:  # a quiet server: nobody waits for the pause
            return since >= self.full_min_gap
        gap = max(self.busy_min_gap, self.pause_share_inverse * self.last_duration)
        return self.pages_closed >= self.full_after_pages and since >= gap

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
        else:
            gc.collect()  # sees only what is not frozen: what died since the last tick must not be frozen with it
            if self.trim and now - self.last_trim >= self.trim_every:
                release_free_memory()  # buffers of a busy conversation (frames, socket writes) live in the C heap
                self.last_trim = now
        gc.freeze()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.freeze_every)
            self.tick()
