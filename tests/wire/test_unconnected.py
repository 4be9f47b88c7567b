"""Pages whose socket never connects do not pile up (pages/fastpath/unconnected.py): a flood of page requests that never
connect keeps at most `CHAT_MAX_WAITING_PAGES` pages waiting (the oldest go first), a page that waited longer than
`CHAT_PAGE_CONNECT_TIMEOUT` goes, and a page whose browser connects in time is never touched."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from bench.client import PageError, Tab, new_http
from tests.wire.conftest import Site
from tests.wire.helpers import tracebacks

pytestmark = [pytest.mark.wire, pytest.mark.fastpath]

TIMEOUT = 8  # seconds a page may wait for its socket here
CAP = 5  # pages that may wait at once here


async def connects(tab: Tab) -> bool:
    try:
        await tab.connect(timeout=10)
    except PageError as error:
        assert 'refused' in str(error), error
        return False
    return True


async def _flood(site: Site, path: str, name: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    async with new_http() as http, aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as anonymous:
        oldest, live = Tab(http, site.url, site.cookies[name]), Tab(http, site.url, site.cookies[name])
        await oldest.get(path)  # a tab that has not connected yet when the flood comes
        await live.get(path)
        seen['live_connected'] = await connects(live)
        for _ in range(4 * CAP):  # requests that never connect: a crawler, a script
            async with anonymous.get(site.url + '/login') as response:
                assert response.status == 200
                await response.read()
        await asyncio.sleep(2)  # a sweep or two: pages already sent go beyond the cap, younger than 3 s as they are
        seen['oldest_connected'] = await connects(oldest)
        seen['live_still_connected'] = live.connected.is_set()
        slow, patient = Tab(http, site.url, site.cookies[name]), Tab(http, site.url, site.cookies[name])
        await slow.get(path)
        await asyncio.sleep(TIMEOUT / 2)
        await patient.get(path)
        await asyncio.sleep(TIMEOUT / 2 + 2)  # slow waited longer than the timeout, patient half of it
        seen['slow_connected'] = await connects(slow)
        seen['patient_connected'] = await connects(patient)
        for tab in (oldest, live, slow, patient):
            await tab.close()
    return seen


def test_pages_that_never_connect_do_not_pile_up(launch: Callable[..., Site]) -> None:
    name = 'bench0014'
    site = launch('unconnected', [name], CHAT_PAGE_CONNECT_TIMEOUT=str(TIMEOUT), CHAT_MAX_WAITING_PAGES=str(CAP))
    seen = asyncio.run(_flood(site, site.path('cycles'), name))
    assert seen['live_connected'] and seen['live_still_connected'], 'a connected page is never touched'
    assert not seen['oldest_connected'], 'beyond the cap the oldest waiting page went (its browser would reload)'
    assert not seen['slow_connected'], f'a page that waited longer than {TIMEOUT} s went'
    assert seen['patient_connected'], 'a page within the timeout and the cap is still there'
    assert not tracebacks(site.server.log_path)
