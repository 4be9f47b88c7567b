"""Actions on stored messages, called on the service as pages do: edit, delete, reply, react, permalink pages."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text, update

from chat import reactions
from chat.errors import InvalidInput, NotFound, PermissionDenied, RateLimited
from chat.events import MessageDeleted, MessageEdited, ReactionsChanged, decode, encode
from chat.hub import room_topic
from chat.services import Services
from chat.views import QuoteView, RoomView, UserView
from models import Message, Reaction
from storage.db import make_engine
from storage.migrate import alembic_config
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import Recorder, add_user, count_rows, execute


async def room_with(services: Services, *names: str) -> tuple[RoomView, list[UserView]]:
    users = [await add_user(services, name) for name in names]
    return await services.rooms.create(users[0], 'General'), users


# --- edit -----------------------------------------------------------------------------------------------------------


async def test_the_author_edits_and_everyone_hears_the_new_text(services: Services, recorder: Recorder) -> None:
    room, (anna, _) = await room_with(services, 'anna', 'boris')
    message = await services.messages.post(anna, room.id, 'helo')
    recorder.listen(services.hub, room_topic(room.id))
    event = await services.messages.edit(anna, room.id, message.id, '  hello  ')
    assert (event.message_id, event.body, event.room_id) == (message.id, 'hello', room.id)
    assert recorder.of(room_topic(room.id)) == [event]
    (stored,) = await services.messages.history(room.id)
    assert stored.body == 'hello' and stored.edited_at is not None and not stored.deleted


async def test_edits_obey_the_rules_of_posts(make_services: ServicesFactory) -> None:
    services = await make_services(max_message_length=10, message_rate=3, message_burst=3)
    room, (anna,) = await room_with(services, 'anna')
    message = await services.messages.post(anna, room.id, 'short')
    with pytest.raises(InvalidInput, match='message_too_long'):
        await services.messages.edit(anna, room.id, message.id, 'x' * 11)
    with pytest.raises(InvalidInput, match='message_empty'):
        await services.messages.edit(anna, room.id, message.id, '   ')
    with pytest.raises(InvalidInput, match='message_invalid'):
        await services.messages.edit(anna, room.id, message.id, 'a\x00b')
    await services.messages.edit(anna, room.id, message.id, 'one')
    await services.messages.edit(anna, room.id, message.id, 'two')
    with pytest.raises(RateLimited):  # the post and two edits: the rate of messages is used up
        await services.messages.edit(anna, room.id, message.id, 'three')


async def test_edits_refused_for_others_other_rooms_deleted_unknown_and_late(services: Services) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    other = await services.rooms.create(boris, 'Other')
    message = await services.messages.post(anna, room.id, 'mine')
    with pytest.raises(PermissionDenied, match='not_message_author'):
        await services.messages.edit(boris, room.id, message.id, 'yours now')
    with pytest.raises(NotFound, match='message_not_found'):
        await services.messages.edit(anna, other.id, message.id, 'elsewhere')
    with pytest.raises(NotFound, match='message_not_found'):
        await services.messages.edit(anna, room.id, message.id + 100, 'nobody')
    old = await services.messages.post(anna, room.id, 'old')
    await services.db.run(_age, old.id, timedelta(hours=25))
    with pytest.raises(PermissionDenied, match='edit_window_over'):
        await services.messages.edit(anna, room.id, old.id, 'too late')
    await services.messages.delete(anna, room.id, message.id)
    with pytest.raises(NotFound, match='message_gone'):
        await services.messages.edit(anna, room.id, message.id, 'back from the dead')
    (first, second) = await services.messages.history(room.id)
    assert (first.body, second.body) == ('', 'old')


def _age(session, message_id: int, age: timedelta) -> None:
    session.execute(
        update(Message).where(Message.id == message_id).values(created_at=datetime.now(UTC) - age)  # type: ignore[arg-type]
    )
    session.commit()


async def test_the_edit_window_is_a_setting(make_services: ServicesFactory) -> None:
    services = await make_services(edit_window=60)
    room, (anna,) = await room_with(services, 'anna')
    message = await services.messages.post(anna, room.id, 'hi')
    await services.db.run(_age, message.id, timedelta(seconds=61))
    with pytest.raises(PermissionDenied, match='edit_window_over'):
        await services.messages.edit(anna, room.id, message.id, 'hey')


# --- delete ---------------------------------------------------------------------------------------------------------


async def test_a_deleted_message_keeps_its_place_but_not_its_text(services: Services, recorder: Recorder) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    message = await services.messages.post(anna, room.id, 'secret words')
    await services.messages.react(boris, room.id, message.id, '👍', True)
    recorder.listen(services.hub, room_topic(room.id))
    event = await services.messages.delete(anna, room.id, message.id)
    assert recorder.of(room_topic(room.id)) == [event] and event == MessageDeleted(room.id, message.id)
    assert b'secret' not in encode(event)
    (stored,) = await services.messages.history(room.id)
    assert stored.deleted and stored.body == '' and stored.reactions == ()
    rows = await execute(services, f'SELECT body, deleted_at FROM message WHERE id = {message.id}')
    assert rows[0][0] == '' and rows[0][1] is not None
    assert await count_rows(services, Reaction) == 0  # type: ignore[arg-type]
    with pytest.raises(NotFound, match='message_gone'):
        await services.messages.delete(anna, room.id, message.id)


async def test_who_may_delete(services: Services) -> None:
    room, (owner, anna, boris) = await room_with(services, 'owner', 'anna', 'boris')
    admin = await add_user(services, 'admin', is_admin=True)
    first = await services.messages.post(anna, room.id, 'one')
    second = await services.messages.post(anna, room.id, 'two')
    with pytest.raises(PermissionDenied, match='message_delete_denied'):
        await services.messages.delete(boris, room.id, first.id)
    await services.messages.delete(owner, room.id, first.id)  # the room's owner
    await services.messages.delete(admin, room.id, second.id)  # an admin
    other = await services.rooms.create(boris, 'Other')
    third = await services.messages.post(anna, room.id, 'three')
    with pytest.raises(NotFound, match='message_not_found'):  # owner of another room, asking through it
        await services.messages.delete(boris, other.id, third.id)
    with pytest.raises(NotFound, match='message_not_found'):
        await services.messages.delete(anna, room.id, third.id + 100)


# --- replies --------------------------------------------------------------------------------------------------------


async def test_a_reply_quotes_the_first_line_and_survives_the_deletion(services: Services) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    original = await services.messages.post(anna, room.id, 'first line\nsecond line')
    reply = await services.messages.post(boris, room.id, 'answer', reply_to=original.id)
    assert reply.reply == QuoteView(original.id, 'anna', 'first line')
    (_, stored) = await services.messages.history(room.id)
    assert stored.reply == QuoteView(original.id, 'anna', 'first line')
    await services.messages.delete(anna, room.id, original.id)
    (_, stored) = await services.messages.history(room.id)
    assert stored.reply == QuoteView(original.id, 'anna', '', deleted=True)
    with pytest.raises(NotFound, match='message_gone'):
        await services.messages.post(boris, room.id, 'to a deleted one', reply_to=original.id)


async def test_a_quote_shows_the_words_not_the_markup(services: Services) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    original = await services.messages.post(anna, room.id, 'Who brings the **cake** and `candles`?\n- me')
    reply = await services.messages.post(boris, room.id, 'I do', reply_to=original.id)
    assert reply.reply == QuoteView(original.id, 'anna', 'Who brings the cake and candles?')


async def test_a_reply_only_to_a_message_of_the_same_room(services: Services) -> None:
    room, (anna,) = await room_with(services, 'anna')
    other = await services.rooms.create(anna, 'Other')
    elsewhere = await services.messages.post(anna, other.id, 'there')
    with pytest.raises(NotFound, match='message_not_found'):
        await services.messages.post(anna, room.id, 'here', reply_to=elsewhere.id)
    with pytest.raises(NotFound, match='message_not_found'):
        await services.messages.post(anna, room.id, 'here', reply_to=elsewhere.id + 100)
    assert await services.messages.history(room.id) == []


async def test_a_hard_deleted_original_leaves_the_reply_without_a_quote(services: Services) -> None:
    room, (anna,) = await room_with(services, 'anna')
    original = await services.messages.post(anna, room.id, 'gone')
    await services.messages.post(anna, room.id, 'reply', reply_to=original.id)
    await execute(services, f'DELETE FROM message WHERE id = {original.id}')  # ON DELETE SET NULL
    (stored,) = await services.messages.history(room.id)
    assert stored.reply is None


# --- reactions ------------------------------------------------------------------------------------------------------


async def test_reactions_toggle_idempotently_and_publish_the_counts(services: Services, recorder: Recorder) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    message = await services.messages.post(anna, room.id, 'hi')
    recorder.listen(services.hub, room_topic(room.id))
    await asyncio.gather(*(services.messages.react(boris, room.id, message.id, '👍', True) for _ in range(3)))
    event = await services.messages.react(anna, room.id, message.id, '👍', True)
    (thumbs,) = event.reactions
    assert (thumbs.emoji, thumbs.count, set(thumbs.user_ids), set(thumbs.names)) == (
        '👍',
        2,
        {anna.id, boris.id},
        {'anna', 'boris'},
    )
    assert all(isinstance(e, ReactionsChanged) and e.message_id == message.id for e in recorder.of(room_topic(room.id)))
    assert await count_rows(services, Reaction) == 2  # type: ignore[arg-type]
    await services.messages.react(boris, room.id, message.id, '👍', False)
    event = await services.messages.react(boris, room.id, message.id, '👍', False)  # removing twice: nothing more
    assert [(r.emoji, r.count, r.user_ids) for r in event.reactions] == [('👍', 1, (anna.id,))]
    (stored,) = await services.messages.history(room.id)
    assert stored.reactions == event.reactions
    assert decode(encode(event)) == event  # travels between instances


async def test_who_reacted_is_told_only_to_readers_of_the_room(services: Services) -> None:
    room, (anna, boris, vera, *others) = await room_with(
        services, 'anna', 'boris', 'vera', *(f'p{n:02d}' for n in range(11))
    )
    message = await services.messages.post(anna, room.id, 'hi')
    for person in (boris, *others):  # more than a bubble's hint names
        await services.messages.react(person, room.id, message.id, '👍', True)
    await services.messages.react(anna, room.id, message.id, '🎉', True)

    thumbs, party = await services.messages.reactors(vera, room.id, message.id)  # a public room: anyone signed in
    assert (thumbs.emoji, thumbs.count, party.emoji, party.names) == ('👍', 12, '🎉', ('anna',))
    assert thumbs.names == ('boris', *(f'p{n:02d}' for n in range(11)))  # every name, in the order they reacted

    other = await services.rooms.create(boris, 'Elsewhere')
    with pytest.raises(NotFound):  # the message of another room
        await services.messages.reactors(boris, other.id, message.id)
    await services.moderation.ban(anna, room.id, boris.id)
    with pytest.raises(PermissionDenied, match='banned_from_room'):  # banned: reads nothing of the room
        await services.messages.reactors(boris, room.id, message.id)
    await services.rooms.update_settings(anna, room.id, '', True)  # private: vera was never a member
    with pytest.raises(PermissionDenied, match='room_private'):
        await services.messages.reactors(vera, room.id, message.id)
    assert len(await services.messages.reactors(anna, room.id, message.id)) == 2
    await services.messages.delete(anna, room.id, message.id)
    with pytest.raises(NotFound):
        await services.messages.reactors(anna, room.id, message.id)


async def test_reaction_limits(make_services: ServicesFactory) -> None:
    services = await make_services(reaction_rate=100)
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    message = await services.messages.post(anna, room.id, 'hi')
    with pytest.raises(InvalidInput, match='reaction_invalid'):
        await services.messages.react(anna, room.id, message.id, 'lol', True)
    allowed = sorted(reactions.ALLOWED)
    for emoji in allowed[: reactions.MAX_DISTINCT]:
        await services.messages.react(anna, room.id, message.id, emoji, True)
    with pytest.raises(InvalidInput, match='reaction_too_many'):
        await services.messages.react(boris, room.id, message.id, allowed[reactions.MAX_DISTINCT], True)
    await services.messages.react(boris, room.id, message.id, allowed[0], True)  # an emoji already there: fine
    other = await services.rooms.create(boris, 'Other')
    with pytest.raises(NotFound, match='message_not_found'):
        await services.messages.react(boris, other.id, message.id, allowed[0], True)
    await services.messages.delete(anna, room.id, message.id)
    with pytest.raises(NotFound, match='message_gone'):
        await services.messages.react(boris, room.id, message.id, allowed[0], True)


async def test_reactions_are_rate_limited_per_user(make_services: ServicesFactory) -> None:
    services = await make_services(reaction_rate=3)
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    message = await services.messages.post(anna, room.id, 'hi')
    for present in (True, False, True):
        await services.messages.react(anna, room.id, message.id, '👍', present)
    with pytest.raises(RateLimited, match='rate_reactions'):
        await services.messages.react(anna, room.id, message.id, '👍', False)
    await services.messages.react(boris, room.id, message.id, '👍', True)  # someone else is not held back


# --- permalinks -----------------------------------------------------------------------------------------------------


async def test_the_page_around_a_message(make_services: ServicesFactory) -> None:
    services = await make_services(history_page_size=10, message_rate=1000, message_burst=1000)
    room, (anna,) = await room_with(services, 'anna')
    posted = [await services.messages.post(anna, room.id, f'm{i}') for i in range(40)]
    messages, has_newer = await services.messages.around(room.id, posted[20].id)
    assert [m.body for m in messages] == [f'm{i}' for i in range(16, 26)] and has_newer
    messages, has_newer = await services.messages.around(room.id, posted[38].id)
    assert [m.body for m in messages] == [f'm{i}' for i in range(34, 40)] and not has_newer
    messages, has_newer = await services.messages.around(room.id, posted[1].id)
    assert [m.body for m in messages] == [f'm{i}' for i in range(0, 10)] and has_newer
    other = await services.rooms.create(anna, 'Other')
    with pytest.raises(NotFound, match='permalink_not_found'):
        await services.messages.around(other.id, posted[0].id)
    with pytest.raises(NotFound, match='permalink_not_found'):
        await services.messages.around(room.id, posted[-1].id + 100)


async def test_events_round_trip() -> None:
    edited = MessageEdited(1, 2, 'new text', datetime.now(UTC))
    assert decode(encode(edited)) == edited
    deleted = MessageDeleted(1, 2)
    assert decode(encode(deleted)) == deleted


def test_migration_keeps_the_messages_and_goes_back(tmp_path: Path) -> None:
    engine = make_engine(f'sqlite:///{tmp_path / "old.db"}')
    command.upgrade(alembic_config(engine), '0003')
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO "user" (id, username, username_key, display_name, password_hash, is_admin, '
                "session_version, created_at) VALUES (1, 'anna', 'anna', 'Anna', 'x', false, 0, :now)"
            ),
            {'now': now},
        )
        connection.execute(
            text("INSERT INTO room (id, name, name_key, created_at) VALUES (1, 'R', 'r', :now)"), {'now': now}
        )
        connection.execute(
            text("INSERT INTO message (id, room_id, author_id, body, created_at) VALUES (1, 1, 1, 'kept', :now)"),
            {'now': now},
        )
    command.upgrade(alembic_config(engine), 'head')
    with engine.connect() as connection:
        assert connection.execute(text('SELECT body, edited_at, deleted_at, reply_to FROM message')).all() == [
            ('kept', None, None, None)
        ]
        assert connection.execute(text('SELECT count(*) FROM reaction')).scalar() == 0
    command.downgrade(alembic_config(engine), '0003')
    with engine.connect() as connection:
        assert connection.execute(text('SELECT body FROM message')).all() == [('kept',)]
    engine.dispose()
