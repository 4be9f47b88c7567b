"""Server restart: the server is killed while two people are typing, then started again on the same data folder and
port; their tabs reconnect by themselves (the new process does not know the old page, so they reload it, as
nicegui.js does), and every message either of them had seen appear as sent is in the history the reloaded page shows.

And the smaller fault: a tab's connection breaks for a moment (shorter than the reconnect window); it reconnects by
itself, the server replays what it missed, and nobody sees it leave and come back.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from typing import Any

import pytest

from bench import server as srv
from bench.client import new_http
from bench.crowd import Crowd
from tests.wire.conftest import Prepared, Site
from tests.wire.helpers import (
    feed_notices,
    feed_texts,
    online,
    send,
    stored,
    tap_crowd,
    token,
    tracebacks,
    transport,
    until,
)

pytestmark = pytest.mark.wire

BEFORE_KILL = 6  # accepted messages before the server is killed; the senders keep typing until it is gone


def kill(server: srv.Server) -> None:
    """SIGKILL, as a crash or the OOM killer would: no graceful shutdown, nothing flushed on the way out."""
    assert server.process is not None
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()


async def _restart(server: srv.Server, cookies: list[str], path: str, marker: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    async with new_http() as http:
        crowd = Crowd(http, server.url)
        taps = tap_crowd(crowd, marker, len(cookies))
        await crowd.open(cookies, path)
        await crowd.settle(quiet=0.5, timeout=20)
        accepted: list[str] = []

        async def sender(index: int) -> None:
            """Types until the connection is gone; each send waits for the page to clear the input (or gives up)."""
            tab, tap = crowd.tabs[index], taps.taps[index]
            for seq in range(10):  # the app's default rate (10 per 10 s) is enough: not raised
                if not tab.connected.is_set():
                    return
                text = f'{marker}-u{index}-m{seq}'
                if await send(tab, tap, text, timeout=3):
                    accepted.append(text)
                if len(accepted) >= BEFORE_KILL and server.process and server.process.poll() is None:
                    kill(server)

        await asyncio.gather(*(sender(i) for i in range(len(cookies))))
        # shown as sent: the sender saw its own message appear in its feed before the server died
        seen['shown'] = [text for i, tap in enumerate(taps.taps) for text in tap.appeared if f'-u{i}-' in text]
        seen['accepted'] = accepted

        await asyncio.to_thread(server.start)
        reconnected = await until(lambda: all(t.connected.is_set() and t.reloads for t in crowd.tabs), timeout=45)
        seen['reconnected'] = reconnected
        seen['reloads'] = [tab.reloads for tab in crowd.tabs]
        seen['history'] = [feed_texts(tab) if reconnected else [] for tab in crowd.tabs]
        await until(lambda: all(len(online(tab)) == len(crowd.tabs) for tab in crowd.tabs), timeout=10)
        seen['online'] = [online(tab) for tab in crowd.tabs]

        # and the room is live again: a message typed now reaches the other tab
        seen['live'] = reconnected and await send(crowd.tabs[0], taps.taps[0], f'{marker}-after')
        await until(lambda: f'{marker}-after' in taps.taps[1].appeared, timeout=20)
        seen['live_seen'] = f'{marker}-after' in taps.taps[1].appeared
        await crowd.close()
    return seen


def test_restart_loses_nothing_shown_as_sent(prepared: Prepared, launch: Callable[..., Site]) -> None:
    site = launch('restart', prepared.users[:2])
    server = site.server
    marker = token()
    cookies = [site.cookies[name] for name in site.users[:2]]
    seen = asyncio.run(_restart(server, cookies, site.path('restart'), marker))
    print(
        f'\nrestart: {len(seen["accepted"])} accepted and {len(seen["shown"])} shown before the kill, '
        f'reloads per tab {seen["reloads"]}'
    )

    assert len(seen['shown']) >= BEFORE_KILL
    assert seen['reconnected'], 'both tabs came back by themselves (reloaded: the new process did not know them)'
    ordered = [body for _, _, body in stored(server.data_dir, marker) if body != f'{marker}-after']
    for history in seen['history']:
        mine = [text for text in history if marker in text]
        assert set(seen['shown']) <= set(mine), 'every message shown as sent is in the history after the restart'
        assert mine == ordered, 'the history shows what is stored, once each, in id order'
    assert not tracebacks(server.log_path), 'the server logged no exception'
    assert seen['online'] == [set(site.users[:2])] * 2, 'after the restart both are listed online, nobody else'
    assert seen['live'] and seen['live_seen'], 'after the restart the room is live again'


async def _blip(site: Site, marker: str) -> dict[str, Any]:
    """Tab 0 loses its connection for a moment while tab 1 posts."""
    seen: dict[str, Any] = {}
    names = site.users[4:6]
    async with new_http() as http:
        crowd = Crowd(http, site.url)
        taps = tap_crowd(crowd, marker, 2)
        await crowd.open([site.cookies[n] for n in names], site.path('blip'))
        await crowd.settle(quiet=0.5, timeout=20)
        lost, poster = crowd.tabs
        notices_before = len(feed_notices(poster))
        transport(lost).abort()  # the connection breaks; the tab is not closed, so it reconnects (after ~1 s)
        await until(lambda: not lost.connected.is_set(), timeout=10)
        accepted = [text for seq in range(3) if await send(poster, taps.taps[1], text := f'{marker}-m{seq}')]
        seen['back'] = await until(lambda: lost.connected.is_set(), timeout=20)
        await until(lambda: set(accepted) <= set(taps.taps[0].appeared), timeout=10)
        await crowd.settle(quiet=0.5, timeout=10)
        seen.update(
            accepted=accepted,
            appeared=taps.taps[0].appeared,
            reloads=taps.taps[0].reloads,
            notices=feed_notices(poster)[notices_before:],
            online=online(poster),
            names=set(names),
        )
        await crowd.close()
    return seen


def test_network_blip_replays_what_was_missed(shared: Site) -> None:
    marker = token()
    seen = asyncio.run(_blip(shared, marker))
    assert len(seen['accepted']) == 3
    assert seen['back'], 'the tab reconnected by itself'
    assert seen['reloads'] == 0, 'within the reconnect window the same page resumes (no reload)'
    assert seen['appeared'] == [body for _, _, body in stored(shared.server.data_dir, marker)], (
        'what was posted during the gap arrives once each, in id order'
    )
    assert seen['online'] == seen['names'] and not seen['notices'], 'nobody saw it leave and come back'
