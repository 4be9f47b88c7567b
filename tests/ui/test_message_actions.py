"""Actions on a message as people use them, seen live by the others: edit, delete, reply, reactions, permalinks.

Each runs in both modes (default and CHAT_FASTPATH=false): with the speed layer a bubble is one element shared by
every page, and what differs per viewer (the menu's items, your own reactions, a highlight) is built per page."""

from __future__ import annotations

from typing import Any

from nicegui.element import Element
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from chat.i18n import translate
from tests.ui.helpers import by_testid, open_room, people_in_room, register, room_id_of, send, services, wait_for
from tests.waiting import until


def _text(element: Element) -> str | None:
    value = getattr(element, '_text', None)  # a light element's text
    if value is None:
        value = getattr(element, 'text', None)  # a label's
    return value if isinstance(value, str) else None


def _bubbles(person: User, text: str) -> list[Element]:
    if person.client is None:
        return []
    return [
        e
        for e in person.client.layout.descendants()
        if e.tag == 'q-chat-message' and e.default_slot.children and _text(e.default_slot.children[-1]) == text
    ]


async def bubble(person: User, text: str) -> Element:
    """The bubble whose body is `text`, once the page shows it."""

    def seen() -> str:
        shown = [
            _text(e.default_slot.children[-1]) for e in person.client.layout.descendants() if e.tag == 'q-chat-message'
        ]  # type: ignore[union-attr]
        return f'a bubble saying {text!r} (shown: {shown})'

    await until(lambda: _bubbles(person, text), what=seen)
    (found,) = _bubbles(person, text)
    return found


def part(element: Element, testid: str) -> Element | None:
    """The bubble's quote or menu button (inside its text)."""
    (text,) = element.default_slot.children
    return next((c for c in text.default_slot.children if c.props.get('data-testid') == testid), None)


def click(person: User, element: Element) -> None:
    UserInteraction(person, {element}, None).click()


async def open_menu(person: User, text: str) -> None:
    menu = part(await bubble(person, text), 'message-menu')
    assert menu is not None, 'the bubble has a menu button'
    click(person, menu)
    await wait_for(person, 'action-reply')


def reaction_row(person: User, text: str) -> Element | None:
    """The row of reactions right under the bubble saying `text` (on this viewer's page)."""
    (found,) = _bubbles(person, text)
    assert person.client is not None
    # a shared bubble has no parent of its own: its block on this page is the one listing it
    (block,) = [e for e in person.client.layout.descendants() if any(c is found for c in e.default_slot.children)]
    children = block.default_slot.children
    index = children.index(found)
    if index + 1 < len(children) and children[index + 1].props.get('data-testid') == 'reactions':
        return children[index + 1]
    return None


def reactions_of(person: User, text: str) -> list[tuple[str, Any, Any]]:
    """(label, pressed, hint) of each reaction under the bubble saying `text`."""
    row = reaction_row(person, text)
    if row is None:
        return []
    return [
        (b.props.get('label') or _text(b), b.props.get('aria-pressed'), b.props.get('title'))
        for b in row.default_slot.children
    ]


async def test_the_author_edits_and_the_others_see_the_new_text_marked_edited(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await send(anna, 'helo wrld')
    await bob.should_see('helo wrld')

    await open_menu(anna, 'helo wrld')
    by_testid(anna, 'action-edit').click()
    await wait_for(anna, 'edit-input')
    by_testid(anna, 'edit-input').clear().type('   ')
    by_testid(anna, 'edit-save').click()
    await anna.should_see('Write something first.')  # refused: the editor keeps what was typed and says why
    by_testid(anna, 'edit-input').clear().type('hello world')
    by_testid(anna, 'edit-save').click()

    edited = await bubble(bob, 'hello world')
    assert 'edited' in edited.props['stamp']
    await bob.should_see('edited')
    await bob.should_not_see('helo wrld')
    await bubble(anna, 'hello world')

    await open_menu(bob, 'hello world')  # someone else's message: no edit, no delete
    assert not [
        e for e in bob.client.layout.descendants() if e.props.get('data-testid') in {'action-edit', 'action-delete'}
    ]  # type: ignore[union-attr]

    await open_room(bob, 'Kitchen')  # the history has the edited text
    assert 'edited' in (await bubble(bob, 'hello world')).props['stamp']


async def test_deleting_leaves_a_placeholder_for_everyone(user: User, create_user) -> None:
    anna, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await send(anna, 'oops, wrong room')
    await send(bob, 'bob says hi')
    await carl.should_see('bob says hi')

    await open_menu(anna, 'oops, wrong room')  # the author deletes their own
    by_testid(anna, 'action-delete').click()
    by_testid(anna, 'delete-confirm').click()
    await carl.should_see('message deleted')
    await carl.should_not_see('oops, wrong room')
    assert part(await bubble(carl, 'message deleted'), 'message-menu') is None

    await open_menu(anna, 'bob says hi')  # Anna created the room: its owner deletes Bob's message
    by_testid(anna, 'action-delete').click()
    by_testid(anna, 'delete-confirm').click()
    await bob.should_not_see('bob says hi')
    await until(lambda: len(_bubbles(carl, 'message deleted')) == 2, what='two placeholders')

    await open_room(carl, 'Kitchen')  # the history keeps the places, not the texts
    await until(lambda: len(_bubbles(carl, 'message deleted')) == 2, what='two placeholders after reload')
    await carl.should_not_see('bob says hi')


async def test_a_reply_quotes_the_original_and_leads_back_to_it(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await send(anna, 'lunch at noon?\nor later')
    await bubble(anna, 'lunch at noon?\nor later')
    await send(anna, 'something else')
    await bob.should_see('something else')

    await open_menu(bob, 'lunch at noon?\nor later')
    by_testid(bob, 'action-reply').click()
    await bob.should_see('Replying to Anna: lunch at noon?')
    await send(bob, 'noon works')

    reply = await bubble(anna, 'noon works')
    quote = part(reply, 'quote')
    assert quote is not None and _text(quote) == 'Anna: lunch at noon?'
    click(anna, quote)
    await wait_for(anna, 'highlighted-message')
    (highlighted,) = by_testid(anna, 'highlighted-message').elements
    assert _text(highlighted.default_slot.children[-1]) == 'lunch at noon?\nor later'
    assert not by_testid(bob, 'reply-bar').elements.pop().visible  # sent: the reply bar is gone

    await open_menu(anna, 'lunch at noon?\nor later')  # the original is deleted: the quote says so
    by_testid(anna, 'action-delete').click()
    by_testid(anna, 'delete-confirm').click()
    await until(lambda: _text(part(_bubbles(bob, 'noon works')[0], 'quote')) == 'Anna: message deleted')  # type: ignore[arg-type]


async def test_a_quote_of_a_message_out_of_the_window_loads_its_page(user: User, create_user) -> None:
    anna, _ = await people_in_room(user, create_user, ['Anna', 'Bob'])
    room_id = room_id_of(anna)
    app_services = services()
    anna_view, bob_view = await app_services.accounts.session_user(1, 0), await app_services.accounts.session_user(2, 0)
    assert anna_view is not None and bob_view is not None
    app_services.messages.rate.limit = 10_000
    original = await app_services.messages.post(anna_view, room_id, 'the very first plan')
    for n in range(60):
        await app_services.messages.post(anna_view, room_id, f'filler {n:02d}')
    await app_services.messages.post(bob_view, room_id, 'back to the plan', reply_to=original.id)
    await anna.should_see('back to the plan')
    await anna.should_not_see('filler 00')  # pushed out of the window, with the first plan
    assert not _bubbles(anna, 'the very first plan')

    click(anna, part(await bubble(anna, 'back to the plan'), 'quote'))  # type: ignore[arg-type]
    await wait_for(anna, 'highlighted-message')
    (highlighted,) = by_testid(anna, 'highlighted-message').elements
    assert _text(highlighted.default_slot.children[-1]) == 'the very first plan'
    assert by_testid(anna, 'jump-newest').elements.pop().visible


async def test_reactions_counted_live_with_your_own_marked(user: User, create_user) -> None:
    anna, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    await send(anna, 'we shipped it')
    await carl.should_see('we shipped it')

    await open_menu(bob, 'we shipped it')
    by_testid(bob, 'react-👍').click()
    await until(lambda: reactions_of(carl, 'we shipped it') == [('👍 1', 'false', 'Bob')], what='one thumb')
    await open_menu(anna, 'we shipped it')
    by_testid(anna, 'react-👍').click()
    await open_menu(anna, 'we shipped it')
    by_testid(anna, 'react-🎉').click()
    await until(
        lambda: reactions_of(carl, 'we shipped it') == [('👍 2', 'false', 'Bob, Anna'), ('🎉 1', 'false', 'Anna')],
        what='two thumbs and a party on a third screen',
    )
    await until(lambda: reactions_of(bob, 'we shipped it')[0][:2] == ('👍 2', 'true'), what='Bob sees his own')
    assert reactions_of(bob, 'we shipped it')[1][:2] == ('🎉 1', 'false')

    # Bob takes his back with a click on the count
    row = reaction_row(bob, 'we shipped it')
    assert row is not None
    click(bob, row.default_slot.children[0])
    await until(
        lambda: reactions_of(carl, 'we shipped it') == [('👍 1', 'false', 'Anna'), ('🎉 1', 'false', 'Anna')],
        what='Bob took his thumb back',
    )

    await open_room(carl, 'Kitchen')  # the history has them too
    await until(lambda: reactions_of(carl, 'we shipped it')[:1] == [('👍 1', 'false', 'Anna')], what='after reload')

    # Carl, who has none of his own (the row he sees is the one every such viewer sees), adds a party with a click
    row = reaction_row(carl, 'we shipped it')
    assert row is not None
    click(carl, row.default_slot.children[1])
    await until(lambda: reactions_of(carl, 'we shipped it')[1][:2] == ('🎉 2', 'true'), what='Carl sees his own')
    await until(lambda: reactions_of(bob, 'we shipped it')[1][:2] == ('🎉 2', 'false'), what='Bob sees Carl joined')


async def test_a_permalink_opens_the_room_at_an_old_message(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    app_services = services()
    anna = await app_services.accounts.session_user(1, 0)
    assert anna is not None
    app_services.messages.rate.limit = 10_000
    posted = [await app_services.messages.post(anna, room_id, f'message number {n:03d}') for n in range(1, 201)]
    bob = create_user()
    await register(bob, 'bob', display_name='Bob')

    await bob.open(f'/room/{room_id}?message={posted[19].id}')
    await wait_for(bob, 'highlighted-message')
    (highlighted,) = by_testid(bob, 'highlighted-message').elements
    assert _text(highlighted.default_slot.children[-1]) == 'message number 020'
    await bob.should_see('message number 001')
    await bob.should_not_see('message number 200')
    assert by_testid(bob, 'jump-newest').elements.pop().visible
    await send(user, 'a new one')  # live messages wait behind "jump to newest"
    await user.should_see('a new one')
    await bob.should_not_see('a new one')
    by_testid(bob, 'jump-newest').click()
    await bob.should_see('a new one')

    other = await app_services.rooms.create(anna, 'Other')
    await bob.open(f'/room/{other.id}?message={posted[19].id}')  # a message of another room: a notice instead
    await bob.should_see('The linked message is not in this room')
    await bob.open(f'/room/{room_id}?message=999999')
    await bob.should_see('The linked message is not in this room')
    await bob.should_see('message number 200')


async def test_copy_link_puts_the_permalink_on_the_clipboard(user: User, create_user) -> None:
    anna, _ = await people_in_room(user, create_user, ['Anna', 'Bob'])
    await send(anna, 'link me')
    await open_menu(anna, 'link me')
    by_testid(anna, 'action-copy-link').click()
    await anna.should_see('Link copied.')


def _words(element: Element) -> list[str]:
    """The texts inside an element, in order."""
    found = [_text(element)] if _text(element) else []
    for slot in element.slots.values():
        for child in slot.children:
            found += _words(child)
    return [w for w in found if w]


def reactors_shown(person: User) -> list[list[str]]:
    """Each line of the open "Reactions" list: the emoji with its count, then the names."""
    lists = [e for e in by_testid(person, 'reactions-list').elements if e.visible]
    assert len(lists) == 1
    return [_words(item) for item in lists[0].default_slot.children]


async def test_who_reacted_is_listed_from_the_menu_by_touch_and_keyboard(user: User, create_user) -> None:
    """A chip's hint names who reacted on hover only; a phone taps and a keyboard tabs to the bubble's menu, whose
    "Reactions" lists every emoji with the names of who chose it, in the reader's language."""
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    carl = create_user()
    carl.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(carl, 'carl', display_name='Карл <b>', expect='Все комнаты')
    await open_room(carl, 'Kitchen')
    await send(anna, 'cake on friday')
    await carl.should_see('cake on friday')

    await open_menu(anna, 'cake on friday')  # nobody reacted yet: nothing to list
    assert not [e for e in anna.client.layout.descendants() if e.props.get('data-testid') == 'action-reactions']  # type: ignore[union-attr]
    by_testid(anna, 'react-👍').click()
    await open_menu(bob, 'cake on friday')
    by_testid(bob, 'react-👍').click()
    await open_menu(carl, 'cake on friday')
    by_testid(carl, 'react-🎉').click()
    await until(lambda: [r[0] for r in reactions_of(bob, 'cake on friday')] == ['👍 2', '🎉 1'], what='the chips')

    await open_menu(bob, 'cake on friday')
    by_testid(bob, 'action-reactions').click()
    await wait_for(bob, 'reactions-list')
    await bob.should_see('Reactions')
    assert reactors_shown(bob) == [['👍 2', 'Anna, Bob'], ['🎉 1', 'Карл <b>']]  # a name is text, never HTML
    by_testid(bob, 'reactions-close').click()

    await open_menu(carl, 'cake on friday')  # in Russian
    await carl.should_see('Реакции')
    by_testid(carl, 'action-reactions').click()
    await wait_for(carl, 'reactions-list')
    assert reactors_shown(carl) == [['👍 2', 'Anna, Bob'], ['🎉 1', 'Карл <b>']]


async def test_an_over_long_edit_is_refused_and_keeps_the_new_text_in_the_editor(user: User, create_user) -> None:
    """Pasting more than a message may hold into the editor and saving: the author is told why in their language,
    the editor keeps what was pasted, and the bubble keeps the old text for the author and for someone watching."""
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    vera = create_user()
    vera.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(vera, 'vera', display_name='Vera', expect='Все комнаты')
    await open_room(vera, 'Kitchen')
    limit = services().settings.max_message_length
    too_long = 'word ' * (limit // 5) + 'over'  # over the limit by its last word
    assert len(too_long.strip()) > limit
    await send(anna, 'short and sweet')
    await send(vera, 'коротко и ясно')
    await bob.should_see('коротко и ясно')

    for author, text, refusal in (
        (anna, 'short and sweet', translate('en', 'message_too_long', max=limit)),
        (vera, 'коротко и ясно', translate('ru', 'message_too_long', max=limit)),
    ):
        await open_menu(author, text)
        by_testid(author, 'action-edit').click()
        await wait_for(author, 'edit-input')
        by_testid(author, 'edit-input').clear().type(too_long)  # a paste: the whole text at once
        by_testid(author, 'edit-save').click()
        await until(
            lambda a=author: _text(next(iter(by_testid(a, 'edit-error').elements))) not in ('', None),
            what='the editor says why',
        )
        (error,) = by_testid(author, 'edit-error').elements
        assert _text(error) == refusal
        (editor,) = by_testid(author, 'edit-input').elements
        assert editor.value == too_long  # type: ignore[attr-defined]
        assert editor.visible
        for viewer in (anna, bob, vera):  # nothing changed on any screen, nor in the history
            bubble_now = await bubble(viewer, text)
            assert 'edited' not in bubble_now.props['stamp'] and 'изменено' not in bubble_now.props['stamp']
    (stored,) = [m for m in await services().messages.history(room_id_of(bob)) if m.body == 'short and sweet']
    assert stored.edited_at is None
