"""The collector schedule: frozen objects leave the collector's sight, and the periodic full collection finds
cycles that became garbage after they were frozen."""

from __future__ import annotations

import asyncio
import gc
import weakref

from chat.collector import CollectorSchedule, release_free_memory


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


async def test_runs_on_the_loop_and_stops_unfrozen() -> None:
    schedule = CollectorSchedule(freeze_every=0.01, full_every=3600.0)
    schedule.start()
    await asyncio.sleep(0.1)
    assert gc.get_freeze_count() > 0
    await schedule.stop()
    assert gc.get_freeze_count() == 0


async def test_zero_interval_leaves_the_collector_alone() -> None:
    schedule = CollectorSchedule(freeze_every=0, full_every=3600.0)
    schedule.start()
    await asyncio.sleep(0.02)
    assert gc.get_freeze_count() == 0
    await schedule.stop()


def test_with_pages_open_a_full_collection_waits_for_many_closed_pages() -> None:
    """Each full collection stalls every open page: with pages open it follows 50 closed ones, not each."""
    open_pages = [40]
    schedule = CollectorSchedule(freeze_every=1.0, full_every=3600.0, full_after_pages=50, full_min_gap=1.0,
                                 busy_min_gap=10.0, open_pages=lambda: open_pages[0])
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
    schedule = CollectorSchedule(freeze_every=1.0, full_every=3600.0, full_after_pages=1, busy_min_gap=1.0,
                                 pause_share_inverse=20.0, open_pages=lambda: 10)
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
    import chat.collector as collector

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
