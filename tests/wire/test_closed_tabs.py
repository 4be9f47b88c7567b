"""A closed browser tab leaves its room at once; any other end of its connection keeps the page for the reconnect
window (pages/fastpath/closed_tabs.py).

A browser closes a page's websocket with 1001 (Going Away) when the document unloads - the tab closed, a reload, a
navigation (checked with Chromium); bench tabs close the same way. The server here keeps pages for 60 s after other
ends, so a leave seen within seconds can only be the closed tab's page deleted at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import pytest

from bench.client import PageError, new_http
from bench.crowd import Crowd
from tests.wire.conftest import Site
from tests.wire.helpers import online, tracebacks, transport, until

pytestmark = [pytest.mark.wire, pytest.mark.fastpath]

WINDOW = 60  # seconds the server keeps a page whose socket ended otherwise


async def _closing(site: Site, path: str, names: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {'left': set()}
    async with new_http() as http:
        crowd = Crowd(http, site.url)
        await crowd.open([site.cookies[n] for n in names], path)
        watcher, normal, dropped, closing = crowd.tabs
        seen['all_online'] = await until(lambda: online(watcher) == set(names), timeout=15)

        async def watch() -> None:
            while True:
                seen['left'] |= set(names) - online(watcher)
                await asyncio.sleep(0.02)

        watching = asyncio.create_task(watch())
        assert normal.ws is not None
        await normal.ws.close(code=1000)  # a normal close, not a going-away one
        transport(dropped).abort()  # the connection breaks without any close frame (1006)
        await until(lambda: not normal.connected.is_set() and not dropped.connected.is_set(), timeout=10)
        seen['back'] = await until(lambda: normal.connected.is_set() and dropped.connected.is_set(), timeout=20)
        seen['reloads'] = normal.reloads + dropped.reloads
        await closing.close()  # the tab is closed: its websocket says 1001
        seen['closed_left'] = await until(lambda: names[3] in seen['left'], timeout=15)
        await asyncio.sleep(1.0)  # time for a wrong departure of the others to show: checking that none does
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
        seen['online_after'] = online(watcher)
        try:  # the same document coming back is refused: its page is gone
            await closing.connect(timeout=10)
            seen['closed_page_kept'] = True
        except PageError as error:
            seen['closed_page_kept'] = False
            seen['refusal'] = str(error)
        await crowd.close()
    return seen


def test_a_closed_tab_leaves_at_once_and_a_lost_connection_keeps_its_page(launch: Callable[..., Site]) -> None:
    names = ['bench0010', 'bench0011', 'bench0012', 'bench0013']
    site = launch('closing', names, CHAT_RECONNECT_TIMEOUT=str(WINDOW))
    seen = asyncio.run(_closing(site, site.path('cycles'), names))
    assert seen['all_online']
    assert seen['back'] and seen['reloads'] == 0, 'after a normal close or a dropped connection the same page resumes'
    assert seen['closed_left'], f'the closed tab left the online list long before the {WINDOW} s window ended'
    assert seen['left'] == {names[3]}, 'nobody else was ever shown leaving'
    assert seen['online_after'] == set(names[:3])
    assert not seen['closed_page_kept'] and 'refused' in seen['refusal'], "the closed tab's page was deleted"
    assert not tracebacks(site.server.log_path)
