"""Direct conversations and profile cards, checked by calling the services as each person: one room per pair (also
when both start it at once), readable by the two only, never made public, renamed or opened to anyone else."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from chat.errors import InvalidInput, NotFound, PermissionDenied
from chat.events import RoomJoined
from chat.hub import user_topic
from chat.services import Services
from chat.views import UserView
from models import Room
from tests.unit.helpers import Recorder, add_user, count_rows


async def people(services: Services) -> tuple[UserView, UserView, UserView]:
    return (
        await add_user(services, 'anna', display_name='Anna'),
        await add_user(services, 'boris', display_name='Boris'),
        await add_user(services, 'vera', display_name='Vera'),
    )


async def test_a_pair_has_one_room_named_after_the_other_person(services: Services, recorder: Recorder) -> None:
    anna, boris, _ = await people(services)
    recorder.listen(services.hub, user_topic(anna.id), user_topic(boris.id))
    room = await services.rooms.direct(anna, boris.id)
    assert (room.name, room.is_private, room.owner_id, room.is_direct) == ('Boris', True, anna.id, True)
    again = await services.rooms.direct(anna, boris.id)
    back = await services.rooms.direct(boris, anna.id)
    assert again.id == back.id == room.id
    assert back.name == 'Anna'
    assert (await services.rooms.open(boris, room.id)).name == 'Anna'
    assert await count_rows(services, Room) == 1
    # each hears of it once, named for them
    (to_anna,) = recorder.of(user_topic(anna.id))
    (to_boris,) = recorder.of(user_topic(boris.id))
    assert isinstance(to_anna, RoomJoined) and to_anna.room.name == 'Boris'
    assert isinstance(to_boris, RoomJoined) and to_boris.room.name == 'Anna'
    # both list it, under the other's name; the room browser does not
    assert [r.room.name for r in await services.unread.summary(boris)] == ['Anna']
    assert room.id not in {s.room.id for s in await services.rooms.directory(anna)}


async def test_two_people_starting_it_at_once_get_one_room(services: Services) -> None:
    anna, boris, _ = await people(services)
    rooms = await asyncio.gather(*(services.rooms.direct(*pair) for pair in [(anna, boris.id), (boris, anna.id)] * 3))
    assert len({room.id for room in rooms}) == 1
    assert await count_rows(services, Room) == 1


async def test_only_the_two_may_read_it(services: Services) -> None:
    anna, boris, vera = await people(services)
    room = await services.rooms.direct(anna, boris.id)
    await services.messages.post(boris, room.id, 'just us')
    assert await services.rooms.may_read(anna, room.id) and await services.rooms.may_read(boris, room.id)
    assert not await services.rooms.may_read(vera, room.id)
    with pytest.raises(PermissionDenied):
        await services.rooms.open(vera, room.id)
    with pytest.raises(PermissionDenied):
        await services.rooms.enter(vera, room.id, 'v')
    assert (await services.search.search(vera, 'just')).hits == []
    (hit,) = (await services.search.search(anna, 'just')).hits
    assert (hit.room_id, hit.room_name) == (room.id, 'Boris')  # named for the reader


async def test_it_cannot_be_made_public_renamed_or_opened_to_others(services: Services) -> None:
    anna, boris, vera = await people(services)
    room = await services.rooms.direct(anna, boris.id)
    refusals = [
        (services.rooms.update_settings(anna, room.id, '', False), 'direct_room_public'),
        (services.rooms.rename(anna, room.id, 'Ours'), 'direct_room_rename'),
        (services.invites.create_link(anna, room.id, 24), 'direct_room_invite'),
        (services.invites.add_member(anna, room.id, 'vera'), 'direct_room_invite'),
        (services.invites.add_member(boris, room.id, 'vera'), 'direct_room_invite'),
    ]
    for call, key in refusals:
        with pytest.raises(PermissionDenied) as info:
            await call
        assert info.value.key == key
    assert not await services.rooms.may_read(vera, room.id)
    assert (await services.rooms.update_settings(anna, room.id, 'plans', True)).topic == 'plans'  # a topic is fine


async def test_no_conversation_with_oneself_or_nobody(services: Services) -> None:
    anna, _, _ = await people(services)
    with pytest.raises(InvalidInput):
        await services.rooms.direct(anna, anna.id)
    with pytest.raises(NotFound):
        await services.rooms.direct(anna, 10_000)


async def test_a_typed_room_name_cannot_take_a_conversation_s_place(services: Services) -> None:
    anna, boris, _ = await people(services)
    await services.rooms.create(anna, f'dm-{anna.id}-{boris.id}')
    room = await services.rooms.direct(boris, anna.id)
    assert room.is_direct and room.name == 'Anna'


async def test_who_left_comes_back_when_it_is_started_again(services: Services) -> None:
    anna, boris, _ = await people(services)
    room = await services.rooms.direct(anna, boris.id)
    await services.members.leave_room(boris, room.id)
    assert not await services.rooms.may_read(boris, room.id)
    assert (await services.rooms.direct(boris, anna.id)).id == room.id
    assert await services.rooms.may_read(boris, room.id)


async def test_a_profile_shows_public_fields_only(services: Services) -> None:
    anna, boris, _ = await people(services)
    profile = await services.rooms.profile(anna, boris.id)
    assert (profile.id, profile.username, profile.display_name) == (boris.id, 'boris', 'Boris')
    assert profile.member_since.tzinfo is not None
    assert {field.name for field in dataclasses.fields(profile)} == {
        'id',
        'username',
        'display_name',
        'avatar_url',
        'member_since',
    }
    with pytest.raises(NotFound):
        await services.rooms.profile(anna, 10_000)
