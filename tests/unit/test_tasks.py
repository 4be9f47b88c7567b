"""Stopping a service's background task; CPU work on worker threads, taking turns."""

from __future__ import annotations

import asyncio
import threading

from chat.tasks import cancel_and_wait, in_turn
from tests.waiting import until


async def test_cancel_and_wait_lets_the_task_unwind_before_returning() -> None:
    unwound: list[str] = []
    started = asyncio.Event()

    async def worker() -> None:
        try:
            started.set()
            await asyncio.sleep(3600)  # a task that would run for ever: only a cancellation ends it
        finally:
            unwound.append('cleaned up')

    task = asyncio.create_task(worker())
    await started.wait()
    await cancel_and_wait(task)
    assert task.cancelled() and unwound == ['cleaned up']
    await cancel_and_wait(None)  # nothing started: nothing to do


async def test_cancel_and_wait_cancels_again_when_a_cancellation_was_swallowed() -> None:
    """What `asyncio.wait_for` on Python 3.11 can do to a loop around it when its inner await completes just as the
    cancellation arrives: the loop goes on. A stop that cancelled once then waited for ever (seen once in a Redis
    backend test under load)."""
    swallowed = 0

    async def loop_that_swallows_one_cancellation() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1

    task = asyncio.create_task(loop_that_swallows_one_cancellation())
    await asyncio.sleep(0)  # it runs, and waits in its sleep
    stop = asyncio.create_task(cancel_and_wait(task))
    done, _ = await asyncio.wait({stop}, timeout=5)  # a stop that waits for ever is still waiting then
    assert stop in done and task.cancelled() and swallowed == 1
    stop.result()


async def test_a_turn_ends_when_its_thread_does_not_when_its_caller_goes() -> None:
    """A closed page cancels its upload; the decode already running on a thread goes on, and the next one waits."""
    turns = asyncio.Semaphore(1)
    release, first_running = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> str:
        first_running.set()
        release.wait(10)
        order.append('first done')
        return 'first'

    def second() -> str:
        order.append('second started')
        return 'second'

    caller = asyncio.create_task(in_turn(turns, first))
    await until(first_running.is_set, what='the first decode running')
    caller.cancel()  # the page went away
    following = asyncio.create_task(in_turn(turns, second))
    await asyncio.sleep(0.05)  # time for a wrong start of the second decode: checking none happens
    assert order == []
    release.set()
    assert await following == 'second'
    assert order == ['first done', 'second started']
