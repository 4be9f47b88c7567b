"""What every page of a room shows alike is one element shown by all of them: message bubbles (pages/feed.py), the
online list's entries with their avatars and names (pages/room.py)."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from pages.fastpath.kit import MESSAGE_IDS, PERSON_IDS, SharedMessage
from tests.ui.helpers import by_testid, open_room, people_in_room, send, services, whisper_to

pytestmark = pytest.mark.fastpath  # tests the speed layer itself


def bubble(person: User, text: str) -> SharedMessage:
    assert person.client is not None
    shown = person.client.layout.descendants()
    (found,) = [e for e in shown if isinstance(e, SharedMessage) and e.text._text == text]
    return found


async def test_pages_share_a_bubble_and_keep_it_when_another_page_lets_it_go(user: User, create_user) -> None:
    _, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await send(user, 'one bubble for all')
    for person in (bob, carl, user):
        await person.should_see('one bubble for all')
    shared = bubble(bob, 'one bubble for all')
    assert shared is bubble(carl, 'one bubble for all')  # the same objects on both pages ...
    assert shared.id >= MESSAGE_IDS and shared.text.id == shared.id + 1  # ... with ids no page counter reaches
    own = bubble(user, 'one bubble for all')
    assert own is not shared and own.props['sent'] and not shared.props['sent']  # the author's side differs

    assert carl.client is not None
    carl.client.delete()  # one page goes: the bubble stays whole for the others
    await bob.should_see('one bubble for all')
    assert not shared.is_deleted and shared.default_slot.children[-1] is shared.text
    assert bob.client is not None and bubble(bob, 'one bubble for all') is shared
    # in the page's element table only what a click comes back to (the menu button), not the bubble and its text
    table = bob.client.elements
    assert shared.id not in table and shared.text.id not in table
    menu = by_testid(bob, 'message-menu').elements.pop()
    assert table[menu.id] is menu

    await open_room(bob, 'Kitchen')  # a new page of the room shows it from the history, shared again
    await bob.should_see('one bubble for all')
    assert bubble(bob, 'one bubble for all').id == shared.id


async def test_a_renamed_author_is_renamed_on_every_page_showing_the_bubble(user: User, create_user) -> None:
    _, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await send(user, 'before the rename')
    await bob.should_see('before the rename')
    app_services = services()
    anna = await app_services.accounts.session_user(1, 0)
    assert anna is not None
    await app_services.accounts.set_display_name(anna, 'Anya')
    await bob.should_see('Anya')
    assert bubble(bob, 'before the rename').props['name'] == 'Anya'
    assert bubble(user, 'before the rename').props['name'] == 'Anya'


def entry(person: User, username: str):
    (item,) = by_testid(person, f'online-{username}').elements
    return item


def listed(person: User, username: str) -> list:
    return list(entry(person, username).default_slot.children)


async def test_online_lists_share_entries_and_keep_them_when_a_page_goes(user: User, create_user) -> None:
    anna, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await bob.should_see('Carl')
    assert entry(bob, 'anna') is entry(carl, 'anna') and entry(bob, 'anna').id >= PERSON_IDS
    avatar, name = listed(bob, 'anna')
    assert all(a is b for a, b in zip(listed(bob, 'anna'), listed(carl, 'anna'), strict=True))
    assert avatar.id >= PERSON_IDS and name._text == 'Anna'
    assert listed(anna, 'anna')[1]._text.startswith('Anna (')  # your own entry says so: not shared with others
    assert carl.client is not None
    carl.client.delete()
    await anna.should_see('Carl left')
    assert listed(bob, 'anna')[1] is name and not name.is_deleted

    app_services = services()
    bob_view = await app_services.accounts.session_user(2, 0)
    assert bob_view is not None
    await app_services.accounts.set_display_name(bob_view, 'Robert')
    await anna.should_see('Robert')
    assert listed(anna, 'bob')[1]._text == 'Robert'
    assert bob.client is not None and listed(bob, 'bob')[1]._text.startswith('Robert (')


async def test_a_click_on_a_shared_entry_opens_the_private_field_on_that_page_only(user: User, create_user) -> None:
    anna, bob, _carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await bob.should_see('Carl')
    assert entry(anna, 'carl') is entry(bob, 'carl')
    whisper_to(bob, 'carl')
    await bob.should_see('private to Carl')
    assert by_testid(bob, 'private-input')
    assert anna.client is not None
    assert not [e for e in anna.client.layout.descendants() if e.props.get('data-testid') == 'private-input']
    assert entry(anna, 'anna') is not entry(bob, 'anna')  # your own entry is not clickable and says "(you)"
    assert 'clickable' not in entry(anna, 'anna').props and entry(bob, 'anna').props['clickable']
