"""Load with nothing lost: a few dozen clients type into one room at once; every accepted message is stored once,
and every client sees all of them in one and the same order: the database's id order."""

from __future__ import annotations

import asyncio
import time

import pytest

from bench.client import new_http
from bench.crowd import Crowd
from tests.wire.conftest import Site
from tests.wire.helpers import Taps, feed_texts, send, stored, tap_crowd, token, tracebacks, until

pytestmark = pytest.mark.wire

CLIENTS = 30
PER_USER = 3  # messages each; within the app's default rate (10 per 10 s), so the limit is not raised at all


async def _crowd_talks(url: str, cookies: list[str], path: str, marker: str) -> tuple[list[str], Taps, list]:
    async with new_http() as http:
        crowd = Crowd(http, url)
        taps = tap_crowd(crowd, marker, len(cookies))
        await crowd.open(cookies, path)
        await crowd.settle(quiet=1.0, timeout=30)

        accepted: list[str] = []

        async def sender(index: int) -> None:
            """A person typing: the next message once the page has cleared the input after the previous one."""
            tab, tap = crowd.tabs[index], taps.taps[index]
            for seq in range(PER_USER):
                text = f'{marker}-u{index:02d}-m{seq}'
                if await send(tab, tap, text):
                    accepted.append(text)

        await asyncio.gather(*(sender(i) for i in range(len(cookies))))
        everyone = set(accepted)
        # until every tab has every message, or nothing has arrived anywhere for 3 s (then something is missing)
        await until(
            lambda: (
                all(everyone <= set(tap.appeared) for tap in taps.taps)
                or time.perf_counter() - crowd.last_activity > 3.0
            ),
            timeout=30,
        )
        await crowd.settle(quiet=0.5, timeout=10)  # anything late (a duplicate) would still arrive
        screens = [feed_texts(tab) for tab in crowd.tabs]
        await crowd.close()
    return accepted, taps, screens


def test_concurrent_senders_nothing_lost_one_order(shared: Site) -> None:
    marker = token()
    cookies = [shared.cookies[name] for name in shared.users[:CLIENTS]]
    accepted, taps, screens = asyncio.run(_crowd_talks(shared.url, cookies, shared.path('crowd'), marker))

    notices = sorted({notice for tap in taps.taps for notice in tap.notices})
    assert len(accepted) == CLIENTS * PER_USER, f'refused or unanswered sends; notices: {notices}'

    rows = stored(shared.server.data_dir, marker)
    bodies = [body for _, _, body in rows]
    assert sorted(bodies) == sorted(accepted), 'every accepted message stored exactly once, nothing else stored'
    assert {room for _, room, _ in rows} == {shared.rooms['crowd']}

    for index, tap in enumerate(taps.taps):
        assert tap.appeared == bodies, f'client {index} saw another set or order than the database id order'
    for index, screen in enumerate(screens):
        assert screen and screen == bodies[-len(screen) :], f'client {index} shows its feed in another order'
    assert not tracebacks(shared.server.log_path), 'the server logged no exception'
