"""Roles and moderation, called on the services as pages do, as each role: member, moderator, owner, admin, a
banned, a muted and a non-member person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from chat.errors import InvalidInput, NotFound, PermissionDenied
from chat.events import ModerationNotice
from chat.hub import user_topic
from chat.moderation import MUTE_DURATIONS, REASON_LENGTH
from chat.services import Services
from chat.views import RoomView, UserView
from models import Membership, RoomRestriction
from tests.unit.helpers import Recorder, add_user, count_rows


async def cast(services: Services) -> tuple[RoomView, dict[str, UserView]]:
    """A room owned by `owner`, with a moderator `mod`, members `ann` and `bob`, an admin who never entered, and
    `stranger`, who never entered either."""
    people = {
        name: await add_user(services, name, is_admin=name == 'admin')
        for name in ('owner', 'mod', 'mod2', 'ann', 'bob', 'admin', 'stranger')
    }
    room = await services.rooms.create(people['owner'], 'General')
    for name in ('owner', 'mod', 'mod2', 'ann', 'bob'):
        await services.rooms.enter(people[name], room.id, f'conn-{name}')
    await services.moderation.appoint(people['owner'], room.id, people['mod'].id)
    await services.moderation.appoint(people['owner'], room.id, people['mod2'].id)
    return room, people


async def test_a_muted_member_is_refused_with_the_reason_and_until_when(services: Services) -> None:
    room, p = await cast(services)
    entry = await services.moderation.mute(p['mod'], room.id, p['ann'].id, '1h', reason='  too\nloud  ')
    assert entry.reason == 'too loud' and entry.until is not None
    assert timedelta(minutes=59) < entry.until - datetime.now(UTC) <= timedelta(hours=1)
    with pytest.raises(PermissionDenied, match='muted_until_reason') as refused:
        await services.messages.post(p['ann'], room.id, 'hello')
    assert refused.value.params == {'until': entry.until, 'reason': 'too loud'}
    assert await services.messages.history(room.id) == []
    await services.messages.post(p['bob'], room.id, 'others still write')
    (message,) = await services.messages.history(room.id)
    with pytest.raises(PermissionDenied, match='muted_until'):  # no reactions either
        await services.messages.react(p['ann'], room.id, message.id, '👍', True)
    with pytest.raises(PermissionDenied, match='muted_until'):  # nor private messages
        await services.messages.whisper(p['ann'], room.id, p['bob'], 'psst')
    await services.messages.whisper(p['bob'], room.id, p['ann'], 'they still reach the muted person')
    standing = await services.moderation.standing(p['ann'], room.id)
    assert standing.muted and standing.muted_until == entry.until and standing.mute_reason == 'too loud'
    own = await services.messages.post(p['bob'], room.id, 'placeholder')
    await services.moderation.mute(p['mod'], room.id, p['bob'].id, '10m')
    with pytest.raises(PermissionDenied, match='muted_until'):  # nor edits
        await services.messages.edit(p['bob'], room.id, own.id, 'now spam')
    await services.moderation.unmute(p['mod'], room.id, p['ann'].id)
    await services.messages.post(p['ann'], room.id, 'back')


async def test_a_mute_until_lifted_and_one_without_reason(services: Services) -> None:
    room, p = await cast(services)
    await services.moderation.mute(p['owner'], room.id, p['ann'].id, 'forever')
    with pytest.raises(PermissionDenied, match=r'^muted_forever$'):
        await services.messages.post(p['ann'], room.id, 'hello')
    await services.moderation.mute(p['owner'], room.id, p['bob'].id, '10m')
    with pytest.raises(PermissionDenied, match=r'^muted_until$'):
        await services.messages.post(p['bob'], room.id, 'hello')
    with pytest.raises(InvalidInput, match='mute_duration_invalid'):
        await services.moderation.mute(p['owner'], room.id, p['bob'].id, '5y')
    assert set(MUTE_DURATIONS) == {'10m', '1h', '1d', 'forever'}


async def test_an_expired_mute_no_longer_blocks(services: Services) -> None:
    room, p = await cast(services)
    await services.moderation.mute(p['mod'], room.id, p['ann'].id, '10m')

    def expire(session: Session) -> None:
        session.exec(update(RoomRestriction).values(until=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()

    await services.db.run(expire)
    await services.messages.post(p['ann'], room.id, 'free again')
    assert not (await services.moderation.standing(p['ann'], room.id)).muted


async def test_a_member_may_not_moderate(services: Services) -> None:
    room, p = await cast(services)
    for action in ('kick', 'ban', 'unban', 'unmute', 'appoint', 'dismiss'):
        with pytest.raises(PermissionDenied, match='moderation_denied'):
            await getattr(services.moderation, action)(p['ann'], room.id, p['bob'].id)
    with pytest.raises(PermissionDenied, match='moderation_denied'):
        await services.moderation.mute(p['ann'], room.id, p['bob'].id, '1h')
    with pytest.raises(PermissionDenied, match='moderation_denied'):  # nor one who never entered
        await services.moderation.kick(p['stranger'], room.id, p['bob'].id)
    await services.moderation.ban(p['owner'], room.id, p['mod2'].id)  # nor a banned one (once a moderator)
    with pytest.raises(PermissionDenied, match='moderation_denied'):
        await services.moderation.kick(p['mod2'], room.id, p['bob'].id)
    await services.moderation.mute(p['owner'], room.id, p['ann'].id, '1h')  # nor a muted member
    with pytest.raises(PermissionDenied, match='moderation_denied'):
        await services.moderation.kick(p['ann'], room.id, p['bob'].id)
    with pytest.raises(PermissionDenied, match='moderation_denied'):
        await services.moderation.standing(p['ann'], room.id, of=p['bob'].id)
    with pytest.raises(PermissionDenied, match='moderation_denied'):
        await services.moderation.restrictions(p['ann'], room.id)
    assert await services.moderation.log(p['owner'], room.id) == await services.moderation.log(p['admin'], room.id)
    assert [e.action for e in await services.moderation.log(p['owner'], room.id)] == [
        'mute',
        'ban',
        'appoint',
        'appoint',
    ]


async def test_a_moderator_may_not_act_on_the_owner_another_moderator_an_admin_or_themselves(
    services: Services,
) -> None:
    room, p = await cast(services)
    with pytest.raises(PermissionDenied, match='moderate_owner_denied'):
        await services.moderation.ban(p['mod'], room.id, p['owner'].id)
    with pytest.raises(PermissionDenied, match='moderate_moderator_denied'):
        await services.moderation.mute(p['mod'], room.id, p['mod2'].id, '1h')
    with pytest.raises(PermissionDenied, match='moderate_moderator_denied'):
        await services.moderation.kick(p['mod'], room.id, p['mod2'].id)
    with pytest.raises(PermissionDenied, match='moderation_owner_only'):
        await services.moderation.appoint(p['mod'], room.id, p['ann'].id)
    with pytest.raises(PermissionDenied, match='moderation_owner_only'):
        await services.moderation.dismiss(p['mod'], room.id, p['mod2'].id)
    with pytest.raises(PermissionDenied, match='moderate_admin_denied'):
        await services.moderation.ban(p['mod'], room.id, p['admin'].id)
    with pytest.raises(PermissionDenied, match='moderate_self'):
        await services.moderation.mute(p['mod'], room.id, p['mod'].id, '1h')
    with pytest.raises(PermissionDenied, match='moderate_owner_denied'):  # nobody acts on the owner: not an admin
        await services.moderation.mute(p['admin'], room.id, p['owner'].id, '1h')
    assert not (await services.moderation.standing(p['owner'], room.id)).muted


async def test_the_owner_and_admins_act_on_moderators(services: Services) -> None:
    room, p = await cast(services)
    await services.moderation.mute(p['owner'], room.id, p['mod2'].id, '1h')
    await services.moderation.dismiss(p['admin'], room.id, p['mod2'].id)
    assert (await services.moderation.standing(p['mod2'], room.id)).role == 'member'
    await services.moderation.kick(p['admin'], room.id, p['mod'].id)
    assert (await services.moderation.standing(p['mod'], room.id)).role == 'member'  # the role went with the row
    with pytest.raises(NotFound, match='moderation_not_member'):  # kicked: not a member any more
        await services.moderation.appoint(p['owner'], room.id, p['mod'].id)
    assert (await services.moderation.standing(p['admin'], room.id)).role == 'admin'


async def test_moderators_delete_any_message_members_do_not(services: Services) -> None:
    room, p = await cast(services)
    first = await services.messages.post(p['ann'], room.id, 'one')
    second = await services.messages.post(p['ann'], room.id, 'two')
    with pytest.raises(PermissionDenied, match='message_delete_denied'):
        await services.messages.delete(p['bob'], room.id, first.id)
    await services.messages.delete(p['mod'], room.id, first.id)
    await services.moderation.dismiss(p['owner'], room.id, p['mod'].id)
    with pytest.raises(PermissionDenied, match='message_delete_denied'):  # no longer a moderator
        await services.messages.delete(p['mod'], room.id, second.id)
    await services.messages.delete(p['owner'], room.id, second.id)


async def test_kick_removes_the_membership_and_the_room_may_be_joined_again(services: Services) -> None:
    room, p = await cast(services)
    members = await count_rows(services, Membership)
    await services.moderation.kick(p['mod'], room.id, p['ann'].id, reason='cool down')
    assert await count_rows(services, Membership) == members - 1
    await services.rooms.enter(p['ann'], room.id, 'conn-ann-2')  # a public room: back in
    assert await count_rows(services, Membership) == members


async def test_a_banned_user_cannot_enter_or_post_until_unbanned(services: Services) -> None:
    room, p = await cast(services)
    await services.moderation.ban(p['mod'], room.id, p['ann'].id, reason='spam')
    with pytest.raises(PermissionDenied, match='banned_from_room'):
        await services.rooms.enter(p['ann'], room.id, 'conn-ann-2')
    with pytest.raises(PermissionDenied, match='banned_from_room'):
        await services.moderation.check_may_join(p['ann'], room.id)
    with pytest.raises(PermissionDenied, match='banned_from_room'):
        await services.moderation.check_may_join(p['ann'].id, room.id)  # by id, for invitations
    with pytest.raises(PermissionDenied, match='banned_from_room'):
        await services.messages.post(p['ann'], room.id, 'let me in')
    assert (await services.moderation.standing(p['ann'], room.id)).banned
    with pytest.raises(NotFound, match='moderation_not_member'):
        await services.moderation.appoint(p['owner'], room.id, p['ann'].id)
    (banned,) = await services.moderation.restrictions(p['mod'], room.id)
    assert (banned.user.id, banned.kind, banned.until, banned.reason) == (p['ann'].id, 'ban', None, 'spam')
    await services.moderation.unban(p['mod'], room.id, p['ann'].id)
    await services.moderation.check_may_join(p['ann'], room.id)
    await services.rooms.enter(p['ann'], room.id, 'conn-ann-2')
    await services.messages.post(p['ann'], room.id, 'behaving now')


async def test_every_action_is_logged_and_told_to_the_person(services: Services, recorder: Recorder) -> None:
    room, p = await cast(services)
    recorder.listen(services.hub, user_topic(p['ann'].id))
    mute = await services.moderation.mute(p['mod'], room.id, p['ann'].id, '1d', reason='caps')
    await services.moderation.unmute(p['mod'], room.id, p['ann'].id)
    await services.moderation.appoint(p['owner'], room.id, p['ann'].id)
    await services.moderation.dismiss(p['owner'], room.id, p['ann'].id)
    await services.moderation.kick(p['mod'], room.id, p['ann'].id)
    await services.moderation.ban(p['admin'], room.id, p['ann'].id, reason='again')
    await services.moderation.unban(p['owner'], room.id, p['ann'].id)
    actions = ['mute', 'unmute', 'appoint', 'dismiss', 'kick', 'ban', 'unban']
    notices = recorder.of(user_topic(p['ann'].id))
    assert [n.action for n in notices if isinstance(n, ModerationNotice)] == actions
    first = notices[0]
    assert isinstance(first, ModerationNotice)
    assert (first.room_name, first.actor_name, first.reason, first.until) == ('General', 'mod', 'caps', mute.until)
    log = await services.moderation.log(p['owner'], room.id)
    assert [e.action for e in log] == [*reversed(actions), 'appoint', 'appoint']  # newest first
    assert all(e.target_name == 'ann' for e in log[:7])
    assert (log[1].actor_name, log[1].reason, log[-3].until) == ('admin', 'again', mute.until)
    assert [e.id for e in await services.moderation.log(p['owner'], room.id, before_id=log[1].id, limit=2)] == [
        log[2].id,
        log[3].id,
    ]
    assert len(await services.moderation.log(p['admin'])) == len(log)  # admins: every room's log


async def test_the_log_is_for_the_owner_and_admins_only(services: Services) -> None:
    room, p = await cast(services)
    for who in ('mod', 'ann', 'stranger'):
        with pytest.raises(PermissionDenied, match='moderation_log_denied'):
            await services.moderation.log(p[who], room.id)
    with pytest.raises(PermissionDenied, match='moderation_log_denied'):  # every room's: admins only
        await services.moderation.log(p['owner'])
    with pytest.raises(NotFound, match='room_not_found'):
        await services.moderation.log(p['owner'], room.id + 100)


async def test_reasons_are_one_line_and_limited(services: Services) -> None:
    room, p = await cast(services)
    with pytest.raises(InvalidInput, match='moderation_reason_too_long'):
        await services.moderation.kick(p['mod'], room.id, p['ann'].id, reason='x' * (REASON_LENGTH + 1))
    with pytest.raises(InvalidInput, match='moderation_reason_invalid'):
        await services.moderation.kick(p['mod'], room.id, p['ann'].id, reason='a\u202eb')
    entry = await services.moderation.kick(p['mod'], room.id, p['ann'].id, reason='x' * REASON_LENGTH)
    assert entry.reason == 'x' * REASON_LENGTH
    assert (await services.moderation.kick(p['mod'], room.id, p['bob'].id, reason='   ')).reason is None


async def test_unknown_room_or_person(services: Services) -> None:
    room, p = await cast(services)
    with pytest.raises(NotFound, match='room_not_found'):
        await services.moderation.kick(p['owner'], room.id + 100, p['ann'].id)
    with pytest.raises(NotFound, match='user_not_found'):
        await services.moderation.kick(p['owner'], room.id, 10_000)


async def test_standing_offers_what_the_service_allows(services: Services) -> None:
    room, p = await cast(services)
    of = {name: await services.moderation.standing(p['owner'], room.id, of=p[name].id) for name in p}
    owner = of['owner']
    mod = await services.moderation.standing(p['mod'], room.id)
    admin = await services.moderation.standing(p['admin'], room.id)
    member = await services.moderation.standing(p['ann'], room.id)
    assert (owner.role, mod.role, admin.role, member.role) == ('owner', 'moderator', 'admin', 'member')
    assert owner.may_act_on(of['mod']) and owner.may_act_on(of['ann']) and not owner.may_act_on(of['admin'])
    assert mod.may_act_on(of['ann']) and not mod.may_act_on(of['mod2']) and not mod.may_act_on(of['owner'])
    assert not mod.may_act_on(mod) and not member.may_act_on(of['bob'])
    assert admin.may_act_on(of['mod']) and not admin.may_act_on(of['owner'])
    assert mod.may_moderate and not mod.may_appoint and owner.may_appoint and not member.may_moderate
