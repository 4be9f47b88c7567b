"""A stalled client does not hold up the others, and what a client leaves behind on the server is released.

One tab stops reading its socket (its TCP connection stays open) while four others post long messages: the others
still get every message, while the server still holds the frozen connection with data backed up for it. Then the
server must let go of what disconnected tabs held: the room's online list (as a watching tab shows it) returns to
what it was, and the server's RSS stays flat over many connect/disconnect cycles. Both run on a server of this
module's own, with the reconnect window shortened (CHAT_RECONNECT_TIMEOUT=0.5: a page is deleted half a second after
its socket went away, instead of 3 s), so released state shows quickly and few dead pages are alive at any moment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bench import server as srv
from bench.client import Tab, new_http
from bench.crowd import Crowd
from tests.wire.conftest import Prepared, Site, start_site
from tests.wire.helpers import (
    drop,
    online,
    send,
    server_end,
    stall,
    tap_crowd,
    token,
    tracebacks,
    unread_bytes,
    until,
)

pytestmark = pytest.mark.wire

SENDERS = 4
PER_SENDER = 10  # the app's default rate (10 per 10 s): not raised
# 3,900 CJK characters per message (limit 4,000; 3 bytes each in UTF-8): 40 messages are ~470 KB of frames per tab,
# far more than the frozen tab's socket takes in, so the server's end of its connection backs up
BODY = '漢字' * 1950
# A held room page costs ~240 KB here, so 120 pages never released would add ~28 MB. A fresh server's RSS also grows
# by ~15 MB over its first ~200 cycles and then stays flat (measured over 600): the warm-up takes most of that first.
WARMUP, CYCLES, CONCURRENCY = 60, 120, 4
RSS_BOUND_MB = 20.0


WATCHER, FROZEN, SENDING, CYCLE_WATCHER, CYCLER = 0, 1, range(2, 2 + SENDERS), 6, 7  # indexes into the users


@pytest.fixture(scope='module')
def site(prepared: Prepared, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    server = start_site(prepared, tmp_path_factory.mktemp('stall'), {'CHAT_RECONNECT_TIMEOUT': '0.5'})
    try:
        server.sign_in(prepared.users[:8])
        yield server
    finally:
        server.server.stop()


async def _stall(url: str, cookies: list[str], path: str, marker: str, frozen_name: str) -> dict[str, Any]:
    """Tab 0 watches, tab 1 freezes, tabs 2.. post; returns what each side saw.

    The frozen tab connects last and freezes at once: engine.io pings a client 4 s after it connected (or last
    answered) and drops it 2 s after an unanswered ping, so the others' whole conversation has to fit in those
    ~6 s for the check "while it stalls" to mean anything (it takes ~1 s here).
    """
    seen: dict[str, Any] = {}
    async with new_http() as http:
        crowd = Crowd(http, url)
        taps = tap_crowd(crowd, marker, len(cookies))
        order = [0, *range(2, len(cookies)), 1]  # Crowd numbers tabs in the order they open
        await crowd.open([cookies[i] for i in order[:-1]], path)
        await crowd.settle(quiet=0.5, timeout=20)
        await crowd.open([cookies[1]], path)
        tabs = {index: crowd.tabs[position] for position, index in enumerate(order)}
        frozen_tap = taps.taps[len(cookies) - 1]
        stall(tabs[1])
        started = time.perf_counter()
        watcher, frozen = tabs[0], tabs[1]
        await until(lambda: frozen_name in online(watcher), timeout=20)
        seen['online_before'] = online(watcher)
        before = len(taps.taps[0].frames)
        accepted: list[str] = []

        async def sender(index: int) -> None:
            for seq in range(PER_SENDER):
                text = f'{marker}-u{index}-m{seq}-{BODY}'
                if await send(crowd.tabs[index], taps.taps[index], text):
                    accepted.append(text)

        await asyncio.gather(*(sender(position) for position in range(1, len(cookies) - 1)))
        everyone = set(accepted)
        others = taps.taps[:-1]
        await until(lambda: all(everyone <= set(tap.appeared) for tap in others), timeout=30)
        # the moment the others have everything: is the server still holding the frozen tab, with data for it?
        established, unsent = server_end(frozen)
        seen.update(
            stall_seconds=time.perf_counter() - started,
            accepted=len(accepted),
            missed_by_others=[len(everyone - set(tap.appeared)) for tap in others],
            frozen_saw=len(everyone & set(frozen_tap.appeared)),
            frozen_unread=unread_bytes(frozen),
            frozen_established=established,
            frozen_unsent=unsent,
            sent_after_stall=sum(len(frame.encode()) for frame in taps.taps[0].frames[before:]),
        )

        await drop(frozen)
        await until(lambda: frozen_name not in online(watcher), timeout=20)
        seen['online_after'] = online(watcher)
        await crowd.close()
    return seen


def test_stalled_client_does_not_hold_up_the_others(site: Site) -> None:
    marker = token()
    names = [site.users[WATCHER], site.users[FROZEN], *(site.users[i] for i in SENDING)]
    seen = asyncio.run(_stall(site.url, [site.cookies[n] for n in names], site.path('stall'), marker, names[1]))
    print(
        f'\nstall: {seen["accepted"]} messages, {seen["sent_after_stall"] // 1024} KB of frames to each tab; when '
        f'the others had all, the frozen tab had {seen["frozen_unread"] // 1024} KB unread in its socket and the '
        f'server {seen["frozen_unsent"] // 1024} KB unsent for it; connection still established: '
        f'{seen["frozen_established"]} ({seen["stall_seconds"]:.1f} s after it froze)'
    )
    assert seen['online_before'] == set(names), 'everyone is listed online before the stall'
    assert seen['accepted'] == SENDERS * PER_SENDER
    assert seen['frozen_saw'] == 0 and seen['frozen_unread'] > 0, 'the frozen tab really stopped reading'
    assert seen['missed_by_others'] == [0] * (1 + SENDERS), 'every other tab got every message'
    # ...while the server still held the frozen connection with data it could not send: the others were served
    # before, not after, the server gave up on the frozen tab (engine.io's ping timeout closes it after ~6 s)
    assert seen['frozen_established'] and seen['frozen_unsent'] > 0, 'the others got everything during the stall'
    assert not tracebacks(site.server.log_path), 'the server logged no exception'
    assert seen['online_after'] == set(names) - {names[1]}, 'once it dropped, the server let it go'


async def _cycles(
    url: str, watcher_cookie: str, cycler_cookie: str, path: str, server: srv.Server, cycler: str
) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    async with new_http() as http:
        watcher = Tab(http, url, watcher_cookie)
        await watcher.get(path)
        await watcher.connect()
        baseline = online(watcher)

        async def cycle(index: int) -> None:
            """Open the room, wait for the socket, then leave: cleanly, by dropping the connection, or frozen first."""
            tab = Tab(http, url, cycler_cookie)
            await tab.get(path)
            await tab.connect()
            if index % 3 == 0:
                await tab.close()
                return
            if index % 3 == 2:
                stall(tab)
                await asyncio.sleep(0.05)  # frozen for a moment before the drop: the scenario, not a wait
            await drop(tab)

        async def run(count: int) -> None:
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(index: int) -> None:
                async with gate:
                    await cycle(index)

            await asyncio.gather(*(one(i) for i in range(count)))

        first = Tab(http, url, cycler_cookie)  # the watcher does see the cycler come in (so it could see it stay)
        await first.get(path)
        await first.connect()
        seen['saw_cycler'] = await until(lambda: cycler in online(watcher), timeout=20)
        await first.close()
        await run(WARMUP)  # lazily loaded code, caches and the heap's working set first: not a cold baseline
        await until(lambda: online(watcher) == baseline, timeout=20)
        # the last pages go 0.5 s after their sockets (CHAT_RECONNECT_TIMEOUT) and nothing outside shows when: a
        # settling pause before the RSS reading, the same before both readings
        await asyncio.sleep(1.0)
        seen['rss_before'] = server.rss()
        await run(CYCLES)
        seen['back_to_baseline'] = await until(lambda: online(watcher) == baseline, timeout=20)
        await asyncio.sleep(1.0)  # settling, as before the first reading
        seen['rss_after'] = server.rss()
        seen['baseline'] = baseline
        await watcher.close()
    return seen


def test_connect_cycles_release_server_state(site: Site) -> None:
    watcher, cycler = site.users[CYCLE_WATCHER], site.users[CYCLER]
    seen = asyncio.run(
        _cycles(site.url, site.cookies[watcher], site.cookies[cycler], site.path('cycles'), site.server, cycler)
    )
    growth = (seen['rss_after'] - seen['rss_before']) / 2**20
    print(
        f'\ncycles: {CYCLES} connect/disconnect cycles (a third closed, a third dropped, a third frozen and '
        f'dropped): RSS {seen["rss_before"] / 2**20:.1f} -> {seen["rss_after"] / 2**20:.1f} MB, '
        f'growth {growth:+.2f} MB'
    )
    assert seen['baseline'] == {watcher}
    assert seen['saw_cycler'], 'the watcher sees the cycling user come in'
    assert seen['back_to_baseline'], 'the online list returns to the watcher alone'
    assert growth < RSS_BOUND_MB
    assert not tracebacks(site.server.log_path), 'the server logged no exception'
