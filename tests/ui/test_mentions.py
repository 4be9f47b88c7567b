"""Mentions as people use them: `@` and a few letters suggest who is in the room, picking one completes the name, and
the person mentioned (or everyone, for the owner's `@room`) sees the message marked; others see it plain."""

from __future__ import annotations

from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.ui.helpers import ENTER, _matches, by_testid, people_in_room, send, value_of, wait_for
from tests.waiting import until


def suggestions(user: User) -> list[str]:
    """The suggested people as listed ("Boris @boris"), top to bottom."""
    options = sorted(_matches(user, 'mention-option'), key=lambda option: option.id)
    return [' '.join(label.text for label in option.default_slot.children) for option in options]  # type: ignore


def selected(user: User) -> list[bool]:
    options = sorted(_matches(user, 'mention-option'), key=lambda option: option.id)
    return [bool(option.props.get('active')) for option in options]


def option(user: User, username: str) -> UserInteraction:
    (found,) = [o for o in _matches(user, 'mention-option') if o.default_slot.children[1].text == f'@{username}']  # type: ignore
    return UserInteraction(user, {found}, None)


def field(user: User) -> UserInteraction:
    return by_testid(user, 'message-input')


def bubble_texts(user: User, testid: str) -> list[str]:
    """The words of the bubbles with this test id (shared bubbles keep theirs in their text child)."""
    texts = []
    for bubble in _matches(user, testid):
        text = bubble.default_slot.children[0]
        texts.append(text._text)  # type: ignore[attr-defined]
    return texts


async def test_suggest_pick_with_enter_send_and_only_the_mentioned_sees_it_marked(user: User, create_user) -> None:
    ann, boris, clara = await people_in_room(user, create_user, ['Ann', 'Boris', 'Clara'])
    await wait_for(ann, 'online-clara')
    field(ann).type('dinner? @bo')
    await until(lambda: suggestions(ann) == ['Boris @boris'], what='Boris suggested')
    field(ann).trigger(ENTER)  # picks: does not send
    await until(lambda: value_of(ann, 'message-input') == 'dinner? @boris ', what='the name completed')
    assert not _matches(ann, 'mention-option')
    field(ann).trigger(ENTER)
    await boris.should_see('dinner? @boris')
    await wait_for(boris, 'mention')
    assert bubble_texts(boris, 'mention') == ['dinner? @boris']
    await clara.should_see('dinner? @boris')
    assert bubble_texts(clara, 'mention') == []
    assert bubble_texts(ann, 'mention') == []


async def test_arrows_tab_click_and_escape(user: User, create_user) -> None:
    ann, _, _ = await people_in_room(user, create_user, ['Ann', 'Boris', 'Bob'])
    await wait_for(ann, 'online-bob')
    field(ann).type('hi @b')
    await until(lambda: suggestions(ann) == ['Bob @bob', 'Boris @boris'], what='both suggested, usernames in order')
    assert selected(ann) == [True, False]
    field(ann).trigger('keydown.down')
    assert selected(ann) == [False, True]
    field(ann).trigger('keydown.up').trigger('keydown.up')  # round the end
    assert selected(ann) == [False, True]
    field(ann).trigger('keydown.tab')  # the field's own completion: the selected person
    assert value_of(ann, 'message-input') == 'hi @boris '
    assert not _matches(ann, 'mention-option')

    field(ann).type('and @b')
    await until(lambda: len(suggestions(ann)) == 2, what='suggestions again')
    option(ann, 'bob').click()
    assert value_of(ann, 'message-input') == 'hi @boris and @bob '

    field(ann).type('@bo')
    await until(lambda: suggestions(ann) == ['Bob @bob', 'Boris @boris'], what='suggestions once more')
    field(ann).trigger('keydown.esc')
    assert not _matches(ann, 'mention-option')
    field(ann).type('r')  # the same word: it stays closed, and Enter sends
    assert not _matches(ann, 'mention-option')
    field(ann).trigger(ENTER)
    await until(lambda: value_of(ann, 'message-input') == '', what='sent')
    await ann.should_see('hi @boris and @bob @bor')


async def test_room_mention_by_the_owner_marks_it_for_everyone_and_others_are_refused(user: User, create_user) -> None:
    ann, boris, clara = await people_in_room(user, create_user, ['Ann', 'Boris', 'Clara'])  # Ann made the room
    await send(boris, 'wake up @room')
    await boris.should_see('Only the room’s owner or an admin may notify everyone with @room.')
    assert value_of(boris, 'message-input') == 'wake up @room'
    await send(ann, '@room dinner is ready')
    for person in (ann, boris, clara):
        await person.should_see('@room dinner is ready')
        await wait_for(person, 'mention')
        assert bubble_texts(person, 'mention') == ['@room dinner is ready']
    await clara.should_not_see('wake up @room')


async def test_keys_typed_right_after_a_pick_are_kept_after_the_name(user: User, create_user) -> None:
    """A fast typist presses Enter to pick and types on before the completed name reaches the browser: the browser
    sends the old text with the new keys at its end (as each keystroke sends the whole text)."""
    ann, _boris = await people_in_room(user, create_user, ['Ann', 'Boris'])
    await wait_for(ann, 'online-boris')
    field(ann).type('hi @bo')
    await until(lambda: suggestions(ann) == ['Boris @boris'], what='Boris suggested')
    field(ann).trigger(ENTER)  # picks
    await until(lambda: value_of(ann, 'message-input') == 'hi @boris ', what='the name completed')
    for typed in ('hi @bo ', 'hi @bo h', 'hi @bo ho'):  # what the browser sent before the completion arrived
        (element,) = _matches(ann, 'message-input')
        element.value = typed  # type: ignore[attr-defined]
    await until(lambda: value_of(ann, 'message-input') == 'hi @boris ho', what='the keys kept after the name')
    (element,) = _matches(ann, 'message-input')
    element.value = 'hi @boris how'  # the browser shows the completion now; typing goes on as usual
    element.value = 'hi @bo'  # deleted back by hand: left as typed (and suggested again)
    assert value_of(ann, 'message-input') == 'hi @bo'
    await until(lambda: suggestions(ann) == ['Boris @boris'], what='Boris suggested again')


async def test_the_fields_listeners_stay_as_built_when_suggestions_show(user: User, create_user) -> None:
    """A listener added to a shown element makes the browser re-render it: a key typed meanwhile was lost."""
    ann, _ = await people_in_room(user, create_user, ['Ann', 'Boris'])
    await wait_for(ann, 'online-boris')
    (element,) = field(ann).elements

    def listeners() -> list[str]:
        return sorted(listener.type for listener in element._event_listeners.values())

    before = listeners()
    field(ann).type('@bo')
    await until(lambda: suggestions(ann) == ['Boris @boris'], what='Boris suggested')
    assert listeners() == before
