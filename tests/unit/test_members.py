"""Members: who sees the list, last seen recorded when the last tab leaves, leaving (the owner hands over first),
handing a room over (owner or admin, to a member only)."""

from __future__ import annotations

import pytest

from chat.errors import NotFound, PermissionDenied
from chat.events import RoomChanged
from chat.hub import room_topic
from chat.services import Services
from chat.views import UserView
from tests.unit.helpers import Recorder, add_user


async def setup(services: Services) -> tuple[UserView, UserView, UserView, UserView, int]:
    anna, boris, vera = [await add_user(services, name) for name in ('anna', 'boris', 'vera')]
    root = await add_user(services, 'root', is_admin=True)
    room = await services.rooms.create(anna, 'Secret')
    await services.rooms.update_settings(anna, room.id, '', True)
    await services.invites.add_member(anna, room.id, 'boris')
    return anna, boris, vera, root, room.id


async def test_members_are_listed_to_readers_with_last_seen(services: Services) -> None:
    anna, boris, vera, root, room_id = await setup(services)
    await services.rooms.enter(boris, room_id, 'b1')
    await services.rooms.enter(boris, room_id, 'b2')
    await services.rooms.leave(boris, room_id, 'b1')
    listed = {m.user.username: m for m in await services.members.of_room(anna, room_id)}
    assert set(listed) == {'anna', 'boris'} and listed['anna'].is_owner and not listed['boris'].is_owner
    assert listed['boris'].last_seen_at is None  # one tab still open: still here
    await services.rooms.leave(boris, room_id, 'b2')
    (first, *_) = await services.members.of_room(boris, room_id)
    assert first.user.id == boris.id and first.last_seen_at is not None  # most recently seen first
    for who in (vera, root):
        with pytest.raises(PermissionDenied) as info:
            await services.members.of_room(who, room_id)
        assert info.value.key == 'room_private'


async def test_a_member_leaves_the_owner_hands_over_first(services: Services) -> None:
    anna, boris, vera, _, room_id = await setup(services)
    await services.members.leave_room(boris, room_id)
    assert not await services.rooms.may_read(boris, room_id)  # a private room: a new invitation to come back
    with pytest.raises(NotFound) as missing:
        await services.members.leave_room(vera, room_id)
    assert missing.value.key == 'not_a_member'
    with pytest.raises(PermissionDenied) as owner:
        await services.members.leave_room(anna, room_id)
    assert owner.value.key == 'owner_must_transfer'


async def test_owner_or_admin_hands_the_room_to_a_member(services: Services, recorder: Recorder) -> None:
    anna, boris, vera, root, room_id = await setup(services)
    recorder.listen(services.hub, room_topic(room_id))
    for who in (boris, vera):
        with pytest.raises(PermissionDenied) as info:
            await services.members.transfer(who, room_id, who.id)
        assert info.value.key == 'not_room_owner'
    with pytest.raises(PermissionDenied) as info:
        await services.members.transfer(anna, room_id, vera.id)
    assert info.value.key == 'transfer_not_member'
    room = await services.members.transfer(anna, room_id, boris.id)
    assert room.owner_id == boris.id
    assert recorder.of(room_topic(room_id)) == [RoomChanged(room, 'updated')]
    await services.members.leave_room(anna, room_id)  # no longer the owner: she may go
    assert (await services.members.transfer(root, room_id, boris.id)).owner_id == boris.id
    with pytest.raises(PermissionDenied):
        await services.rooms.update_settings(anna, room_id, 'mine', False)
    assert (await services.rooms.update_settings(boris, room_id, 'his', True)).topic == 'his'
