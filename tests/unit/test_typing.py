"""Who is typing: published on the room's topic only, at most once per interval per person and room, to a few people
per room at a time, only for someone present, and never stored."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import event

from chat.events import UserTyping
from chat.hub import LOBBY, room_topic
from chat.services import Services
from chat.typing import MAX_TYPISTS, TYPING_EXPIRY, TYPING_INTERVAL, Typing
from chat.views import RoomView, UserView
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import Recorder, add_user


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def setup(services: Services, *names: str) -> tuple[Typing, Clock, RoomView, list[UserView]]:
    """A typing service on a clock the test moves, a room, and people present in it."""
    clock = Clock()
    typing = Typing(services.hub, services.presence, services.settings, services.lifecycle, clock=clock)
    users = [await add_user(services, name) for name in names]
    room = await services.rooms.create(users[0], 'General')
    for user in users:
        await services.presence.enter(room.id, user.id, f'tab-{user.username}')
    return typing, clock, room, users


def test_the_defaults_are_the_settings_defaults(services: Services) -> None:
    fields = type(services.settings).model_fields
    assert (fields['typing_interval'].default, fields['typing_expiry'].default) == (TYPING_INTERVAL, TYPING_EXPIRY)
    assert isinstance(services.typing, Typing)


async def test_publishes_on_the_room_topic_without_the_session_token(services: Services, recorder: Recorder) -> None:
    typing, _, room, (anna, _boris) = await setup(services, 'anna', 'boris')
    recorder.listen(services.hub, room_topic(room.id), LOBBY)
    acting = replace(anna, session_token='secret-token')
    assert await typing.started(acting, room.id)
    (published,) = recorder.of(room_topic(room.id))
    assert published == UserTyping(room.id, anna)
    assert isinstance(published, UserTyping) and published.user.session_token is None
    assert recorder.total() == 1


async def test_once_per_interval_per_person_and_room(services: Services, recorder: Recorder) -> None:
    typing, clock, room, (anna, boris) = await setup(services, 'anna', 'boris')
    recorder.listen(services.hub, room_topic(room.id))
    assert await typing.started(anna, room.id)
    clock.now += TYPING_INTERVAL - 0.1
    assert not await typing.started(anna, room.id)  # another keystroke, another tab: too soon
    assert await typing.started(boris, room.id)  # someone else is not held back by Anna
    clock.now += 0.1
    assert await typing.started(anna, room.id)
    assert [e.user.id for e in recorder.of(room_topic(room.id))] == [anna.id, boris.id, anna.id]  # type: ignore[union-attr]


async def test_a_few_typists_per_room_then_no_more_until_one_expires(services: Services, recorder: Recorder) -> None:
    names = [f'user{number}' for number in range(MAX_TYPISTS + 1)]
    typing, clock, room, users = await setup(services, *names)
    recorder.listen(services.hub, room_topic(room.id))
    for user in users[:MAX_TYPISTS]:
        assert await typing.started(user, room.id)
    last = users[MAX_TYPISTS]
    assert not await typing.started(last, room.id)  # a busy room does not flood every page
    clock.now += TYPING_INTERVAL
    assert await typing.started(users[0], room.id)  # those already shown keep being reported
    assert not await typing.started(last, room.id)
    clock.now += TYPING_EXPIRY - TYPING_INTERVAL  # the others' reports have expired, users[0]'s has not
    assert await typing.started(last, room.id)
    published = [e.user.id for e in recorder.of(room_topic(room.id))]  # type: ignore[union-attr]
    assert published == [u.id for u in users[:MAX_TYPISTS]] + [users[0].id, last.id]


async def test_two_rooms_are_independent_and_never_cross(services: Services, recorder: Recorder) -> None:
    typing, _, kitchen, (anna, boris) = await setup(services, 'anna', 'boris')
    garden = await services.rooms.create(anna, 'Garden')
    await services.presence.enter(garden.id, anna.id, 'tab-anna-2')
    recorder.listen(services.hub, room_topic(kitchen.id), room_topic(garden.id))
    assert await typing.started(anna, kitchen.id)
    assert await typing.started(anna, garden.id)  # the same moment, another room: its own limit
    assert not await typing.started(anna, kitchen.id)
    assert recorder.of(room_topic(kitchen.id)) == [UserTyping(kitchen.id, anna)]
    assert recorder.of(room_topic(garden.id)) == [UserTyping(garden.id, anna)]
    assert not await typing.started(boris, garden.id)  # Boris is in the kitchen only
    assert recorder.of(room_topic(garden.id)) == [UserTyping(garden.id, anna)]


async def test_only_someone_present_in_the_room(services: Services, recorder: Recorder) -> None:
    """A page leaves the room when it closes or its session ends: then its person types no more there."""
    typing, _, room, (_anna, boris) = await setup(services, 'anna', 'boris')
    outsider = await add_user(services, 'vera')
    recorder.listen(services.hub, room_topic(room.id))
    assert not await typing.started(outsider, room.id)
    await services.presence.leave(room.id, boris.id, 'tab-boris')
    assert not await typing.started(boris, room.id)
    assert recorder.of(room_topic(room.id)) == []
    await services.presence.enter(room.id, boris.id, 'tab-boris')
    assert await typing.started(boris, room.id)  # a refusal does not count towards the interval


async def test_nothing_once_the_instance_is_stopping(services: Services, recorder: Recorder) -> None:
    typing, _, room, (anna,) = await setup(services, 'anna')
    recorder.listen(services.hub, room_topic(room.id))
    services.begin_stop()
    assert not await typing.started(anna, room.id)
    assert recorder.total() == 0


async def test_no_database_statement_at_all(services: Services, recorder: Recorder) -> None:
    typing, clock, room, (anna, boris) = await setup(services, 'anna', 'boris')
    recorder.listen(services.hub, room_topic(room.id))
    statements: list[str] = []

    def capture(*args: Any) -> None:
        if 'login_session' not in args[2] and 'attachment' not in args[2]:  # the services' own sweeps may run meanwhile
            statements.append(args[2])

    event.listen(services.db.engine, 'before_cursor_execute', capture)
    try:
        for _ in range(3):
            for user in (anna, boris):
                await services.typing.started(user, room.id)
                await typing.started(user, room.id)
            clock.now += TYPING_INTERVAL
    finally:
        event.remove(services.db.engine, 'before_cursor_execute', capture)
    assert recorder.total() == 2 + 6  # the registered service (real clock: once each) and the moved clock's
    assert statements == []


async def test_memory_is_bounded_stale_people_and_rooms_are_dropped(services: Services) -> None:
    typing, clock, room, users = await setup(services, 'anna', 'boris')
    other = await services.rooms.create(users[0], 'Other')
    await services.presence.enter(other.id, users[0].id, 'tab-2')
    for user in users:
        await typing.started(user, room.id)
    assert len(typing._rooms[room.id]) == 2
    clock.now += TYPING_EXPIRY + 0.1
    await typing.started(users[0], other.id)
    assert list(typing._rooms) == [other.id]


async def test_shorter_interval_from_the_settings(make_services: ServicesFactory) -> None:
    services = await make_services(typing_interval=0.5, typing_expiry=1.0)
    typing, clock, room, (anna,) = await setup(services, 'anna')
    assert await typing.started(anna, room.id)
    clock.now += 0.5
    assert await typing.started(anna, room.id)
