"""The collector schedule: frozen objects leave the collector's sight, and the periodic full collection finds
cycles that became garbage after they were frozen."""

from __future__ import annotations

import asyncio
import gc
import platform
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from pages.fastpath.collector import CollectorSchedule, release_free_memory
from tests.waiting import until


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


def test_freeze_then_full_collection_frees_frozen_cycles() -> None:
    schedule = CollectorSchedule(freeze_every=1.0, full_every=3600.0)
    try:
        node = Node()
        alive = weakref.ref(node)
        schedule.tick()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert alive() is not None  # frozen: a normal collection does not see the cycle
        schedule.last_full -= 3600.0
        schedule.tick()
        assert alive() is None  # the scheduled full collection does
        assert schedule.full_collections == 1
    finally:
        gc.unfreeze()


def test_garbage_made_between_ticks_is_collected_not_frozen() -> None:
    """A request's reference cycles (starlette's middleware, anyio's task groups) that died since the last tick:
    frozen, they would wait for the next full collection; 27 static files per first visit made that 80-160 KB per
    browser tab (docs/PERFORMANCE.md)."""
    schedule = CollectorSchedule(freeze_every=1.0, full_every=3600.0)
    gc.disable()  # only the tick may collect here
    try:
        schedule.tick()
        node = Node()
        alive = weakref.ref(node)
        del node
        schedule.tick()
        assert alive() is None
        assert schedule.full_collections == 0
    finally:
        gc.enable()
        gc.unfreeze()


async def test_runs_on_the_loop_and_stops_unfrozen() -> None:
    schedule = CollectorSchedule(freeze_every=0.01, full_every=3600.0)
    schedule.start()
    await until(lambda: gc.get_freeze_count() > 0, what='a freeze on the schedule')
    await schedule.stop()
    assert gc.get_freeze_count() == 0


async def test_zero_interval_leaves_the_collector_alone() -> None:
    schedule = CollectorSchedule(freeze_every=0, full_every=3600.0)
    schedule.start()
    await asyncio.sleep(0.02)  # time for a wrong freeze: checking that none happens
    assert gc.get_freeze_count() == 0
    await schedule.stop()


def test_with_pages_open_a_full_collection_waits_for_many_closed_pages() -> None:
    """Each full collection stalls every open page: with pages open it follows 50 closed ones, not each."""
    open_pages = [40]
    schedule = CollectorSchedule(
        freeze_every=1.0,
        full_every=3600.0,
        full_after_pages=50,
        full_min_gap=1.0,
        busy_min_gap=10.0,
        open_pages=lambda: open_pages[0],
    )
    now = schedule.last_full + 15.0
    schedule.pages_closed = 49
    assert not schedule.full_due(now)
    schedule.page_closed()
    assert schedule.full_due(now)
    assert not schedule.full_due(schedule.last_full + 5.0)  # the busy server's minimum gap
    open_pages[0] = 0
    assert schedule.full_due(schedule.last_full + 1.5)  # nobody open: at once
    schedule.pages_closed = 1
    assert schedule.full_due(schedule.last_full + 1.5)
    assert not schedule.full_due(schedule.last_full + 0.5)  # but not more often than every full_min_gap
    schedule.pages_closed = 0
    assert not schedule.full_due(schedule.last_full + 5.0)  # nothing closed: nothing to collect


def test_pauses_stay_a_small_share_of_the_time() -> None:
    schedule = CollectorSchedule(
        freeze_every=1.0,
        full_every=3600.0,
        full_after_pages=1,
        busy_min_gap=1.0,
        pause_share_inverse=20.0,
        open_pages=lambda: 10,
    )
    schedule.page_closed()
    assert not schedule.full_due(schedule.last_full + 0.5)  # the minimum gap
    assert schedule.full_due(schedule.last_full + 1.5)
    schedule.last_duration = 0.3  # a long pause: the next one waits 20 times as long
    assert not schedule.full_due(schedule.last_full + 5.0)
    assert schedule.full_due(schedule.last_full + 6.5)
    assert schedule.full_due(schedule.last_full + 3600.0)  # the periodic one, pages closed or not


def test_a_closed_page_cycle_is_freed_by_the_next_tick_on_a_quiet_server() -> None:
    schedule = CollectorSchedule(freeze_every=1.0, full_every=3600.0, full_min_gap=0.0)
    try:
        node = Node()
        alive = weakref.ref(node)
        schedule.tick()  # frozen while the page lived
        del node
        schedule.page_closed()
        schedule.tick()
        assert alive() is None
        assert schedule.full_collections == 1 and schedule.pages_closed == 0
        assert schedule.last_duration > 0
    finally:
        gc.unfreeze()


def test_free_memory_goes_back_to_the_system_on_glibc() -> None:
    import platform

    assert release_free_memory() == (platform.libc_ver()[0] == 'glibc')


def test_free_memory_is_also_returned_between_collections(monkeypatch) -> None:
    import pages.fastpath.collector as collector

    trims: list[int] = []
    monkeypatch.setattr(collector, 'release_free_memory', lambda: trims.append(1) or True)
    schedule = CollectorSchedule(freeze_every=1.0, full_every=3600.0, trim_every=5.0)
    try:
        schedule.tick()
        assert trims == []  # no full collection due, and the last trim was just now
        schedule.last_trim -= 5.0
        schedule.tick()
        assert trims == [1] and schedule.full_collections == 0
        schedule.trim = False
        schedule.last_trim -= 5.0
        schedule.tick()
        assert trims == [1]  # CHAT_MALLOC_TRIM=false
    finally:
        gc.unfreeze()


ARENAS_AFTER_THREADS = """
import ctypes, os, sys, tempfile, threading
from pages.fastpath.collector import limit_malloc_arenas
limit_malloc_arenas(int(sys.argv[1]))
ready = threading.Barrier(8)
def work():
    held = [bytearray(5000) for _ in range(50)]  # above pymalloc's 512 bytes: the C allocator's
    ready.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL('libc.so.6')
libc.fopen.restype = ctypes.c_void_p
path = tempfile.mktemp()
stream = libc.fopen(path.encode(), b'w')
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(open(path).read().count('<heap nr='))
os.unlink(path)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc', reason='glibc only')
def test_threads_share_the_limited_malloc_arenas() -> None:
    def arenas(limit: int) -> int:
        result = subprocess.run(
            [sys.executable, '-c', ARENAS_AFTER_THREADS, str(limit)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        return int(result.stdout)

    assert arenas(0) > 2  # glibc's default: a new arena per allocating thread
    assert arenas(2) <= 2
