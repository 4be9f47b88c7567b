"""The Redis hub and presence on their own, against real Redis (a fresh key prefix per test), with short expiry."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from chat import metrics
from chat.events import Event, HubStatus, MessageDeleted, MessageEdited, PresenceChanged, ReactionsChanged, RoomCount
from chat.hub import LOBBY, STATUS, room_topic
from chat.redis_backend import RedisHub, RedisPresence
from chat.views import ReactionView, UserView
from tests.integration.cluster import REDIS_URL, ThrowawayRedis, delete_prefix, require_services
from tests.waiting import until

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix() -> Iterator[str]:
    require_services()
    name = f'itest-{uuid.uuid4().hex[:10]}'
    yield name
    delete_prefix(REDIS_URL, name)


@pytest.fixture
async def hubs(prefix: str) -> AsyncIterator[tuple[RedisHub, RedisHub]]:
    first, second = RedisHub(REDIS_URL, prefix), RedisHub(REDIS_URL, prefix)
    await first.start()
    await second.start()
    yield first, second
    await first.stop()
    await second.stop()


def quick(presence: RedisPresence) -> RedisPresence:
    presence.ttl, presence.heartbeat_interval = 1.5, 0.3
    return presence


async def names(user_ids: list[int]) -> dict[int, UserView]:
    return {i: UserView(id=i, username=f'user{i}', display_name=f'User {i}') for i in user_ids}


def subscribers(prefix: str, topic: str, url: str = REDIS_URL) -> int:
    client = redis.Redis.from_url(url)
    try:
        return int(client.pubsub_numsub(f'{prefix}:{topic}')[0][1])
    finally:
        client.close()


async def test_events_cross_hubs_and_redis_subscriptions_follow_local_ones(
    hubs: tuple[RedisHub, RedisHub], prefix: str
) -> None:
    first, second = hubs
    assert first.connected and second.connected
    got: list[tuple[str, Event]] = []
    topic = room_topic(7)
    one = first.subscribe(topic, lambda e: got.append(('first', e)))
    two = second.subscribe(topic, lambda e: got.append(('second', e)))
    extra = second.subscribe(topic, lambda e: got.append(('second-extra', e)))
    await until(lambda: subscribers(prefix, topic) == 2, what='subscribed once per instance')
    lag = metrics.value('chat_delivery_lag_seconds_count')
    await first.publish(topic, RoomCount(7, 1))
    await until(lambda: len(got) == 3, what='delivered to all three')
    assert sorted(who for who, _ in got) == ['first', 'second', 'second-extra']
    assert all(event == RoomCount(7, 1) for _, event in got)
    # the publish time travels in the message: one lag observation per receiving instance, not per subscriber
    assert metrics.value('chat_delivery_lag_seconds_count') == lag + 2

    two.cancel()
    await asyncio.sleep(0.1)  # time for a wrong unsubscription to reach Redis: checking that none happens
    assert subscribers(prefix, topic) == 2  # second still has a local subscriber
    extra.cancel()
    one.cancel()
    await until(lambda: subscribers(prefix, topic) == 0, what='unsubscribed after the last local subscriber')
    got.clear()
    await second.publish(topic, RoomCount(7, 2))
    await asyncio.sleep(0.2)  # time for a wrong delivery to arrive: checking that none does
    assert got == []


async def test_status_is_local_only(hubs: tuple[RedisHub, RedisHub]) -> None:
    first, second = hubs
    seen: list[Event] = []
    second.subscribe(STATUS, seen.append)
    await first.publish(STATUS, HubStatus(connected=False))
    await asyncio.sleep(0.2)  # time for a wrong delivery through Redis to arrive: checking that none does
    assert seen == []


async def test_hub_reports_outage_publishes_locally_and_resubscribes(tmp_path: Path) -> None:
    require_services()
    broker = ThrowawayRedis(tmp_path)
    broker.start()
    first, second = RedisHub(broker.url, 'x'), RedisHub(broker.url, 'x')
    reconnects = metrics.value('chat_redis_reconnects_total')
    try:
        await first.start()
        await second.start()
        status: list[tuple[str, bool]] = []
        got: list[tuple[str, Event]] = []
        for name, hub in (('first', first), ('second', second)):
            hub.subscribe(STATUS, lambda e, n=name: status.append((n, e.connected)))  # type: ignore[union-attr]
            hub.subscribe(LOBBY, lambda e, n=name: got.append((n, e)))
        await until(lambda: subscribers('x', LOBBY, broker.url) == 2, what='both subscribed in Redis')

        broker.stop()
        await until(lambda: not first.connected and not second.connected, what='noticing the outage')
        assert sorted(status) == [('first', False), ('second', False)]
        assert not await first.reachable(), 'readiness sees Redis gone'
        started = time.monotonic()
        await first.publish(LOBBY, RoomCount(1, 5))
        assert time.monotonic() - started < 0.5, 'publishing blocked while Redis is down'
        assert got == [('first', RoomCount(1, 5))]  # this instance's pages still get it

        broker.start()
        await until(lambda: first.connected and second.connected, what='reconnecting', timeout=15)
        assert sorted(status) == [('first', False), ('first', True), ('second', False), ('second', True)]
        assert metrics.value('chat_redis_reconnects_total') == reconnects + 2, 'each hub counted its reconnect'
        assert await first.reachable()
        got.clear()
        await second.publish(LOBBY, RoomCount(1, 6))
        await until(lambda: len(got) == 2, what='delivering on both after resubscribing')
    finally:
        await first.stop()
        await second.stop()
        broker.stop()


async def test_presence_counts_a_user_once_across_instances(prefix: str) -> None:
    first, second = RedisPresence(REDIS_URL, prefix), RedisPresence(REDIS_URL, prefix)
    await first.start()
    await second.start()
    try:
        assert await first.enter(1, 10, 'tab-a') is True
        assert await second.enter(1, 10, 'tab-b') is False  # same person, other instance
        assert await first.enter(1, 10, 'tab-c') is False
        assert await second.enter(1, 11, 'tab-d') is True
        assert sorted(await first.online(1)) == [10, 11]
        assert await second.counts() == {1: 2}
        assert await second.is_online(1, 10)
        assert await first.leave(1, 10, 'tab-a') is False
        assert await first.leave(1, 10, 'tab-c') is False  # still on the second instance
        assert await second.leave(1, 10, 'tab-b') is True
        assert await first.online(1) == [11]
        assert await first.counts() == {1: 1}
        await first.forget_room(1)
        assert await second.counts() == {}
    finally:
        await first.stop()
        await second.stop()


async def test_a_dead_instances_users_are_swept_and_announced_once(prefix: str) -> None:
    survivor, doomed, other = (quick(RedisPresence(REDIS_URL, prefix)) for _ in range(3))
    hub = RedisHub(REDIS_URL, prefix)
    await hub.start()
    for presence in (survivor, doomed, other):
        presence.attach(names)
        await presence.start()
    events: list[Event] = []
    hub.subscribe(room_topic(3), events.append)
    hub.subscribe(LOBBY, events.append)
    await until(lambda: subscribers(prefix, room_topic(3)) and subscribers(prefix, LOBBY), what='subscribed in Redis')
    try:
        await survivor.enter(3, 1, 'a')
        await doomed.enter(3, 2, 'b')
        await doomed.enter(3, 1, 'c')  # user 1 is on both: stays online
        assert sorted(await other.online(3)) == [1, 2]
        assert doomed._task is not None
        doomed._task.cancel()  # like SIGKILL: no more heartbeats, no cleanup

        await until(lambda: any(isinstance(e, PresenceChanged) for e in events), what='announcing the departure')
        await asyncio.sleep(1.0)  # both live sweepers had their chance: checking that nobody announces it twice
        left = [e for e in events if isinstance(e, PresenceChanged)]
        assert left == [PresenceChanged(3, UserView(id=2, username='user2', display_name='User 2'), joined=False)]
        assert RoomCount(3, 1) in events
        assert await other.online(3) == [1]
        assert await survivor.counts() == {3: 1}
    finally:
        await hub.stop()
        for presence in (survivor, other):
            await presence.stop()


async def test_presence_falls_back_while_redis_is_down_and_catches_up(tmp_path: Path) -> None:
    require_services()
    broker = ThrowawayRedis(tmp_path)
    broker.start()
    presence, watcher = quick(RedisPresence(broker.url, 'x')), quick(RedisPresence(broker.url, 'x'))
    hub = RedisHub(broker.url, 'x')
    for store in (presence, watcher):
        store.attach(names)
        await store.start()
    await hub.start()
    events: list[Event] = []
    hub.subscribe(room_topic(5), events.append)
    try:
        await presence.enter(5, 1, 'a')
        broker.stop()
        started = time.monotonic()
        assert await presence.enter(5, 2, 'b') is True  # counted here, announced later
        assert sorted(await presence.online(5)) == [1, 2]
        assert await presence.counts() == {5: 2}
        assert time.monotonic() - started < 1.0, 'presence blocked while Redis is down'

        broker.start()  # an empty Redis: everything must be re-registered
        await until(lambda: hub.connected, what='reconnecting', timeout=15)
        await until(
            lambda: {e.user.id for e in events if isinstance(e, PresenceChanged) and e.joined} == {1, 2},
            what='announcing the users Redis did not know',
            timeout=10,
        )
        assert sorted(await watcher.online(5)) == [1, 2]
    finally:
        await hub.stop()
        for store in (presence, watcher):
            await store.stop()
        broker.stop()


async def test_message_action_events_cross_hubs(hubs: tuple[RedisHub, RedisHub], prefix: str) -> None:
    """Edits, deletions and reactions reach another instance's pages as they were published."""
    first, second = hubs
    got: list[Event] = []
    topic = room_topic(8)
    second.subscribe(topic, got.append)
    await until(lambda: subscribers(prefix, topic) == 1, what='subscribed')
    sent: list[Event] = [
        MessageEdited(8, 1, 'new text', datetime.now(UTC)),
        MessageDeleted(8, 1),
        ReactionsChanged(8, 2, (ReactionView('👍', 2, (1, 2), ('User 1', 'User 2')),)),
    ]
    for event in sent:
        await first.publish(topic, event)
    await until(lambda: len(got) == 3, what='three events on the other instance')
    assert got == sent
