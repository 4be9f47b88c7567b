"""The collector schedule: frozen objects leave the collector's sight, and the periodic full collection finds
cycles that became garbage after they were frozen."""

from __future__ import annotations

import asyncio
import gc
import weakref

from chat.collector import CollectorSchedule


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
