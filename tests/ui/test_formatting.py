"""Formatted and folded message bodies, as the other person in the room sees them (both kits)."""

from __future__ import annotations

from nicegui.element import Element
from nicegui.testing import User

from pages.message_body import FOLDED_CLASSES
from tests.ui.helpers import by_testid, open_room, people_in_room, register, send

FORTY_LINES = '\n'.join(f'line {n}' for n in range(1, 41))


def formatted(person: User) -> list[str]:
    """The HTML of every formatted body on the person's page (set as `innerHTML`, in either kit)."""
    assert person.client is not None
    return [
        e.props['innerHTML']
        for e in person.client.layout.descendants()
        if isinstance(e.props.get('innerHTML'), str) and not e.is_deleted
    ]


def folded_body(person: User) -> Element:
    """The body beside the person's one "show more" / "show less" button."""
    (button,) = by_testid(person, 'fold').elements
    assert button.parent_slot is not None
    return button.parent_slot.children[0]


async def test_the_other_person_sees_bold_text_and_markup_stays_text(user: User, create_user) -> None:
    _, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await send(user, '**hi** there')
    await bob.should_see('hi there')  # the words a person reads, not the asterisks or the tags
    assert formatted(bob) == ['<p><strong>hi</strong> there</p>']
    await bob.should_not_see('**hi**')

    await send(user, 'raw <b>bold</b> and {{ 1+1 }}')
    await bob.should_see('raw <b>bold</b> and {{ 1+1 }}')  # as written: a text node
    await send(user, 'see https://example.com/page')
    await bob.should_see('see https://example.com/page')
    assert formatted(bob)[1] == (
        '<p>see <a href="https://example.com/page" target="_blank" rel="noopener noreferrer">'
        'https://example.com/page</a></p>'
    )
    assert len(formatted(user)) == 2  # the author's own page too


async def test_a_long_message_is_folded_until_shown_on_that_page_only(user: User, create_user) -> None:
    _, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await send(user, FORTY_LINES)
    for person in (bob, user):
        await person.should_see('line 15')
        await person.should_see('Show more')
        await person.should_not_see('line 40')

    by_testid(bob, 'fold').click()
    await bob.should_see('line 40')  # the end of it
    await bob.should_see('Show less')
    assert not set(FOLDED_CLASSES) & set(folded_body(bob).classes)
    await user.should_not_see('line 40')  # Anna's page still shows it folded
    assert set(FOLDED_CLASSES) <= set(folded_body(user).classes)

    by_testid(bob, 'fold').click()
    await bob.should_see('Show more')
    await bob.should_not_see('line 40')


async def test_a_long_formatted_message_folds_too_and_the_button_speaks_russian(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    boris = create_user()
    boris.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(boris, 'boris', display_name='Борис', expect='Все комнаты')
    await open_room(boris, 'Kitchen')
    await send(user, '**start**\n' + '\n'.join(f'- item {n}' for n in range(1, 31)))
    await boris.should_see('start')
    await boris.should_not_see('item 30')
    assert '<strong>start</strong>' in formatted(boris)[0]
    await boris.should_see('Показать полностью')
    by_testid(boris, 'fold').click()
    await boris.should_see('item 30')
    await boris.should_see('Свернуть')
