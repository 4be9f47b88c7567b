"""Graceful restart: three people post a burst; SIGTERM arrives in the middle of it. Every open page is told that the
server is restarting, the posts under way are stored and shown, later ones are refused with that reason, page
requests meanwhile get 503 with Retry-After, and the process exits with status 0 within CHAT_SHUTDOWN_TIMEOUT, with
SQLite's log folded into the database file. Started again on the same data folder, the pages come back by themselves
(reloaded: the new process does not know them), and every message a sender saw appear as sent is stored exactly once
- and nothing is stored that its sender did not see. A visitor's language choice, made as the signal is sent, is
kept (NiceGUI writes `app.storage.user` on the way out).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from bench import server as srv
from bench.client import Tab, new_http
from bench.crowd import Crowd
from chat.i18n import translate
from tests.wire.conftest import Prepared, Site
from tests.wire.helpers import Wiretap, feed_texts, stored, tap_crowd, token, tracebacks, until

pytestmark = pytest.mark.wire

SENDERS = 3
BEFORE_STOP = 6  # messages shown as sent before the signal; the senders keep typing through the stop
BOUND = 10.0  # CHAT_SHUTDOWN_TIMEOUT, the default
NOTICE = translate('en', 'restart_notice')
REFUSED = translate('en', 'server_restarting')


def send_error(tab: Tab) -> str:
    try:
        return str(tab.find('send-error')[1].get('text') or '')
    except Exception:
        return ''


async def post(tab: Tab, tap: Wiretap, text: str) -> str:
    """Types and presses Enter like a person: 'sent' once the page cleared the input, 'refused' when it showed why
    not, 'lost' when the connection went first."""
    input_id, _ = tab.find('message-input')
    cleared = tap.cleared[input_id]
    tab.type_into('message-input', text)
    tab.press_enter('message-input')

    def outcome() -> str | None:
        if tap.cleared[input_id] > cleared:
            return 'sent'
        if send_error(tab):
            return 'refused'
        if not tab.connected.is_set():
            return 'lost'
        return None

    await until(lambda: outcome() is not None, timeout=10)
    return outcome() or 'no answer'


async def watch_pages(url: str, statuses: list[tuple[int, str | None]]) -> None:
    """A newcomer asking for the sign-in page over and over until the server stops answering."""
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url + '/login', allow_redirects=False) as response:
                    statuses.append((response.status, response.headers.get('Retry-After')))
            except (aiohttp.ClientError, OSError):
                return
            await asyncio.sleep(0.02)  # pacing of the newcomer's requests


async def _stop_mid_burst(server: srv.Server, cookies: list[str], path: str, marker: str) -> dict[str, Any]:
    seen: dict[str, Any] = {'outcomes': [], 'pages': []}
    assert server.process is not None
    process = server.process
    async with new_http() as http:
        crowd = Crowd(http, server.url)
        taps = tap_crowd(crowd, marker, len(cookies))
        await crowd.open(cookies, path)
        visitor = Tab(http, server.url)  # on the sign-in page; chooses Russian just as the stop begins
        await visitor.get('/login')
        await visitor.connect()
        await crowd.settle(quiet=0.5, timeout=20)
        shown_before: list[str] = []
        stop: dict[str, Any] = {}

        def signal_once() -> None:
            if 'at' not in stop:
                stop['at'] = time.monotonic()
                stop['shown'] = list(shown_before)
                visitor.click('language-ru')  # kept in app.storage.user, written by NiceGUI as the server stops
                os.killpg(process.pid, signal.SIGTERM)
                stop['pages'] = asyncio.ensure_future(watch_pages(server.url, seen['pages']))

        async def sender(index: int) -> None:
            tab, tap = crowd.tabs[index], taps.taps[index]
            for seq in range(10):  # the app's default rate (10 per 10 s) is enough: not raised
                if not tab.connected.is_set():
                    return
                text = f'{marker}-u{index}-m{seq}'
                outcome = await post(tab, tap, text)
                seen['outcomes'].append((text, outcome, send_error(tab)))
                if outcome != 'sent':
                    return  # refused (a person reads why and waits) or the connection is gone
                shown_before.append(text)
                if len(shown_before) >= BEFORE_STOP:
                    signal_once()

        await asyncio.gather(*(sender(i) for i in range(len(cookies))))
        signal_once()
        seen['exit'] = await asyncio.to_thread(process.wait, 3 * BOUND)
        seen['took'] = time.monotonic() - stop['at']
        await stop['pages']
        wal = server.data_dir / 'chat.db-wal'
        seen['wal'] = wal.stat().st_size if wal.exists() else 0
        await visitor.close()
        seen['shown_before_signal'] = stop['shown']
        seen['shown'] = [text for i, tap in enumerate(taps.taps) for text in tap.appeared if f'-u{i}-' in text]
        seen['notices'] = [tap.notices.count(NOTICE) for tap in taps.taps]

        await asyncio.to_thread(server.start)
        seen['reconnected'] = await until(lambda: all(t.connected.is_set() and t.reloads for t in crowd.tabs), 60)
        seen['history'] = [feed_texts(tab) for tab in crowd.tabs]
        seen['visitor_page'] = await Tab(http, server.url, visitor.cookie).get('/login')
        await crowd.close()
    return seen


def test_sigterm_mid_burst_finishes_posts_exits_cleanly_and_pages_come_back(
    prepared: Prepared, launch: Callable[..., Site]
) -> None:
    site = launch('graceful', prepared.users[:SENDERS])
    server = site.server
    marker = token()
    cookies = [site.cookies[name] for name in site.users[:SENDERS]]
    seen = asyncio.run(_stop_mid_burst(server, cookies, site.path('restart'), marker))
    outcomes = Counter(outcome for _, outcome, _ in seen['outcomes'])
    pages = Counter(status for status, _ in seen['pages'])
    print(
        f'\ngraceful stop: {dict(outcomes)}; exit {seen["exit"]} after {seen["took"]:.2f} s; page requests while '
        f'stopping {dict(pages)}; notices per tab {seen["notices"]}'
    )

    assert seen['exit'] == 0, 'SIGTERM ends the process with status 0'
    assert seen['took'] < BOUND, 'within CHAT_SHUTDOWN_TIMEOUT'
    assert seen['wal'] == 0, "SQLite's write-ahead log was checkpointed into chat.db"
    assert seen['notices'] == [1] * SENDERS, 'every open page was told once that the server is restarting'
    assert all(status == 503 and retry for status, retry in seen['pages'] if status != 200), seen['pages']
    refused = [text for text, outcome, _ in seen['outcomes'] if outcome == 'refused']
    assert set(outcomes) <= {'sent', 'refused', 'lost'}, seen['outcomes']
    assert {error for _, outcome, error in seen['outcomes'] if outcome == 'refused'} <= {REFUSED}, (
        'a post after the stop began is refused with the reason, in the page language'
    )

    bodies = [body for _, _, body in stored(server.data_dir, marker)]
    assert len(seen['shown_before_signal']) >= BEFORE_STOP
    assert Counter(bodies) == Counter(set(bodies)), 'stored once each'
    assert set(seen['shown']) == set(bodies), 'every message shown as sent is stored, and only those'
    assert not set(refused) & set(bodies), 'a refused message is not stored'
    assert seen['reconnected'], 'every page came back by itself after the restart'
    for history in seen['history']:
        assert [text for text in history if marker in text] == bodies, 'the reloaded page shows what is stored'
    assert translate('ru', 'sign_in') in seen['visitor_page'], 'the choice made as the stop began was kept'
    assert not tracebacks(server.log_path), 'the server logged no exception'
