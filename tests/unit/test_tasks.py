"""Stopping a service's background task."""

from __future__ import annotations

import asyncio

from chat.tasks import cancel_and_wait


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
