"""Mentions: what counts as `@username` in a body, and who may call on everyone with `@room` (the service decides)."""

from __future__ import annotations

import pytest

from chat.errors import PermissionDenied
from chat.events import MessageEdited
from chat.hub import room_topic
from chat.mentions import mentioned_usernames, mentions_user
from chat.services import Services
from pages.mention_picker import candidates, typed_mention
from tests.unit.helpers import Recorder, add_user
from tests.unit.test_messages import room_with


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ('@anna', ('anna',)),
        ('hello @anna, how are you?', ('anna',)),
        ('@Anna', ('anna',)),
        ('(@ANNA) and @boris.', ('anna', 'boris')),
        ('@anna @anna @Anna', ('anna',)),
        ('write to email@example.com', ()),
        ('почта@example.com', ()),
        ('@@anna', ()),
        ('@an', ()),  # shorter than any username
        ('@annaé', ()),  # a word going on past the name's characters
        ('ping @room!', ('room',)),
        ('line one\n@j.doe-2 on line two', ('j.doe-2',)),
        ('no mention at all', ()),
    ],
)
def test_mentioned_usernames(body: str, expected: tuple[str, ...]) -> None:
    assert mentioned_usernames(body) == expected


def test_a_message_mentions_a_viewer_by_name_or_room() -> None:
    assert mentions_user(('anna',), 'Anna')
    assert not mentions_user(('anna',), 'boris')
    assert mentions_user(('room',), 'boris')
    assert not mentions_user((), 'anna')


def test_the_typed_mention_at_the_end_of_the_field() -> None:
    assert typed_mention('hi @bo') == (3, 'bo')
    assert typed_mention('@Бор') == (0, 'Бор')
    assert typed_mention('hi @') is None  # a letter first
    assert typed_mention('mail me at me@bo') is None
    assert typed_mention('@boris ') is None  # done
    assert typed_mention('x' * 5000 + ' @bo') == (5001, 'bo')


async def test_suggestions_match_usernames_and_words_of_display_names(services: Services) -> None:
    anna = await add_user(services, 'anna', display_name='Anna')
    boris = await add_user(services, 'boris', display_name='Борис Бо')
    bob = await add_user(services, 'bob_k', display_name='Robert')
    ann = await add_user(services, 'zed', display_name='Big Bob')
    people = [anna, boris, bob, ann]
    assert candidates(people, 'BO', anna.id) == [bob, boris, ann]  # usernames first, then display names
    assert candidates(people, 'бор', anna.id) == [boris]
    assert candidates(people, 'ann', anna.id) == []  # never yourself


async def test_views_carry_whom_a_message_mentions(services: Services, recorder: Recorder) -> None:
    room, (_, boris) = await room_with(services, 'anna', 'boris')
    recorder.listen(services.hub, room_topic(room.id))
    posted = await services.messages.post(boris, room.id, 'hi @Anna, mail me at boris@example.com')
    assert posted.mentions == ('anna',)
    (stored,) = await services.messages.history(room.id)
    assert stored.mentions == ('anna',)
    edited = await services.messages.edit(boris, room.id, posted.id, 'sorry, I meant @boris')
    assert edited.mentions == ('boris',)
    assert isinstance(recorder.of(room_topic(room.id))[-1], MessageEdited)
    assert recorder.of(room_topic(room.id))[-1].mentions == ('boris',)  # type: ignore[union-attr]


async def test_room_mention_only_by_the_owner_or_an_admin(services: Services) -> None:
    room, (owner, boris) = await room_with(services, 'anna', 'boris')
    admin = await add_user(services, 'root', is_admin=True)
    with pytest.raises(PermissionDenied, match='mention_room_denied'):
        await services.messages.post(boris, room.id, 'wake up @room')
    assert await services.messages.history(room.id) == []
    by_owner = await services.messages.post(owner, room.id, 'dinner, @ROOM!')
    by_admin = await services.messages.post(admin, room.id, '@room: maintenance at six')
    assert by_owner.mentions == by_admin.mentions == ('room',)
    # an edit cannot smuggle it in either
    own = await services.messages.post(boris, room.id, 'hello')
    with pytest.raises(PermissionDenied, match='mention_room_denied'):
        await services.messages.edit(boris, room.id, own.id, 'hello @room')
    assert [m.body for m in await services.messages.history(room.id)][-1] == 'hello'
    # not a mention of everyone: a room's address, a word ending in "room"
    await services.messages.post(boris, room.id, 'see chat@room.example and the @roomy corner')


async def test_a_refused_room_mention_does_not_count_towards_the_rate(make_services) -> None:
    services = await make_services(message_burst=1, message_rate=1)
    room, (_, boris) = await room_with(services, 'anna', 'boris')
    with pytest.raises(PermissionDenied):
        await services.messages.post(boris, room.id, '@room')
    await services.messages.post(boris, room.id, 'sorry, everyone')  # the one message of the burst is still there
