"""The message field as a person uses it: line breaks, a counter near the length limit, and the draft that waits in
a room while its writer is elsewhere. (Shift+Enter needs a real keyboard: tests/e2e; the burst of the message rate:
tests/ui/test_room.py.)"""

from __future__ import annotations

import pytest
from nicegui import app
from nicegui.testing import User

from pages import composer
from pages.drafts import KEY
from tests.ui.helpers import (
    ENTER,
    _matches,
    by_testid,
    open_room,
    people_in_room,
    register,
    room_id_of,
    send,
    services,
    value_of,
)
from tests.waiting import until


def counter(user: User) -> str | None:
    """The counter's words while the field shows its counter area, else None."""
    (field,) = by_testid(user, 'message-input').elements
    labels = _matches(user, 'message-counter')
    return next(iter(labels)).text if field.props.get('counter') and labels else None  # type: ignore[attr-defined]


def counter_is_red(user: User) -> bool:
    (element,) = _matches(user, 'message-counter')
    return 'text-negative' in element.classes


def stored_drafts(user: User) -> dict:
    """What the server keeps in this browser's session storage (the drafts survive restarts there)."""
    assert user.client is not None
    return dict(app.storage._users[user.client.request.session['id']].get(KEY) or {})


async def bodies(room_id: int) -> list[str]:
    return [m.body for m in await services().messages.history(room_id)]


async def test_line_breaks_are_sent_stored_and_shown(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    (field,) = by_testid(anna, 'message-input').elements
    assert field.props['type'] == 'textarea' and 'maxlength' not in field.props
    text = 'line one\nline two\n\n    indented, after an empty line'
    await send(anna, text)
    await bob.should_see('indented, after an empty line')
    assert await bodies(room_id_of(bob)) == [text]
    assert bob.client is not None
    client = bob.client
    shown = await until(
        lambda: [
            child._text
            for bubble in client.layout.descendants()
            if bubble.tag == 'q-chat-message'
            for child in bubble.default_slot.children
        ],
        what='a bubble in Bob’s feed',
    )
    assert text in shown  # one bubble, every line in it (the feed keeps line breaks: whitespace-pre-wrap)


async def test_counter_near_the_limit_and_an_over_long_paste_is_refused_and_kept(user: User) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    field = by_testid(user, 'message-input')
    field.type('x' * 3599)
    assert counter(user) is None  # under 90 % of 4,000: nothing counts
    field.type('x')
    assert counter(user) == '3,600 / 4,000' and not counter_is_red(user)
    field.type(' ' + 'y' * 1799)  # a paste: 5,400 characters in all
    assert counter(user) == '5,400 / 4,000' and counter_is_red(user)
    field.trigger(ENTER)
    await user.should_see('The message is too long: at most 4,000 characters.')
    assert value_of(user, 'message-input') == 'x' * 3600 + ' ' + 'y' * 1799  # not cut: the text stays as it was
    assert await bodies(room_id_of(user)) == []
    field.clear().type('x' * 3700 + '   ')  # counted as the service counts: outer spaces aside
    assert counter(user) == '3,700 / 4,000' and not counter_is_red(user)
    field.clear().type('short now')
    assert counter(user) is None
    field.trigger(ENTER)
    await until(lambda: value_of(user, 'message-input') == '', what='sent (the field empty again)')
    assert await bodies(room_id_of(user)) == ['short now']
    await user.should_not_see('The message is too long')


async def test_counter_in_russian_groups_digits_the_russian_way(user: User) -> None:
    user.http_client.headers['accept-language'] = 'ru'
    await register(user, 'anna', expect='Все комнаты')
    await open_room(user, 'Kitchen')
    by_testid(user, 'message-input').type('ж' * 4001)
    assert counter(user) == '4\u202f001 из 4\u202f000' and counter_is_red(user)


async def test_a_draft_waits_in_its_room_and_goes_once_sent(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Garden')
    garden = room_id_of(user)
    await open_room(user, 'Kitchen')
    kitchen = room_id_of(user)
    by_testid(user, 'message-input').type('half a thought about').trigger('blur')  # off to another room
    await user.open(f'/room/{garden}')
    assert value_of(user, 'message-input') == ''
    by_testid(user, 'message-input').type('a garden draft').trigger('blur')
    await user.open(f'/room/{kitchen}')
    assert value_of(user, 'message-input') == 'half a thought about'  # back: the draft is there
    await send(user, ' dinner')
    await until(lambda: value_of(user, 'message-input') == '', what='sent')
    assert await bodies(kitchen) == ['half a thought about dinner']
    await user.open(f'/room/{kitchen}')
    assert value_of(user, 'message-input') == ''  # sent: no draft any more
    await user.open(f'/room/{garden}')
    assert value_of(user, 'message-input') == 'a garden draft'  # the other room's stays

    bob = create_user()  # drafts are one person's own
    await register(bob, 'bob')
    await bob.open(f'/room/{garden}')
    assert value_of(bob, 'message-input') == ''


async def test_a_draft_is_written_after_a_pause_not_per_keystroke(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(composer, 'QUIET', 0.3)
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    kitchen = room_id_of(user)
    field = by_testid(user, 'message-input')
    for word in ('typing ', 'without ', 'leaving'):
        field.type(word)
        assert stored_drafts(user) == {}  # nothing written while the person types
    drafts = await until(lambda: stored_drafts(user), what='the draft written after the pause')
    assert list(drafts.values()) == ['typing without leaving']
    await user.open(f'/room/{kitchen}')  # a reload
    assert value_of(user, 'message-input') == 'typing without leaving'
