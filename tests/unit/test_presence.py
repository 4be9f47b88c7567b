"""Presence: a user counts once however many connections, and leaves with the last one."""

from __future__ import annotations

import asyncio

import pytest

from chat.errors import NotFound
from chat.events import PresenceChanged, RoomCount
from chat.hub import LOBBY, room_topic
from chat.presence import LocalPresence
from chat.services import Services
from models import Membership
from tests.unit.helpers import Recorder, add_user, count_rows


async def test_local_presence_counts_users_not_connections() -> None:
    presence = LocalPresence()
    assert await presence.enter(1, 10, 'tab-1') is True
    assert await presence.enter(1, 10, 'tab-2') is False
    assert await presence.enter(1, 10, 'tab-2') is False  # the same connection twice
    assert await presence.enter(1, 11, 'tab-3') is True
    assert await presence.enter(2, 10, 'tab-4') is True  # another room
    assert sorted(await presence.online(1)) == [10, 11]
    assert await presence.counts() == {1: 2, 2: 1}
    assert await presence.is_online(1, 10) and not await presence.is_online(2, 11)
    assert await presence.leave(1, 10, 'tab-1') is False
    assert await presence.is_online(1, 10)
    assert await presence.leave(1, 10, 'tab-1') is False  # already gone
    assert await presence.leave(1, 10, 'tab-2') is True
    assert await presence.online(1) == [11]
    assert await presence.leave(1, 99, 'nobody') is False
    assert await presence.leave(7, 10, 'no-room') is False
    assert await presence.leave(1, 11, 'tab-3') is True
    assert await presence.counts() == {2: 1}
    await presence.forget_room(2)
    assert await presence.counts() == {} and await presence.online(2) == []


async def test_enter_and_leave_publish_once_per_user(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna', display_name='Anna')
    boris = await add_user(services, 'boris', display_name='boris')
    room = await services.rooms.create(anna, 'General')
    other = await services.rooms.create(anna, 'Other')
    recorder.listen(services.hub, room_topic(room.id), room_topic(other.id), LOBBY)

    assert await services.rooms.enter(anna, room.id, 'a1') == [anna]
    assert await services.rooms.enter(anna, room.id, 'a2') == [anna]  # second tab: no news
    assert await services.rooms.enter(boris, room.id, 'b1') == [anna, boris]
    assert recorder.of(room_topic(room.id)) == [
        PresenceChanged(room.id, anna, joined=True),
        PresenceChanged(room.id, boris, joined=True),
    ]
    assert recorder.of(LOBBY) == [RoomCount(room.id, 1), RoomCount(room.id, 2)]
    assert await services.rooms.counts() == {room.id: 2}

    await services.rooms.leave(anna, room.id, 'a1')  # one tab closed: still here
    assert len(recorder.of(room_topic(room.id))) == 2
    assert [user.id for user in await services.rooms.online(room.id)] == [anna.id, boris.id]
    await services.rooms.leave(anna, room.id, 'a2')  # the last tab: left
    assert recorder.of(room_topic(room.id))[-1] == PresenceChanged(room.id, anna, joined=False)
    assert recorder.of(LOBBY)[-1] == RoomCount(room.id, 1)
    assert await services.rooms.online(room.id) == [boris]
    await services.rooms.leave(anna, room.id, 'a2')  # a late duplicate changes nothing
    assert len(recorder.of(room_topic(room.id))) == 3
    assert recorder.of(room_topic(other.id)) == []
    await services.rooms.leave(boris, room.id, 'b1')
    assert await services.rooms.counts() == {}
    assert recorder.of(LOBBY)[-1] == RoomCount(room.id, 0)


async def test_enter_records_membership_once(services: Services) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'General')
    for conn in ('a1', 'a2', 'a1'):
        await services.rooms.enter(anna, room.id, conn)
    await services.rooms.leave(anna, room.id, 'a1')
    await services.rooms.enter(anna, room.id, 'a3')
    assert await count_rows(services, Membership) == 1


async def test_online_is_sorted_by_display_name(services: Services) -> None:
    room_owner = await add_user(services, 'owner', display_name='zed')
    room = await services.rooms.create(room_owner, 'General')
    names = ['Вера', 'anna', 'Boris', 'zed']
    users = [room_owner] + [await add_user(services, f'user{i}', display_name=name) for i, name in enumerate(names[:3])]
    for number, user in enumerate(users):
        await services.rooms.enter(user, room.id, f'tab{number}')
    assert [user.display_name for user in await services.rooms.online(room.id)] == ['anna', 'Boris', 'zed', 'Вера']


async def test_a_leave_during_the_enter_leaves_no_ghost(services: Services, recorder: Recorder) -> None:
    """A tab that goes away while its enter is still storing the membership must not stay online for ever."""
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'General')
    recorder.listen(services.hub, room_topic(room.id))
    entering = asyncio.create_task(services.rooms.enter(anna, room.id, 'tab'))
    await asyncio.sleep(0)  # one turn of the loop, no more: the enter is now waiting for the database (the race)
    await services.rooms.leave(anna, room.id, 'tab')
    await entering
    assert await services.rooms.online(room.id) == []
    assert await services.rooms.counts() == {}
    joined = [event.joined for event in recorder.of(room_topic(room.id))]  # type: ignore[union-attr]
    assert joined in ([], [True, False])


async def test_entering_a_missing_room_leaves_no_presence(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'General')
    await services.rooms.delete(anna, room.id)
    recorder.listen(services.hub, LOBBY)
    with pytest.raises(NotFound) as info:  # deleted while the page was opening
        await services.rooms.enter(anna, room.id, 'late-tab')
    assert info.value.key == 'room_not_found'
    assert await services.rooms.online(room.id) == []
    assert await services.rooms.counts() == {}
    assert await count_rows(services, Membership) == 0
