"""Sessions at the wire: a cookie from before sign-in never becomes signed in (session fixation), and a page of an
ended session stops receiving anything on the server, even when its client ignores the instruction to leave."""

from __future__ import annotations

import asyncio

import pytest

from bench import server as srv
from bench.client import PageError, Tab, new_http, sign_in
from bench.crowd import Crowd
from tests.wire.conftest import Site
from tests.wire.helpers import send, stored, tap_crowd, token, tracebacks, until

pytestmark = pytest.mark.wire


async def _status(tab_http, url: str, path: str, cookie: str) -> tuple[int, str]:
    async with tab_http.get(url + path, headers={'Cookie': cookie}, allow_redirects=False) as response:
        return response.status, response.headers.get('Location', '')


async def _fixation(site: Site, username: str) -> None:
    async with new_http() as http:
        tab = Tab(http, site.url)
        await tab.get('/login')
        before = tab.cookie  # what an attacker planted or saw before the victim signs in
        await tab.connect()
        tab.type_into('username', username)
        tab.type_into('password', srv.PASSWORD)
        tab.click('submit')
        target = await asyncio.wait_for(tab.navigations.get(), 30)
        await tab.close()
        assert target.startswith('/auth/finish?'), target

        # the ticket is bound to the browser it was issued to: another browser's request gets nothing
        stranger = Tab(http, site.url)
        await stranger.get('/login')
        status, location = await _status(http, site.url, target, stranger.cookie)
        assert (status, location.split('?')[0]) == (303, '/login')

        # the sign-in's own navigation was spent by the stranger's attempt: sign in again, as the browser would
        after = await sign_in(http, site.url, username, srv.PASSWORD)
        assert after != before
        assert (await _status(http, site.url, '/', before))[0] == 303, 'the pre-sign-in cookie is not signed in'
        assert (await _status(http, site.url, '/', stranger.cookie))[0] == 303
        assert (await _status(http, site.url, '/', after))[0] == 200, 'the new cookie is'


def test_a_cookie_from_before_sign_in_is_never_signed_in(shared: Site) -> None:
    asyncio.run(_fixation(shared, shared.users[8]))
    assert not tracebacks(shared.server.log_path)


async def _sign_out_while_a_tab_ignores_it(site: Site, a: str, b: str, marker: str) -> dict[str, object]:
    async with new_http() as http:
        cookie_a = await sign_in(http, site.url, a, srv.PASSWORD)  # a session of its own: ending it ends only it
        crowd = Crowd(http, site.url)
        taps = tap_crowd(crowd, marker, 3)
        await crowd.open([cookie_a, site.cookies[b]], site.path('ending'))
        await crowd.open([cookie_a], '/')
        await crowd.settle(quiet=0.5, timeout=20)
        ignoring, reader, home = crowd.tabs
        tap_a, tap_b, _ = taps.taps
        assert await until(lambda: reader.has(f'online-{a}'), timeout=10), 'A is listed as present'

        home.open_menu('user-menu-items')
        assert await until(lambda: home.has('sign-out'), timeout=10), 'the user menu opened'
        home.click('sign-out')
        # the room tab is told to leave (its navigation is queued, never followed: it ignores it) ...
        assert await until(lambda: not ignoring.navigations.empty(), timeout=10), 'told to leave'
        # ... and the server has already stopped it: gone from the online list, its socket closed
        assert await until(lambda: not reader.has(f'online-{a}'), timeout=10), 'A left the room at once'
        assert await until(ignoring.closed.is_set, timeout=10), 'the server closed its socket'

        assert await send(reader, tap_b, f'{marker}-after-sign-out'), 'B posts after the sign-out'
        assert await until(lambda: f'{marker}-after-sign-out' in tap_b.appeared, timeout=10)
        await asyncio.sleep(1.0)  # time for a frame that should not come (the reconnect attempts included)
        result = {
            'carried': tap_a.carried(f'{marker}-after-sign-out'),
            'room': (await _status(http, site.url, site.path('ending'), cookie_a))[0],
        }
        await crowd.close()
    return result


def test_a_signed_out_tab_that_ignores_leaving_receives_nothing(shared: Site) -> None:
    a, b = shared.users[6], shared.users[7]
    marker = token()
    result = asyncio.run(_sign_out_while_a_tab_ignores_it(shared, a, b, marker))
    assert result['carried'] is False, 'no frame after the sign-out reached the signed-out tab'
    assert result['room'] == 303, 'the signed-out cookie is refused'
    assert not tracebacks(shared.server.log_path)


async def _borrow_a_page(site: Site, a: str, b: str, marker: str) -> dict[str, object]:
    """B knows the id of A's page (it is in A's HTML: a shared screen, a proxy log, a browser extension)."""
    async with new_http() as http:
        crowd = Crowd(http, site.url)
        await crowd.open([site.cookies[a], site.cookies[b]], site.path('ending'))
        await crowd.settle(quiet=0.5, timeout=20)
        page_a, page_b = crowd.tabs

        # B's socket naming A's page is refused
        thief = Tab(http, site.url, cookie=site.cookies[b])
        thief.client_id, thief.path = page_a.client_id, site.path('ending')
        refused = False
        try:
            await thief.connect(timeout=10)
        except PageError:
            refused = True
        await thief.close()

        # B's own socket sends events for A's page: type into A's input and press Enter (posting as A)
        forged = Tab(http, site.url, cookie=site.cookies[b])
        forged.elements, forged.client_id = page_a.elements, page_a.client_id
        forged.ws, forged._reader = page_b.ws, None  # the frames go out on B's connected socket
        forged.connected.set()
        forged.type_into('message-input', f'{marker}-posted as A by B')
        forged.press_enter('message-input')
        await asyncio.sleep(1.0)  # time for the post to be stored and published, if the forgery worked
        await crowd.close()
    return {'refused': refused, 'stored': stored(site.server.data_dir, marker)}


def test_a_page_id_is_useless_to_another_browser_session(shared: Site) -> None:
    a, b = shared.users[9], shared.users[10]
    marker = token()
    result = asyncio.run(_borrow_a_page(shared, a, b, marker))
    assert result['refused'] is True, "B's socket may not attach to A's page"
    assert result['stored'] == [], "B's socket cannot act on A's page"
    assert not tracebacks(shared.server.log_path)
