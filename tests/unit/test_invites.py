"""Invitations: a member adds someone by username; the owner and admins make, list and revoke links; a link is
refused when unknown, expired, revoked or used up, each with its reason; the use limit holds under concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from chat.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chat.events import RoomJoined
from chat.hub import user_topic
from chat.invites import MAX_HOURS, MAX_USES, token_hash
from chat.services import Services
from chat.views import UserView
from models import Invite
from storage import invites as invite_queries
from tests.unit.helpers import Recorder, add_user


async def setup(services: Services) -> tuple[UserView, UserView, UserView, UserView, int]:
    """Owner anna, member boris, outsider vera, admin root; a private room."""
    anna, boris, vera = [await add_user(services, name) for name in ('anna', 'boris', 'vera')]
    root = await add_user(services, 'root', is_admin=True)
    room = await services.rooms.create(anna, 'Secret')
    await services.rooms.update_settings(anna, room.id, '', True)
    await services.invites.add_member(anna, room.id, 'boris')
    return anna, boris, vera, root, room.id


async def test_a_member_adds_someone_by_username_who_then_reads_it(services: Services, recorder: Recorder) -> None:
    _, boris, vera, _, room_id = await setup(services)
    recorder.listen(services.hub, user_topic(vera.id))
    assert not await services.rooms.may_read(vera, room_id)
    assert (await services.invites.add_member(boris, room_id, '@Vera')).id == vera.id  # any member may
    assert await services.rooms.may_read(vera, room_id)
    (joined,) = recorder.of(user_topic(vera.id))
    assert isinstance(joined, RoomJoined) and joined.room.id == room_id  # her room list shows it at once


async def test_adding_is_refused_to_outsiders_and_admins_and_says_why(services: Services) -> None:
    anna, _boris, vera, root, room_id = await setup(services)
    for who in (vera, root):  # not members: they may not add anyone, themselves included
        with pytest.raises(PermissionDenied) as info:
            await services.invites.add_member(who, room_id, who.username)
        assert info.value.key == 'room_private'
    with pytest.raises(NotFound) as info:
        await services.invites.add_member(anna, room_id, 'nobody')
    assert (info.value.key, info.value.params) == ('invite_no_such_user', {'name': 'nobody'})
    with pytest.raises(Conflict) as conflict:
        await services.invites.add_member(anna, room_id, 'boris')
    assert conflict.value.key == 'invite_already_member'
    assert not await services.rooms.may_read(vera, room_id)


async def test_links_are_made_listed_and_revoked_by_owner_and_admin_only(services: Services) -> None:
    anna, boris, vera, root, room_id = await setup(services)
    link, token = await services.invites.create_link(anna, room_id, 24, 3)
    assert len(token) >= 32 and (link.max_uses, link.uses) == (3, 0)
    stored = await services.db.run(lambda session: session.get(Invite, link.id))
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash  # only the hash is kept
    admin_link, _ = await services.invites.create_link(root, room_id, 1)
    assert [view.id for view in await services.invites.links(anna, room_id)] == [admin_link.id, link.id]
    for who in (boris, vera):
        for call in (
            services.invites.create_link(who, room_id, 24),
            services.invites.links(who, room_id),
            services.invites.revoke(who, link.id),
        ):
            with pytest.raises(PermissionDenied) as info:
                await call
            assert info.value.key == 'not_room_owner'
    await services.invites.revoke(root, admin_link.id)
    assert [view.id for view in await services.invites.links(anna, room_id)] == [link.id]


@pytest.mark.parametrize(
    ('hours', 'uses', 'key'),
    [
        (0, None, 'invite_hours'),
        (MAX_HOURS + 1, None, 'invite_hours'),
        (24, 0, 'invite_uses'),
        (24, MAX_USES + 1, 'invite_uses'),
    ],
)
async def test_link_limits(services: Services, hours: int, uses: int | None, key: str) -> None:
    anna, *_, room_id = await setup(services)
    with pytest.raises(InvalidInput) as info:
        await services.invites.create_link(anna, room_id, hours, uses)
    assert info.value.key == key
    assert await services.invites.links(anna, room_id) == []


async def test_joining_by_link_makes_a_member_and_counts_a_use(services: Services) -> None:
    anna, boris, vera, _, room_id = await setup(services)
    _, token = await services.invites.create_link(anna, room_id, 24)
    room, member = await services.invites.preview(vera, token)
    assert (room.id, room.name, member) == (room_id, 'Secret', False)
    assert (await services.invites.accept(vera, token)).id == room_id
    assert await services.rooms.may_read(vera, room_id)
    assert [m.body for m in await services.messages.history(room_id, reader=vera)] == []
    await services.invites.accept(boris, token)  # a member already: opens it, counts nothing
    (link,) = await services.invites.links(anna, room_id)
    assert link.uses == 1


async def test_refused_links_say_why(services: Services) -> None:
    anna, _, vera, _, room_id = await setup(services)
    revoked_link, revoked = await services.invites.create_link(anna, room_id, 24)
    await services.invites.revoke(anna, revoked_link.id)
    expired_link, expired = await services.invites.create_link(anna, room_id, 1)

    def age(session: Session) -> None:
        invite = session.get(Invite, expired_link.id)
        assert invite is not None
        invite.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(invite)
        session.commit()

    await services.db.run(age)
    _, once = await services.invites.create_link(anna, room_id, 24, 1)
    await services.invites.accept(await add_user(services, 'dana'), once)
    for token, error, key in (
        ('not-a-token', NotFound, 'invite_unknown'),
        ('', NotFound, 'invite_unknown'),
        (revoked, PermissionDenied, 'invite_revoked'),
        (expired, PermissionDenied, 'invite_expired'),
        (once, PermissionDenied, 'invite_used_up'),
    ):
        for call in (services.invites.preview, services.invites.accept):
            with pytest.raises(error) as info:
                await call(vera, token)
            assert info.value.key == key
    assert not await services.rooms.may_read(vera, room_id)


async def test_the_last_use_goes_to_one_person_only(services: Services) -> None:
    anna, *_, room_id = await setup(services)
    _, token = await services.invites.create_link(anna, room_id, 24, 2)
    people = [await add_user(services, f'user{n}') for n in range(6)]
    results = await asyncio.gather(*(services.invites.accept(p, token) for p in people), return_exceptions=True)
    assert sum(not isinstance(result, BaseException) for result in results) == 2
    assert all(
        isinstance(r, PermissionDenied) and r.key == 'invite_used_up' for r in results if isinstance(r, BaseException)
    )
    assert sum([await services.rooms.may_read(p, room_id) for p in people]) == 2
    invite = await services.db.run(invite_queries.by_hash, token_hash(token))
    assert invite is not None and invite.uses == 2


async def test_a_banned_person_gets_in_neither_by_an_old_link_nor_by_being_added(services: Services) -> None:
    anna, boris, vera, _root, room_id = await setup(services)
    _, token = await services.invites.create_link(anna, room_id, 24)
    await services.invites.add_member(anna, room_id, 'vera')
    await services.moderation.ban(anna, room_id, vera.id, reason='spam')  # the ban ends her membership
    assert not await services.rooms.may_read(vera, room_id)
    with pytest.raises(PermissionDenied, match='banned_from_room'):
        await services.invites.accept(vera, token)  # a link she kept from before
    with pytest.raises(PermissionDenied, match='banned_from_room'):
        await services.invites.add_member(boris, room_id, 'vera')  # a friend adding her back
    assert not await services.rooms.may_read(vera, room_id)
    await services.moderation.unban(anna, room_id, vera.id)
    assert (await services.invites.accept(vera, token)).id == room_id
