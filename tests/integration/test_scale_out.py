"""Two (or three) instances behind no balancer, sharing PostgreSQL and Redis, driven over the wire like browsers."""

from __future__ import annotations

import asyncio
import uuid

import aiohttp
import pytest
import redis
from sqlalchemy import create_engine, text

from tests.integration.cluster import Cluster
from tests.integration.steps import (
    create_room,
    open_room,
    room_badge,
    room_link_text,
    say,
    signed_in,
    unique,
    wait_count,
)
from tests.integration.wire import Tab, WireError
from tests.waiting import until

pytestmark = pytest.mark.integration


async def test_session_is_valid_on_every_instance(cluster: Cluster, http: aiohttp.ClientSession) -> None:
    first, second = cluster.instances[:2]
    anna = await signed_in(http, 'anna', first)
    # NiceGUI writes the session to Redis in a background task right after sign-in: allow it a moment

    async def home() -> Tab | None:
        tab = await anna.open(second.url, '/')
        if tab.path == '/':
            return tab
        await tab.close()
        return None

    tab = await until(home, what='the session made on instance 1 accepted by instance 2', step=0.2)
    assert tab.find('room-list') is not None
    await anna.close()


async def test_public_messages_presence_and_counts_across_instances(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    first, second = cluster.instances[:2]
    anna, boris = await signed_in(http, 'anna', first), await signed_in(http, 'boris', second)
    watcher1, watcher2 = await signed_in(http, 'dmitri', first), await signed_in(http, 'erik', second)
    room_id = await create_room(anna, first, unique('Public'))
    lobby1, lobby2 = await watcher1.open(first.url, '/'), await watcher2.open(second.url, '/')

    a = await open_room(anna, first, room_id)
    b = await open_room(boris, second, room_id)
    await a.wait_for_testid('online-boris')
    await b.wait_for_testid('online-anna')
    await wait_count(lobby1, room_id, 2)
    await wait_count(lobby2, room_id, 2)

    await say(a, 'hello from instance one')
    await b.wait_for_text('hello from instance one')
    await say(b, 'and back from instance two')
    await a.wait_for_text('and back from instance two')

    # a second tab of anna's, on the other instance: still one person
    a2 = await open_room(anna, second, room_id)
    await a2.wait_for_testid('online-boris')
    await asyncio.sleep(1.0)  # time for a wrong "3 online" or a second entry for anna to arrive: checking none does
    assert room_badge(lobby1, room_id) == room_badge(lobby2, room_id) == '2 online'
    online = [e for e in b.elements.values() if e.get('props', {}).get('data-testid') == 'online-anna']
    assert len(online) == 1

    # closing one of her tabs keeps her online (reconnect window is 2 s); closing the other one does not
    await a.close()
    await asyncio.sleep(3.5)  # the closed tab's reconnect window (2 s) passes: she must stay, the sleep is the test
    assert b.find('online-anna') is not None
    assert room_badge(lobby1, room_id) == '2 online'
    await a2.close()
    await b.wait_gone('online-anna', timeout=10)
    await wait_count(lobby1, room_id, 1)
    await wait_count(lobby2, room_id, 1)
    for browser in (anna, boris, watcher1, watcher2):
        await browser.close()


async def test_private_message_reaches_only_the_recipient(cluster: Cluster, http: aiohttp.ClientSession) -> None:
    first, second = cluster.instances[:2]
    anna, boris, clara = (
        await signed_in(http, 'anna', first),
        await signed_in(http, 'boris', second),
        await signed_in(http, 'clara', second),
    )
    room_id = await create_room(anna, first, unique('Private'))
    a = await open_room(anna, first, room_id)
    b = await open_room(boris, second, room_id)
    c = await open_room(clara, second, room_id)
    await a.wait_for_testid('online-boris')
    await a.wait_for_testid('online-clara')

    secret = f'whisper-{uuid.uuid4().hex}'
    await a.click('online-boris')  # Boris's card, and on it the private note
    await a.wait_for_testid('profile-whisper')
    await a.click('profile-whisper')
    await a.wait_until(lambda: a.visible('private-panel'), 'showing the private panel')
    await a.type('private-input', secret)
    await a.enter('private-input')
    await b.wait_for_text(secret)
    await a.wait_for_text(secret)  # the sender's own echo
    await say(a, 'public after the private one')
    await c.wait_for_text('public after the private one')  # c was listening all along
    assert not c.received(secret), "a third person's websocket carried the private message"

    engine = create_engine(cluster.database_url)
    with engine.connect() as connection:
        stored = connection.execute(text('SELECT count(*) FROM message WHERE body LIKE :s'), {'s': f'%{secret}%'})
        assert stored.scalar_one() == 0, 'the private message was stored'
    engine.dispose()
    client = redis.Redis.from_url(cluster.redis_url)
    for key in client.scan_iter(match=f'{cluster.prefix}:*'):
        if client.type(key) == b'string':
            assert secret.encode() not in (client.get(key) or b''), f'the private message is kept in Redis ({key!r})'
    client.close()
    for browser in (anna, boris, clara):
        await browser.close()


async def test_room_rename_and_delete_seen_on_both_instances(cluster: Cluster, http: aiohttp.ClientSession) -> None:
    first, second = cluster.instances[:2]
    anna, boris = await signed_in(http, 'anna', first), await signed_in(http, 'boris', second)
    watcher1, watcher2 = await signed_in(http, 'dmitri', first), await signed_in(http, 'erik', second)
    room_id = await create_room(anna, first, unique('Doomed'))
    b = await open_room(boris, second, room_id)
    lobby1, lobby2 = await watcher1.open(first.url, '/'), await watcher2.open(second.url, '/')
    await lobby2.wait_until(lambda: room_badge(lobby2, room_id) is not None, 'listing the room')

    panel = await anna.open(first.url, '/panel')
    new_name = unique('Renamed')
    await panel.type(f'rename-{room_id}', new_name)
    await panel.click(f'rename-save-{room_id}')
    await b.wait_for_text(f'The room is now called “{new_name}”.')
    assert b.shows(new_name)
    for lobby in (lobby1, lobby2):
        await lobby.wait_until(lambda lobby=lobby: room_link_text(lobby, room_id) == new_name, 'showing the new name')

    await panel.click(f'delete-{room_id}')
    await panel.wait_until(
        lambda: any(
            e.get('tag') == 'nicegui-dialog' and e.get('props', {}).get('model-value') for e in panel.elements.values()
        ),
        'asking to confirm the deletion',
    )
    await panel.click('confirm-delete')
    await b.wait_for_text(f'The room “{new_name}” was deleted.')  # said on the page, which stays until Boris leaves
    assert b.shows('All rooms')  # the way back
    for lobby in (lobby1, lobby2):
        await lobby.wait_until(lambda lobby=lobby: room_link_text(lobby, room_id) is None, 'without the room')
    for browser in (anna, boris, watcher1, watcher2):
        await browser.close()


async def test_killed_instance_users_expire(cluster: Cluster, http: aiohttp.ClientSession) -> None:
    first, second = cluster.instances[:2]
    (third,) = cluster.start(1)
    anna, clara = await signed_in(http, 'anna', first), await signed_in(http, 'clara', third)
    watcher = await signed_in(http, 'erik', second)
    room_id = await create_room(anna, first, unique('Crash'))
    a = await open_room(anna, first, room_id)
    c = await open_room(clara, third, room_id)
    lobby = await watcher.open(second.url, '/')
    await a.wait_for_testid('online-clara')
    await wait_count(lobby, room_id, 2)

    third.kill()
    await c.disconnected.wait()
    took = await a.wait_gone('online-clara', timeout=35)
    await wait_count(lobby, room_id, 1, timeout=5)
    print(f"a SIGKILLed instance's user left the online list after {took:.1f} s")
    assert a.find('online-anna') is not None
    for browser in (anna, clara, watcher):
        await browser.close()


async def test_instances_survive_a_redis_restart(
    cluster: Cluster, http: aiohttp.ClientSession, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Redis dies mid-conversation: pages keep working and say live updates stopped; after Redis is back, live
    updates resume on both instances without restarting them; what was posted meanwhile is there on reload."""
    from tests.integration.cluster import ThrowawayRedis

    broker = ThrowawayRedis(tmp_path_factory.mktemp('redis'))
    broker.start()
    try:
        first, second = cluster.start(2, redis_url=broker.url)
        anna, boris = await signed_in(http, 'anna', first), await signed_in(http, 'boris', second)
        room_id = await create_room(anna, first, unique('Restart'))
        a = await open_room(anna, first, room_id)
        b = await open_room(boris, second, room_id)
        await say(a, 'before the restart')
        await b.wait_for_text('before the restart')
        assert not a.visible('live-status')

        broker.stop()
        for tab in (a, b):
            await tab.wait_until(
                lambda tab=tab: tab.visible('live-status') and 'interrupted' in tab.text_of('live-status-text'),
                'saying live is interrupted',
            )
        await say(a, 'while redis is down')
        await a.wait_for_text('while redis is down')  # stored, and shown on its own instance
        assert a.find('message-input') is not None

        broker.start()
        for tab in (a, b):
            await tab.wait_until(
                lambda tab=tab: 'back' in tab.text_of('live-status-text'), 'saying live is back', timeout=20
            )
        await say(b, 'after the restart from two')
        await a.wait_for_text('after the restart from two')
        await say(a, 'after the restart from one')
        await b.wait_for_text('after the restart from one')
        await b.wait_until(lambda: b.find('online-anna') is not None, 'listing anna')

        b2 = await open_room(boris, second, room_id)  # a reload shows what was posted meanwhile
        await b2.wait_for_text('while redis is down')
        for browser in (anna, boris):
            await browser.close()
    except WireError:
        print(cluster.logs())
        raise
    finally:
        for instance in cluster.instances[-2:]:
            instance.stop()
        broker.stop()
