"""A private room at the wire: its owner posts while an outsider has the room list open and another tab of the
outsider sits on the room's address (the refusal page). No frame to the outsider, the page's HTML included, carries
the room's messages or topic; a post in a public room reaches the outsider's list meanwhile (they were listening)."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from bench.client import Tab, new_http
from bench.crowd import Crowd
from tests.wire.conftest import Site
from tests.wire.helpers import Wiretap, send, tap_crowd, token, tracebacks, until

pytestmark = pytest.mark.wire


def make_private(site: Site, room: str, topic: str) -> None:
    """The settings dialog's change, straight in the database (the server reads privacy on every request)."""
    with sqlite3.connect(site.server.data_dir / 'chat.db') as db:
        db.execute('UPDATE room SET is_private = 1, topic = ? WHERE id = ?', (topic, site.rooms[room]))


def tree(tab: Tab) -> str:
    """What the tab shows: the page's element tree as loaded and updated since (the initial HTML included)."""
    return json.dumps(tab.elements, ensure_ascii=False)


async def _scene(site: Site, owner: str, outsider: str, marker: str) -> tuple[list[Wiretap], list[str]]:
    async with new_http() as http:
        crowd = Crowd(http, site.url)
        taps = tap_crowd(crowd, marker, 3)
        await crowd.open([site.cookies[owner]], site.path('whisper'))  # tab 0: the owner in the private room
        await crowd.open([site.cookies[outsider]], '/')  # tab 1: the outsider's room list
        await crowd.open([site.cookies[outsider]], site.path('whisper'))  # tab 2: the outsider at its address
        await crowd.settle(quiet=0.5, timeout=20)
        _, _, refused = crowd.tabs
        assert refused.has('room-private'), 'the outsider sees the refusal page'
        assert not refused.has('message-input'), 'and no room'
        assert await send(crowd.tabs[0], taps.taps[0], f'{marker}-secret words'), 'the owner posted in the private room'
        await crowd.settle(quiet=0.5, timeout=20)
        shown = [tree(tab) for tab in crowd.tabs]
        await crowd.close()
        crowd = Crowd(http, site.url)
        later = tap_crowd(crowd, marker, 2)
        await crowd.open([site.cookies[owner]], site.path('elsewhere'))
        await crowd.open([site.cookies[outsider]], '/')
        await crowd.settle(quiet=0.5, timeout=20)
        posted = await send(crowd.tabs[0], later.taps[0], f'{marker}-public words')
        heard = await until(lambda: later.taps[1].carried(f'{marker}-public words'), timeout=20)
        shown.append(tree(crowd.tabs[1]))
        await crowd.close()
    assert posted and heard, 'the outsider list heard a public post'
    return [*taps.taps, *later.taps], shown


def test_nothing_of_a_private_room_reaches_an_outsider(launch) -> None:
    site = launch('private-room', [])
    owner, outsider = site.users[0], site.users[1]  # users[0] owns every prepared room
    site.sign_in([owner, outsider])
    marker = token()
    make_private(site, 'whisper', f'{marker}-topic')
    taps, shown = asyncio.run(_scene(site, owner, outsider, marker))
    owner_tab, outsider_list, refused, _, outsider_later = taps
    owner_shown, *outsider_shown = shown

    assert owner_tab.carried(f'{marker}-secret words'), 'the owner saw the post'
    assert f'{marker}-topic' in owner_shown, 'and the topic'
    for tap in (outsider_list, refused, outsider_later):
        assert not any(f'{marker}-secret' in frame or f'{marker}-topic' in frame for frame in tap.frames)
        assert not any('"whisper"' in frame for frame in tap.frames), "not even the room's name"
    for page in outsider_shown:
        assert f'{marker}-secret' not in page, 'no page of the outsider shows the room'
        assert f'{marker}-topic' not in page
        assert '"whisper"' not in page
    assert not tracebacks(site.server.log_path), 'the server logged no exception'
