"""The in-process hub: each event reaches exactly the subscribers of its topic."""

from __future__ import annotations

import logging

import pytest

from chat.events import Event, RoomCount, SessionEnded
from chat.hub import LOBBY, LocalHub, private_topic, room_topic, user_topic


def test_topic_names() -> None:
    assert room_topic(3) == 'room:3'
    assert private_topic(3, 7) == 'private:3:7'
    assert user_topic(7) == 'user:7'
    assert LOBBY == 'lobby'


async def test_delivers_only_to_the_topics_subscribers() -> None:
    hub = LocalHub()
    room1: list[Event] = []
    room1_other_tab: list[Event] = []
    room2: list[Event] = []
    hub.subscribe(room_topic(1), room1.append)
    hub.subscribe(room_topic(1), room1_other_tab.append)
    hub.subscribe(room_topic(2), room2.append)
    event = RoomCount(1, 4)
    await hub.publish(room_topic(1), event)
    assert room1 == [event]
    assert room1_other_tab == [event]
    assert room2 == []
    await hub.publish('room:99', RoomCount(99, 1))  # nobody listens: nothing happens
    assert hub.deliver_local('room:99', event) == 0
    assert hub.deliver_local(room_topic(1), event) == 2


async def test_failing_subscriber_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    hub = LocalHub()
    before: list[Event] = []
    after: list[Event] = []

    def broken(_event: Event) -> None:
        raise RuntimeError('page gone')

    hub.subscribe(user_topic(1), before.append)
    hub.subscribe(user_topic(1), broken)
    hub.subscribe(user_topic(1), after.append)
    with caplog.at_level(logging.ERROR, logger='chat.hub'):
        await hub.publish(user_topic(1), SessionEnded(1))
        await hub.publish(user_topic(1), SessionEnded(1))
    assert before == after == [SessionEnded(1), SessionEnded(1)]
    assert 'subscriber of user:1 failed' in caplog.text


async def test_cancel_stops_delivery_and_forgets_empty_topics() -> None:
    hub = LocalHub()
    firsts: list[str] = []
    lasts: list[str] = []
    hub._first_subscriber = firsts.append  # type: ignore[method-assign]
    hub._last_subscriber_gone = lasts.append  # type: ignore[method-assign]
    received: list[Event] = []
    one = hub.subscribe(LOBBY, received.append)
    two = hub.subscribe(LOBBY, received.append)
    assert firsts == [LOBBY] and hub.subscriber_count(LOBBY) == 2
    one.cancel()
    one.cancel()  # twice is harmless
    assert hub.subscriber_count(LOBBY) == 1 and lasts == []
    await hub.publish(LOBBY, RoomCount(1, 1))
    assert len(received) == 1
    two.cancel()
    assert hub.subscriber_count(LOBBY) == 0 and lasts == [LOBBY]
    assert LOBBY not in hub._topics
    await hub.publish(LOBBY, RoomCount(1, 2))
    assert len(received) == 1


async def test_a_subscriber_may_cancel_itself_while_being_delivered() -> None:
    hub = LocalHub()
    received: list[Event] = []
    subscription = None

    def once(event: Event) -> None:
        received.append(event)
        assert subscription is not None
        subscription.cancel()

    subscription = hub.subscribe('t', once)
    other: list[Event] = []
    hub.subscribe('t', other.append)
    await hub.publish('t', RoomCount(1, 1))
    await hub.publish('t', RoomCount(1, 2))
    assert len(received) == 1 and len(other) == 2
