"""Moderation as people use it, with live checks on the screen of the person affected: the owner appoints a
moderator, who mutes, kicks and bans; the muted, the removed and the banned see it at once, in their language."""

from __future__ import annotations

from nicegui.testing import User

from tests.ui.helpers import by_testid, open_room, people_in_room, room_id_of, send, services, value_of, wait_for
from tests.ui.test_message_actions import open_menu
from tests.waiting import until


async def act(person: User, action: str, reason: str = '', duration: str | None = None) -> None:
    """In the open moderation menu: choose the action, fill the dialog, confirm."""
    await wait_for(person, f'mod-{action}')
    by_testid(person, f'mod-{action}').click()
    await wait_for(person, 'mod-reason')
    if duration is not None:
        (radio,) = by_testid(person, 'mod-duration').elements
        radio.value = duration  # type: ignore[attr-defined]
    if reason:
        by_testid(person, 'mod-reason').type(reason)
    by_testid(person, 'mod-confirm').click()


def _shown(person: User, testid: str) -> bool:
    assert person.client is not None
    return any(e.props.get('data-testid') == testid and not e.is_deleted for e in person.client.layout.descendants())


def _shown(person: User, testid: str) -> bool:
    return any(e.visible for e in by_testid(person, testid).elements) if _has(person, testid) else False


def _has(person: User, testid: str) -> bool:
    assert person.client is not None
    return any(e.props.get('data-testid') == testid for e in person.client.layout.descendants())


async def moderate_from_people_list(person: User, username: str) -> None:
    await wait_for(person, f'online-{username}')
    by_testid(person, f'online-{username}').click()  # their card, with "Moderate…" for a moderator
    await until(lambda: _shown(person, 'profile-moderate'), what='the card offers moderation')
    by_testid(person, 'profile-moderate').click()
    await wait_for(person, 'moderation-menu')


async def test_a_moderator_mutes_then_bans_and_the_person_sees_it_live(user: User, create_user) -> None:
    anna, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await send(carl, 'first words')
    await anna.should_see('first words')
    # a member sees no moderation anywhere
    await wait_for(carl, 'online-bob')
    by_testid(carl, 'online-bob').click()
    await wait_for(carl, 'profile-card')  # the card (a private note is one more click)
    assert not _shown(carl, 'profile-moderate')

    # the owner appoints Bob from the people list; Bob's page offers moderation from then on
    await moderate_from_people_list(anna, 'bob')
    await act(anna, 'appoint')
    await bob.should_see('Anna made you a moderator of “Kitchen”.')
    await wait_for(bob, 'moderation-open')

    # Bob mutes Carl from a message's menu, for an hour, with a reason
    await open_menu(bob, 'first words')
    by_testid(bob, 'action-moderate').click()
    await act(bob, 'mute', reason='too loud', duration='1h')
    await carl.should_see('Bob muted you in “Kitchen” until')
    await wait_for(carl, 'mute-banner')
    await carl.should_see('Reason: too loud')
    by_testid(carl, 'message-input').type('am I muted?')
    by_testid(carl, 'send').click()
    await wait_for(carl, 'send-error')
    await carl.should_see('You are muted in this room until')
    assert value_of(carl, 'message-input') == 'am I muted?'  # the text stays
    await anna.should_not_see('am I muted?')

    # a moderator may not act on the owner: the menu says so and offers nothing
    await moderate_from_people_list(bob, 'anna')
    await wait_for(bob, 'mod-nothing')
    assert not [e for e in bob.client.layout.descendants() if e.props.get('data-testid') == 'mod-ban']

    # then Bob bans Carl: Carl's page leaves the room and says why; the room sees Carl leave
    await moderate_from_people_list(bob, 'carl')
    await act(bob, 'ban', reason='spam')
    await wait_for(carl, 'page-gone')
    await carl.should_see('Bob banned you from “Kitchen”. Reason: spam')
    await anna.should_see('Carl left')
    room_id = room_id_of(anna)
    await carl.open(f'/room/{room_id}')
    await wait_for(carl, 'banned')
    await carl.should_see('You are banned from this room.')

    # the owner's moderation panel: the ban in force and the log; lifting the ban lets Carl back in
    by_testid(anna, 'moderation-open').click()
    await wait_for(anna, 'mod-log')
    await anna.should_see('Carl: banned (by Bob)')
    await anna.should_see('Bob: made moderator (by Anna)')
    await anna.should_see('Reason: spam')
    by_testid(anna, 'mod-unban').click()
    await wait_for(anna, 'mod-reason')
    by_testid(anna, 'mod-confirm').click()
    await carl.should_see('Anna lifted your ban from “Kitchen”: you may join it again.')
    await open_room(carl, 'Kitchen')
    await anna.should_see('Carl joined')


async def test_a_kicked_member_leaves_at_once_and_may_come_back(user: User, create_user) -> None:
    anna, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await moderate_from_people_list(anna, 'carl')
    await act(anna, 'kick', reason='take a break')
    await wait_for(carl, 'page-gone')
    await carl.should_see('Anna removed you from “Kitchen”. Reason: take a break')
    await bob.should_see('Carl left')
    await anna.should_see('Done: Carl — removed from the room.')
    room_id = room_id_of(anna)
    await until(lambda: not _shown(carl, f'room-entry-{room_id}'), what='the room gone from Carl’s rooms drawer')
    await open_room(carl, 'Kitchen')  # a public room: back in
    await bob.should_see('Carl joined')
    owner = await services().rooms.get(room_id_of(anna))
    assert owner.owner_id is not None
    log = await services().moderation.log(await services().accounts.get(owner.owner_id), room_id_of(anna))
    assert [(e.action, e.reason) for e in log] == [('kick', 'take a break')]


async def test_a_refused_action_says_why_in_the_dialog(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await moderate_from_people_list(anna, 'bob')
    await act(anna, 'kick', reason='x' * 201)
    await anna.should_see('The reason is too long: at most 200 characters.')
    assert value_of(anna, 'mod-reason') == 'x' * 201  # what was typed stays
    await bob.should_not_see('removed you')


async def test_lifting_a_mute_from_the_panel_frees_the_composer_live(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await moderate_from_people_list(anna, 'bob')
    await act(anna, 'mute', duration='forever')
    await bob.should_see('Anna muted you in “Kitchen”.')
    await wait_for(bob, 'mute-banner')
    await bob.should_see('You are muted in this room: you can read, but not write.')

    by_testid(anna, 'moderation-open').click()
    await wait_for(anna, 'mod-restrictions')
    await anna.should_see('muted until lifted')
    by_testid(anna, 'mod-unmute').click()
    await wait_for(anna, 'mod-reason')
    by_testid(anna, 'mod-confirm').click()
    await bob.should_see('Anna lifted your mute in “Kitchen”: you can write again.')
    (banner,) = by_testid(bob, 'mute-banner').elements
    await until(lambda: not banner.visible, what='the mute banner hidden')
    await send(bob, 'thanks, I will behave')
    await anna.should_see('thanks, I will behave')
