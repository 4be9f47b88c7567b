"""Private messages at the wire: A whispers to B in a room; C (same room) and D (another room) never receive a frame
carrying the text, B does. Every raw frame each tab receives is kept and searched."""

from __future__ import annotations

import asyncio

import pytest

from bench.client import new_http
from bench.crowd import Crowd
from tests.wire.conftest import Site
from tests.wire.helpers import Taps, send, stored, tap_crowd, token, tracebacks, until

pytestmark = pytest.mark.wire


async def _whisper(site: Site, names: list[str], marker: str, secret: str) -> Taps:
    """Tabs: 0 = A, 1 = B, 2 = C in the room, 3 = D in another room."""
    async with new_http() as http:
        crowd = Crowd(http, site.url)
        taps = tap_crowd(crowd, marker, 4)
        await crowd.open([site.cookies[n] for n in names[:3]], site.path('whisper'))
        await crowd.open([site.cookies[names[3]]], site.path('elsewhere'))
        await crowd.settle(quiet=0.5, timeout=20)
        a, d = crowd.tabs[0], crowd.tabs[3]
        ta, tb, tc, td = taps.taps

        a.click(f'online-{names[1]}')  # what a person does: pick B in the online list, the card's private note,
        assert await until(lambda: a.has('profile-whisper'), timeout=10), 'the card opened'
        a.click('profile-whisper')  # type, press the lock button
        assert await until(lambda: a.has('private-input'), timeout=10), 'the private field opened'
        a.type_into('private-input', secret)
        a.click('private-send')
        assert await until(lambda: tb.carried(secret) and ta.carried(secret), timeout=20), 'B (and A) got it'

        # afterwards a public message in each room: a tab that has it would have had the whisper before it
        assert await send(a, ta, f'{marker}-after-in-room')
        assert await send(d, td, f'{marker}-after-elsewhere')
        await until(
            lambda: f'{marker}-after-in-room' in tc.appeared and f'{marker}-after-elsewhere' in td.appeared, timeout=20
        )
        await crowd.close()
    return taps


def test_private_message_reaches_only_its_recipient(shared: Site) -> None:
    names = shared.users[:4]  # A and D post 2 and 1 messages: with the crowd test's 3, within 10 per 10 s
    marker = token()
    secret = f'{marker}-secret ü ✓ for B only'
    taps = asyncio.run(_whisper(shared, names, marker, secret))
    _, b, c, d = taps.taps

    assert b.carried(secret), 'B received the private message'
    assert any(frame.count(f'{marker}-secret') for frame in b.frames if 'private-message' in frame), (
        'B shows it as a private message'
    )
    assert f'{marker}-after-in-room' in c.appeared, 'C was listening in the room after the whisper'
    assert f'{marker}-after-elsewhere' in d.appeared, 'D was listening in its room after the whisper'
    assert not c.carried(secret), 'no frame to C (same room) carried the private text'
    assert not d.carried(secret), 'no frame to D (another room) carried the private text'
    assert not any(f'{marker}-secret' in frame for frame in c.frames + d.frames)
    assert not tracebacks(shared.server.log_path), 'the server logged no exception'
    assert not [body for _, _, body in stored(shared.server.data_dir, f'{marker}-secret')], 'never stored'
    assert f'{marker}-secret' not in shared.server.log_path.read_text(errors='replace'), 'never logged'
