"""The line under a room's feed that says who else is typing: live for the others, never for the typist, gone after
the expiry or at once when the message arrives, in the viewer's language."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from chat.views import UserView
from tests.ui.helpers import ENTER, by_testid, open_room, people_in_room, register, services
from tests.waiting import until


def typing_line(user: User) -> str:
    """What the person's typing line says now ('' when nobody else is typing)."""
    (element,) = by_testid(user, 'typing').elements
    return element._text or ''


async def shows(user: User, words: str) -> None:
    await until(lambda: typing_line(user) == words, what=lambda: f'showing {words!r} (it says {typing_line(user)!r})')


def type_into(user: User, text: str) -> None:
    by_testid(user, 'message-input').type(text)


async def test_the_others_see_who_is_typing_the_typist_does_not(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    assert typing_line(bob) == ''
    type_into(anna, 'Hel')
    await bob.should_see('Anna is typing…')
    await shows(bob, 'Anna is typing…')
    assert typing_line(anna) == ''  # the same event reached her page: it shows nobody
    await anna.should_not_see('Anna is typing…')


async def test_it_goes_away_after_the_expiry(monkeypatch: pytest.MonkeyPatch, user: User, create_user) -> None:
    monkeypatch.setattr(services().settings, 'typing_expiry', 0.5)
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    type_into(anna, 'Hello')
    await shows(bob, 'Anna is typing…')
    await shows(bob, '')  # nothing more typed: forgotten after half a second (the default is 6 s)


async def test_it_goes_away_at_once_when_the_message_arrives(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    type_into(anna, 'Hello Bob')
    await shows(bob, 'Anna is typing…')
    by_testid(anna, 'message-input').trigger(ENTER)
    await bob.should_see('Hello Bob')
    assert typing_line(bob) == ''  # handled with the message itself, long before the 6 s expiry


async def test_two_typists_then_several(user: User, create_user) -> None:
    anna, bob, carl, dora = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl', 'Dora'])
    type_into(anna, 'a')
    await shows(dora, 'Anna is typing…')
    type_into(carl, 'c')
    await shows(dora, 'Anna and Carl are typing…')
    await shows(anna, 'Carl is typing…')  # everyone sees the others, never themselves
    type_into(bob, 'b')
    await shows(dora, 'Several people are typing…')
    await shows(anna, 'Carl and Bob are typing…')


async def test_one_report_per_interval_not_per_keystroke(
    monkeypatch: pytest.MonkeyPatch, user: User, create_user
) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    typing = services().typing
    original = typing.started
    calls: list[int] = []

    async def counted(actor: UserView, room_id: int) -> bool:
        calls.append(actor.id)
        return await original(actor, room_id)

    monkeypatch.setattr(typing, 'started', counted)
    for letter in 'Hello there':
        type_into(anna, letter)
    await shows(bob, 'Anna is typing…')
    assert len(calls) == 1  # the page checks the interval before it makes a task


async def test_russian_for_a_russian_viewer(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Анна')
    bob = create_user()
    bob.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(bob, 'boris', display_name='Борис', expect='Все комнаты')
    carl = create_user()
    await register(carl, 'carl', display_name='Carl')
    for person in (user, bob, carl):
        await open_room(person, 'Kitchen')
    type_into(user, 'Привет')
    await bob.should_see('Анна печатает…')
    type_into(carl, 'Hi')
    await shows(bob, 'Анна и Carl печатают…')
    await shows(user, 'Carl is typing…')
