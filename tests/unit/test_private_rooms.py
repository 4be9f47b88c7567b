"""Room settings and private rooms: who may change them, and that a private room is listed, entered, read and
written by its members only (the rule in storage/access.py), each checked by calling the services as each role."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from chat.errors import InvalidInput, NotFound, PermissionDenied
from chat.events import RoomActivity, RoomChanged
from chat.hub import LOBBY, room_topic
from chat.rooms import TOPIC_MAX_LENGTH
from chat.services import Services
from chat.views import UserView
from models import Message, Room
from storage import access
from tests.unit.helpers import Recorder, add_user


async def private_room(services: Services) -> tuple[UserView, UserView, UserView, UserView, int]:
    """Owner anna, member boris (joined while it was public), outsider vera, admin root; a private room."""
    anna, boris, vera = [await add_user(services, name) for name in ('anna', 'boris', 'vera')]
    root = await add_user(services, 'root', is_admin=True)
    room = await services.rooms.create(anna, 'Secret')
    await services.rooms.enter(boris, room.id, 'b')
    await services.rooms.leave(boris, room.id, 'b')
    await services.messages.post(anna, room.id, 'the plan')
    await services.rooms.update_settings(anna, room.id, 'Plans', True)
    return anna, boris, vera, root, room.id


async def test_owner_and_admin_change_settings_members_and_outsiders_may_not(services: Services) -> None:
    anna, boris, vera, root, room_id = await private_room(services)
    room = await services.rooms.update_settings(anna, room_id, '  Our plans  ', True)
    assert (room.topic, room.is_private) == ('Our plans', True)
    assert (await services.rooms.update_settings(root, room_id, 'By the admin', True)).topic == 'By the admin'
    for who in (boris, vera):
        with pytest.raises(PermissionDenied) as info:
            await services.rooms.update_settings(who, room_id, 'mine now', False)
        assert info.value.key == 'not_room_owner'
    assert (await services.rooms.get(room_id)).topic == 'By the admin'


@pytest.mark.parametrize(
    ('topic', 'key'), [('x' * (TOPIC_MAX_LENGTH + 1), 'room_topic_length'), ('two\nlines', 'room_topic_invalid')]
)
async def test_bad_topics_are_refused_and_nothing_changes(services: Services, topic: str, key: str) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Lounge')
    with pytest.raises(InvalidInput) as info:
        await services.rooms.update_settings(anna, room.id, topic, True)
    assert info.value.key == key
    assert await services.rooms.get(room.id) == room  # still public, no topic
    assert (await services.rooms.update_settings(anna, room.id, 'x' * TOPIC_MAX_LENGTH, False)).topic


async def test_existing_rooms_are_public_with_no_topic(services: Services) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Lounge')
    assert (room.topic, room.is_private) == ('', False)


async def test_private_room_is_read_by_members_only(services: Services) -> None:
    anna, boris, vera, root, room_id = await private_room(services)
    for who, allowed in ((anna, True), (boris, True), (vera, False), (root, False)):
        assert await services.rooms.may_read(who, room_id) is allowed, who.username
        if allowed:
            assert [m.body for m in await services.messages.history(room_id, reader=who)] == ['the plan']
            assert (await services.rooms.open(who, room_id)).id == room_id
            continue
        with pytest.raises(PermissionDenied) as info:
            await services.messages.history(room_id, reader=who)
        assert info.value.key == 'room_private'
        with pytest.raises(PermissionDenied):
            await services.messages.around(room_id, 1, reader=who)
        with pytest.raises(PermissionDenied):
            await services.rooms.open(who, room_id)
        with pytest.raises(PermissionDenied):
            await services.messages.post(who, room_id, 'let me in')


async def test_outsider_cannot_enter_and_stays_nobody(services: Services, recorder: Recorder) -> None:
    _anna, boris, vera, root, room_id = await private_room(services)
    recorder.listen(services.hub, room_topic(room_id))
    for who in (vera, root):
        with pytest.raises(PermissionDenied) as info:
            await services.rooms.enter(who, room_id, f'tab-{who.username}')
        assert info.value.key == 'room_private'
    # the page never calls enter for an outsider (it asks `open` first); called directly, they come and go at once
    assert [event.joined for event in recorder.of(room_topic(room_id))] in ([], [True, False] * 2)  # type: ignore[union-attr]
    assert await services.rooms.online(room_id) == []
    assert not await services.rooms.may_read(vera, room_id)  # trying did not make her a member
    assert [user.id for user in await services.rooms.enter(boris, room_id, 'b')] == [boris.id]


async def test_missing_room_is_not_found_not_private(services: Services) -> None:
    vera = await add_user(services, 'vera')
    with pytest.raises(NotFound):
        await services.rooms.enter(vera, 999, 'tab')
    with pytest.raises(NotFound):
        await services.rooms.open(vera, 999)


async def test_directory_lists_a_private_room_for_its_members_only(services: Services) -> None:
    anna, boris, vera, root, _room_id = await private_room(services)
    await services.rooms.create(vera, 'Open')
    for who, listed in ((anna, {'Secret', 'Open'}), (boris, {'Secret', 'Open'}), (vera, {'Open'}), (root, {'Open'})):
        assert {summary.room.name for summary in await services.rooms.directory(who)} == listed, who.username
    assert [s.room.name for s in await services.rooms.directory()] == ['Open']  # no actor: public rooms only


async def test_private_room_name_opens_for_members_and_is_refused_to_others(services: Services) -> None:
    _anna, boris, vera, _root, room_id = await private_room(services)
    assert (await services.rooms.open_by_name(boris, 'secret'))[0].id == room_id
    with pytest.raises(PermissionDenied) as info:
        await services.rooms.open_by_name(vera, 'SECRET')
    assert (info.value.key, info.value.params) == ('room_name_private', {'name': 'Secret'})


async def test_lobby_hears_nothing_of_a_private_room_but_its_id(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Secret')
    recorder.listen(services.hub, LOBBY)
    await services.rooms.update_settings(anna, room.id, 'hush', True)
    await services.messages.post(anna, room.id, 'whispered words')
    await services.rooms.rename(anna, room.id, 'Hidden')
    await services.rooms.delete(anna, room.id)
    heard = recorder.of(LOBBY)
    assert [event.change for event in heard if isinstance(event, RoomChanged)] == ['hidden', 'deleted']
    assert not any(isinstance(event, RoomActivity) for event in heard)
    assert all(event.room.name == '' and event.room.topic == '' for event in heard if isinstance(event, RoomChanged))


async def test_made_public_again_it_is_announced_and_readable(services: Services, recorder: Recorder) -> None:
    anna, _boris, vera, _root, room_id = await private_room(services)
    recorder.listen(services.hub, LOBBY)
    room = await services.rooms.update_settings(anna, room_id, 'Plans', False)
    assert recorder.of(LOBBY) == [RoomChanged(room, 'created')]
    assert await services.rooms.may_read(vera, room_id)


async def test_readable_room_ids_is_the_same_rule(services: Services) -> None:
    anna, boris, vera, _root, room_id = await private_room(services)
    public = await services.rooms.create(vera, 'Open')

    def readable(session: Session, user_id: int) -> set[int]:
        ids = session.exec(select(Room.id).where(col(Room.id).in_(access.readable_room_ids(user_id))))
        return set(ids)

    assert await services.db.run(readable, boris.id) == {room_id, public.id}
    assert await services.db.run(readable, anna.id) == {room_id, public.id}
    assert await services.db.run(readable, vera.id) == {public.id}

    def messages(session: Session, user_id: int) -> int:
        query = select(Message.id).where(col(Message.room_id).in_(access.readable_room_ids(user_id)))
        return len(session.exec(query).all())

    assert await services.db.run(messages, vera.id) == 0
    assert await services.db.run(messages, boris.id) == 1
