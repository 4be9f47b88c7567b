"""Password hashing runs on worker threads: a burst of sign-ins leaves the event loop free for everyone's chat."""

from __future__ import annotations

import asyncio

from chat.passwords import hash_password, verify_password
from tests.waiting import until


async def test_a_burst_of_hashes_does_not_hold_the_event_loop() -> None:
    ticks = 0
    running = True

    async def ticker() -> None:
        nonlocal ticks
        while running:
            ticks += 1
            await asyncio.sleep(0)  # one tick per turn of the event loop: the ticks count the turns

    task = asyncio.create_task(ticker())
    await until(lambda: ticks, what='the ticker running', step=0)
    before = ticks
    hashes = await asyncio.gather(*(hash_password(f'password-{n}') for n in range(6)))
    during = ticks - before
    running = False
    await task
    # with hashing on the loop, the ticker could not run at all until every hash was done
    assert during > 6
    results = [await verify_password(f'password-{n}', h) for n, h in enumerate(hashes)]
    assert all(valid for valid, _ in results)
