"""Pages whose socket never connects do not pile up (pages/fastpath/unconnected.py): a flood of anonymous page requests
that never connect keeps at most `CHAT_MAX_WAITING_PAGES` of them waiting (the oldest go first), a page that waited
longer than `CHAT_PAGE_CONNECT_TIMEOUT` goes, a page whose browser connects in time is never touched - and a storm of
signed-in tabs reloading at once (a restart) all get their pages, however many beyond that cap."""

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
        oldest, signed_in = Tab(anonymous, site.url), Tab(http, site.url, site.cookies[name])
        live = Tab(http, site.url, site.cookies[name])
        await oldest.get('/login')  # anonymous tabs that have not connected yet when the flood comes ...
        await signed_in.get(path)  # ... and a signed-in one: the flood of anonymous requests never evicts it
        await live.get(path)
        seen['live_connected'] = await connects(live)
        for _ in range(4 * CAP):  # requests that never connect: a crawler, a script
            async with anonymous.get(site.url + '/login') as response:
                assert response.status == 200
                await response.read()
        await asyncio.sleep(2)  # a sweep or two: pages already sent go beyond the cap, younger than 3 s as they are
        seen['oldest_connected'] = await connects(oldest)
        seen['signed_in_connected'] = await connects(signed_in)
        seen['live_still_connected'] = live.connected.is_set()
        slow, patient = Tab(http, site.url, site.cookies[name]), Tab(http, site.url, site.cookies[name])
        await slow.get(path)
        await asyncio.sleep(TIMEOUT / 2)
        await patient.get(path)
        await asyncio.sleep(TIMEOUT / 2 + 2)  # slow waited longer than the timeout, patient half of it
        seen['slow_connected'] = await connects(slow)
        seen['patient_connected'] = await connects(patient)
        for tab in (oldest, signed_in, live, slow, patient):
            await tab.close()
    return seen


def test_pages_that_never_connect_do_not_pile_up(launch: Callable[..., Site]) -> None:
    name = 'bench0014'
    site = launch('unconnected', [name], CHAT_PAGE_CONNECT_TIMEOUT=str(TIMEOUT), CHAT_MAX_WAITING_PAGES=str(CAP))
    seen = asyncio.run(_flood(site, site.path('cycles'), name))
    assert seen['live_connected'] and seen['live_still_connected'], 'a connected page is never touched'
    assert not seen['oldest_connected'], 'beyond the cap the oldest anonymous page went (its browser would reload)'
    assert seen['signed_in_connected'], 'a signed-in page is not counted with the anonymous flood'
    assert not seen['slow_connected'], f'a page that waited longer than {TIMEOUT} s went'
    assert seen['patient_connected'], 'a page within the timeout and the cap is still there'
    assert not tracebacks(site.server.log_path)


STORM = 60  # signed-in tabs loading at once: twelve times the cap of this server


async def _storm(site: Site, path: str, names: list[str]) -> dict[str, int]:
    """Every tab GETs its page first (the server answers them all), then the sockets connect: a restart's reload."""
    async with new_http() as http:
        tabs = [Tab(http, site.url, site.cookies[names[i % len(names)]]) for i in range(STORM)]
        await asyncio.gather(*(tab.get(path) for tab in tabs))
        await asyncio.sleep(2)  # a sweep or two while all of them wait, as a loaded server's sockets would
        connected = await asyncio.gather(*(connects(tab) for tab in tabs))
        for tab in tabs:
            await tab.close()
    return {'connected': sum(connected), 'refused': STORM - sum(connected)}


def test_a_storm_of_signed_in_tabs_all_connect_at_the_first_try(launch: Callable[..., Site]) -> None:
    names = [f'bench{n:04d}' for n in range(15, 30)]  # four tabs each, within a session's own bound
    site = launch('storm', names, CHAT_PAGE_CONNECT_TIMEOUT=str(TIMEOUT), CHAT_MAX_WAITING_PAGES=str(CAP))
    seen = asyncio.run(_storm(site, site.path('cycles'), names))
    assert seen == {'connected': STORM, 'refused': 0}
    assert not tracebacks(site.server.log_path)
