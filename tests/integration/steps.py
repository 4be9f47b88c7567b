"""Steps a person takes, over the wire, shared by the integration tests."""

from __future__ import annotations

import uuid
from typing import Protocol

import aiohttp

from tests.integration.cluster import PASSWORD
from tests.integration.wire import Browser, Tab


class Endpoint(Protocol):
    """An instance or a load balancer in front of several."""

    @property
    def url(self) -> str: ...


def unique(name: str) -> str:
    return f'{name} {uuid.uuid4().hex[:6]}'


async def signed_in(http: aiohttp.ClientSession, username: str, instance: Endpoint) -> Browser:
    browser = Browser(http, username)
    await browser.sign_in(instance.url, username, PASSWORD)
    return browser


async def create_room(browser: Browser, instance: Endpoint, name: str) -> int:
    """Through the room list's "join or create" field, as a person would."""
    home = await browser.open(instance.url, '/')
    await home.type('room-name', name)
    await home.enter('room-name')
    target = await home.next_navigation()
    await home.close()
    assert target.startswith('/room/'), target
    return int(target.rsplit('/', 1)[1])


async def open_room(browser: Browser, instance: Endpoint, room_id: int) -> Tab:
    tab = await browser.open(instance.url, f'/room/{room_id}')
    assert tab.path == f'/room/{room_id}', f'{browser.name} was sent to {tab.path}'
    await tab.wait_for_testid(f'online-{browser.name}')
    return tab


async def say(tab: Tab, text: str) -> None:
    await tab.type('message-input', text)
    await tab.enter('message-input')


def room_badge(tab: Tab, room_id: int) -> str | None:
    """The online-count badge next to the room's link on the room list (None when the room is not listed)."""
    href = f'/room/{room_id}'
    link_id = next((i for i, e in tab.elements.items() if e.get('props', {}).get('href') == href), None)
    if link_id is None:
        return None
    parent = next((e for e in tab.elements.values() if int(link_id) in (e.get('children') or [])), None)
    for child in (parent or {}).get('children') or []:
        element = tab.elements.get(str(child), {})
        if element.get('tag') == 'q-badge':
            return str(element.get('text'))
    return None


def room_link_text(tab: Tab, room_id: int) -> str | None:
    href = f'/room/{room_id}'
    return next((str(e.get('text')) for e in tab.elements.values() if e.get('props', {}).get('href') == href), None)


async def wait_count(tab: Tab, room_id: int, count: int, timeout: float = 10.0) -> None:
    await tab.wait_until(lambda: room_badge(tab, room_id) == f'{count} online', f'showing {count} online', timeout)
