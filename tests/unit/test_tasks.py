"""Stopping a service's background task."""

from __future__ import annotations

import asyncio

from chat.tasks import cancel_and_wait


async def test_cancel_and_wait_lets_the_task_unwind_before_returning() -> None:
    unwound: list[str] = []

    async def worker() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            unwound.append('cleaned up')

    task = asyncio.create_task(worker())
    await asyncio.sleep(0)
    await cancel_and_wait(task)
    assert task.cancelled() and unwound == ['cleaned up']
    await cancel_and_wait(None)  # nothing started: nothing to do
