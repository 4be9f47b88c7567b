"""Background tasks a service owns, and CPU work on worker threads: each done the same way everywhere."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

T = TypeVar('T')


async def cancel_and_wait(task: asyncio.Task | None) -> None:
    """Cancels the task and waits until it has finished unwinding (so nothing of it runs after a stop). It cancels
    again while the task runs on: on Python 3.11 `asyncio.wait_for` can swallow a cancellation that arrives just as
    its inner await completes, and a service's loop around it would then go on, and its stop wait, for ever."""
    if task is None:
        return
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
    with contextlib.suppress(asyncio.CancelledError):
        task.result()  # an error the task ended with is the caller's, as with `await task`


async def in_turn(turns: asyncio.Semaphore, work: Callable[[], T]) -> T:
    """`work` on a worker thread once `turns` lets it (a bound on how many decode at once: each holds a decoded image).
    The turn ends when the thread does, not when the caller goes: a closed page cancels its upload handler, but not a
    running thread, and the next decode must not start beside it."""
    await turns.acquire()
    try:
        running = asyncio.ensure_future(asyncio.to_thread(work))
    except BaseException:
        turns.release()
        raise

    def done(future: asyncio.Future) -> None:
        turns.release()
        if not future.cancelled():
            future.exception()  # retrieved: a refusal nobody waits for any more is not logged as unhandled

    running.add_done_callback(done)
    return await asyncio.shield(running)
