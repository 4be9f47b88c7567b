"""A stored message's bubble is one pair of elements shown by every page of the room (pages/feed.py)."""

from __future__ import annotations

from nicegui.testing import User

from pages.feed import SHARED_IDS, SharedMessage
from tests.ui.helpers import open_room, people_in_room, send, services


def bubble(person: User, text: str) -> SharedMessage:
    assert person.client is not None
    (found,) = [e for e in person.client.elements.values()
                if isinstance(e, SharedMessage) and e.text._text == text]
    return found


async def test_pages_share_a_bubble_and_keep_it_when_another_page_lets_it_go(user: User, create_user) -> None:
    _, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await send(user, 'one bubble for all')
    for person in (bob, carl, user):
        await person.should_see('one bubble for all')
    shared = bubble(bob, 'one bubble for all')
    assert shared is bubble(carl, 'one bubble for all')  # the same objects on both pages ...
    assert shared.id >= SHARED_IDS and shared.text.id == shared.id + 1  # ... with ids no page counter reaches
    own = bubble(user, 'one bubble for all')
    assert own is not shared and own.props['sent'] and not shared.props['sent']  # the author's side differs

    assert carl.client is not None
    carl.client.delete()  # one page goes: the bubble stays whole for the others
    await bob.should_see('one bubble for all')
    assert not shared.is_deleted and shared.default_slot.children == [shared.text]
    assert bob.client is not None and bob.client.elements[shared.id] is shared

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
