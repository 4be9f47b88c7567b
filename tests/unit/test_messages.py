"""Public messages (validated, rate-limited, stored, then published), history paging, and private messages."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from chat.errors import InvalidInput, NotAuthenticated, NotDelivered, NotFound, RateLimited, Unavailable
from chat.events import MessagePosted, PrivateMessage, RoomActivity
from chat.hub import LOBBY, PROFILES, private_topic, room_topic, user_topic
from chat.ratelimit import TokenBucket
from chat.services import Services
from chat.views import RoomView, UserView
from models import Message
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import Recorder, add_user, count_rows, execute


async def room_with(services: Services, *names: str) -> tuple[RoomView, list[UserView]]:
    users = [await add_user(services, name) for name in names]
    return await services.rooms.create(users[0], 'General'), users


def sqlite_file(services: Services) -> Path:
    if services.db.engine.dialect.name != 'sqlite':
        pytest.skip('SQLite only')
    database = services.db.engine.url.database
    assert database
    return Path(database)


# --- posting ------------------------------------------------------------------------------------------------------


async def test_post_stores_then_publishes_to_the_room_only(services: Services, recorder: Recorder) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    other = await services.rooms.create(anna, 'Other')
    recorder.listen(
        services.hub,
        room_topic(room.id),
        room_topic(other.id),
        LOBBY,
        PROFILES,
        user_topic(boris.id),
        private_topic(room.id, boris.id),
    )
    message = await services.messages.post(anna, room.id, '  Hello <b>world</b>\n  second line  ')
    assert message.body == 'Hello <b>world</b>\n  second line'
    assert (message.room_id, message.author) == (room.id, anna)
    assert recorder.of(room_topic(room.id)) == [MessagePosted(message)]
    # and the room directory hears that the room was active (a preview, never the whole body)
    assert recorder.of(LOBBY) == [
        RoomActivity(room.id, message.id, anna.display_name, message.body.replace('\n  ', ' '), message.created_at)
    ]
    assert recorder.total() == 2
    (stored,) = await services.messages.history(room.id)
    assert (stored.id, stored.body, stored.author, stored.room_id) == (message.id, message.body, anna, room.id)


async def test_newlines_tabs_and_markup_are_kept_as_typed(services: Services) -> None:
    room, (anna,) = await room_with(services, 'anna')
    texts = [
        'line 1\nline 2\n\n\nline 5',
        'a\tb',
        '<script>alert(1)</script>',
        '{name} %s \\n',
        'Привет 👩‍👩‍👧 \u202eabc',
        'crlf\r\nend',
    ]
    for text in texts:
        await services.messages.post(anna, room.id, text)
    bodies = [message.body for message in await services.messages.history(room.id)]
    assert bodies == [*texts[:-1], 'crlf\nend']


@pytest.mark.parametrize(
    ('text', 'key'),
    [
        ('', 'message_empty'),
        ('   ', 'message_empty'),
        ('\n\t\r\n ', 'message_empty'),
        ('m' * 4001, 'message_too_long'),
        (' ' + 'm' * 4001 + ' ', 'message_too_long'),
        ('null \x00 byte', 'message_invalid'),
        ('escape \x1b[2J', 'message_invalid'),
        ('backspace\x08', 'message_invalid'),
        ('lone \udc00', 'message_invalid'),
    ],
)
async def test_bad_messages_are_refused_stored_nowhere_and_not_counted(
    services: Services, recorder: Recorder, text: str, key: str
) -> None:
    room, (anna,) = await room_with(services, 'anna')
    recorder.listen(services.hub, room_topic(room.id))
    for _ in range(12):  # more than the rate: refusals do not use it up
        with pytest.raises(InvalidInput) as info:
            await services.messages.post(anna, room.id, text)
        assert info.value.key == key
    assert await count_rows(services, Message) == 0
    assert recorder.total() == 0
    await services.messages.post(anna, room.id, 'still allowed')


async def test_length_limit_is_a_setting(make_services: ServicesFactory) -> None:
    services = await make_services(max_message_length=10)
    room, (anna,) = await room_with(services, 'anna')
    await services.messages.post(anna, room.id, '0123456789')
    with pytest.raises(InvalidInput) as info:
        await services.messages.post(anna, room.id, '0123456789x')
    assert info.value.params == {'max': 10}


async def test_default_limit_is_4000_characters(services: Services) -> None:
    room, (anna,) = await room_with(services, 'anna')
    assert len((await services.messages.post(anna, room.id, '🙂' * 4000)).body) == 4000
    with pytest.raises(InvalidInput):
        await services.messages.post(anna, room.id, '🙂' * 4001)


async def test_post_into_a_missing_room_or_from_a_stale_session(services: Services, recorder: Recorder) -> None:
    room, (anna,) = await room_with(services, 'anna')
    recorder.listen(services.hub, room_topic(room.id), room_topic(room.id + 100))
    with pytest.raises(NotFound) as info:
        await services.messages.post(anna, room.id + 100, 'hello?')
    assert info.value.key == 'room_not_found'
    renewed = await services.accounts.set_password_admin('anna', 'another-password')
    with pytest.raises(NotAuthenticated):
        await services.messages.post(anna, room.id, 'from a stale page')
    assert await count_rows(services, Message) == 0 and recorder.total() == 0
    await services.messages.post(renewed, room.id, 'from a fresh page')


async def test_message_rate_allows_a_burst_of_twenty_then_waits(services: Services) -> None:
    """A quick back-and-forth: 20 at once go through (CHAT_MESSAGE_BURST), the 21st is told how long to wait.

    The bucket's clock stands still, so a slow database (20 posts taking over a second) refills nothing."""
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    now = time.monotonic()
    services.messages.rate = TokenBucket(
        services.settings.message_burst,
        services.settings.message_rate,
        services.settings.message_rate_window,
        clock=lambda: now,
    )
    for number in range(20):
        await services.messages.post(anna, room.id, f'burst {number}')
    with pytest.raises(RateLimited) as info:
        await services.messages.post(anna, room.id, 'one too many')
    assert info.value.key == 'rate_messages'
    assert info.value.params['seconds'] == 1  # the sustained rate (10 per 10 s) gives one back each second
    await services.messages.post(boris, room.id, 'others are not slowed down')
    assert await count_rows(services, Message) == 21


async def test_message_rate_refills_at_the_sustained_rate(make_services: ServicesFactory) -> None:
    services = await make_services(message_burst=3, message_rate=3, message_rate_window=1.0)
    clock = [time.monotonic()]  # moved by hand: a slow database or a busy machine adds no tokens of its own
    services.messages.rate = TokenBucket(3, 3, 1.0, clock=lambda: clock[0])
    room, (anna,) = await room_with(services, 'anna')
    for number in range(3):
        await services.messages.post(anna, room.id, f'burst {number}')
    with pytest.raises(RateLimited):
        await services.messages.post(anna, room.id, 'too soon')
    wait = services.messages.rate.retry_after(f'messages:{anna.id}')  # until one token is back: 1/3 s
    assert wait == pytest.approx(1 / 3)
    clock[0] += wait
    await services.messages.post(anna, room.id, 'later')
    with pytest.raises(RateLimited):  # one came back, one was used
        await services.messages.post(anna, room.id, 'again too soon')
    assert await count_rows(services, Message) == 4


async def test_a_message_that_cannot_be_stored_does_not_count(make_services: ServicesFactory) -> None:
    services = await make_services(message_burst=2, message_rate=1, message_rate_window=3600)
    room, (anna,) = await room_with(services, 'anna')
    await services.messages.post(anna, room.id, 'first')
    with pytest.raises(NotFound):  # refused after the rate check: the token comes back
        await services.messages.post(anna, room.id + 100, 'into a missing room')
    await services.messages.post(anna, room.id, 'second')
    with pytest.raises(RateLimited):
        await services.messages.post(anna, room.id, 'third')


# --- history ------------------------------------------------------------------------------------------------------


async def test_history_pages_newest_first_page_oldest_first_without_gaps(make_services: ServicesFactory) -> None:
    services = await make_services(message_burst=1000, message_rate=1000)
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    other = await services.rooms.create(anna, 'Other')
    posted = []
    for number in range(137):
        author = anna if number % 3 else boris
        posted.append(await services.messages.post(author, room.id, f'message {number}'))
        if number % 10 == 0:
            await services.messages.post(anna, other.id, f'elsewhere {number}')

    newest = await services.messages.history(room.id)
    assert [m.body for m in newest] == [f'message {n}' for n in range(87, 137)]
    pages = [newest]
    while pages[-1]:
        pages.append(await services.messages.history(room.id, before_id=pages[-1][0].id))
    assert [len(page) for page in pages] == [50, 50, 37, 0]
    everything = [message for page in reversed(pages) for message in page]
    assert [m.id for m in everything] == [m.id for m in posted]  # no duplicates, no gaps, in order
    assert [(m.body, m.author.id) for m in everything] == [(m.body, m.author.id) for m in posted]
    assert all(m.room_id == room.id for m in everything)
    assert len(await services.messages.history(room.id, limit=10)) == 10
    assert len(await services.messages.history(room.id, limit=10_000)) == 137  # capped at 200
    assert await services.messages.history(room.id + 100) == []


async def test_history_page_size_is_a_setting(make_services: ServicesFactory) -> None:
    services = await make_services(history_page_size=5, message_rate=1000)
    room, (anna,) = await room_with(services, 'anna')
    for number in range(7):
        await services.messages.post(anna, room.id, str(number))
    assert [m.body for m in await services.messages.history(room.id)] == ['2', '3', '4', '5', '6']


async def test_history_is_one_range_scan_on_the_room_id_index(services: Services) -> None:
    sqlite_file(services)
    room, (anna,) = await room_with(services, 'anna')
    last = await services.messages.post(anna, room.id, 'hello')
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(services.db.engine, 'before_cursor_execute', capture)
    try:
        await services.messages.history(room.id)
        await services.messages.history(room.id, before_id=last.id)
    finally:
        event.remove(services.db.engine, 'before_cursor_execute', capture)
    queries = [(sql, params) for sql, params in statements if 'FROM message' in sql]
    assert len(queries) == 2  # one query per page, authors joined in
    for sql, params in queries:
        assert 'JOIN user' in sql
        plan = ' | '.join(row[-1] for row in await execute_plan(services, sql, params))
        assert 'ix_message_room_id_id' in plan, plan
        assert 'TEMP B-TREE' not in plan, plan  # the index gives the order: no sort of the room's messages
        assert 'SCAN message' not in plan, plan


async def execute_plan(services: Services, sql: str, params: Any) -> list[tuple[Any, ...]]:
    def work(session: Any) -> list[tuple[Any, ...]]:
        raw = session.connection().connection.dbapi_connection
        return list(raw.execute(f'EXPLAIN QUERY PLAN {sql}', params))

    return await services.db.run(work)


# --- a failing database -------------------------------------------------------------------------------------------


async def test_a_missing_table_raises_unavailable_and_publishes_nothing(
    services: Services, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    room, (anna,) = await room_with(services, 'anna')
    recorder.listen(services.hub, room_topic(room.id))
    await services.messages.post(anna, room.id, 'before')
    await execute(services, 'ALTER TABLE message RENAME TO message_away')
    with caplog.at_level(logging.ERROR):
        with pytest.raises(Unavailable) as info:
            await services.messages.post(anna, room.id, 'during the outage')
    assert info.value.key == 'message_not_stored'
    assert len(recorder.of(room_topic(room.id))) == 1
    assert await services.rooms.get(room.id) == room  # the process keeps serving
    await execute(services, 'ALTER TABLE message_away RENAME TO message')
    after = await services.messages.post(anna, room.id, 'after')
    assert recorder.of(room_topic(room.id))[-1] == MessagePosted(after)
    assert [m.body for m in await services.messages.history(room.id)] == ['before', 'after']


async def test_a_locked_database_raises_unavailable_and_the_next_post_succeeds(
    services: Services, recorder: Recorder
) -> None:
    path = sqlite_file(services)
    room, (anna,) = await room_with(services, 'anna')
    recorder.listen(services.hub, room_topic(room.id))

    @event.listens_for(services.db.engine, 'connect')
    def short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:  # wait 0.2 s for a lock, not 5 s
        dbapi_connection.execute('PRAGMA busy_timeout=200')

    services.db.engine.dispose()
    outside = sqlite3.connect(path, isolation_level=None)
    try:
        outside.execute('BEGIN EXCLUSIVE')  # another process holds the write lock
        with pytest.raises(Unavailable):
            await services.messages.post(anna, room.id, 'while locked')
        assert recorder.total() == 0
        assert await services.rooms.get(room.id) == room  # reads still work: the process keeps serving
    finally:
        outside.execute('ROLLBACK')
        outside.close()
    message = await services.messages.post(anna, room.id, 'unlocked')
    assert recorder.of(room_topic(room.id)) == [MessagePosted(message)]
    assert [m.body for m in await services.messages.history(room.id)] == ['unlocked']


# --- private messages ---------------------------------------------------------------------------------------------


async def test_whisper_reaches_only_the_two_private_topics(
    services: Services, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    room, (anna, boris, vera) = await room_with(services, 'anna', 'boris', 'vera')
    other = await services.rooms.create(anna, 'Other')
    for user in (anna, boris, vera):
        await services.rooms.enter(user, room.id, f'tab-{user.username}')
    watched = [
        room_topic(room.id),
        private_topic(room.id, vera.id),
        private_topic(other.id, boris.id),
        room_topic(other.id),
        LOBBY,
        PROFILES,
        user_topic(anna.id),
        user_topic(boris.id),
        user_topic(vera.id),
    ]
    recorder.listen(services.hub, *watched)
    sent = recorder.listen(services.hub, private_topic(room.id, anna.id))
    received = Recorder().listen(services.hub, private_topic(room.id, boris.id))
    secret = 'the secret <b>password</b> is\nswordfish 🐟'
    with caplog.at_level(logging.DEBUG):
        whisper = await services.messages.whisper(anna, room.id, boris, f'  {secret}  ')
    assert whisper == PrivateMessage(room.id, anna, boris, secret, whisper.sent_at)
    assert received.of(private_topic(room.id, boris.id)) == [whisper]
    assert sent.of(private_topic(room.id, anna.id)) == [whisper]
    assert all(recorder.of(topic) == [] for topic in watched)
    assert await count_rows(services, Message) == 0
    assert 'swordfish' not in caplog.text


async def test_whisper_refusals(services: Services, recorder: Recorder) -> None:
    room, (anna, boris, vera) = await room_with(services, 'anna', 'boris', 'vera')
    other = await services.rooms.create(anna, 'Other')
    await services.rooms.enter(anna, room.id, 'a')
    await services.rooms.enter(boris, room.id, 'b')
    await services.rooms.enter(vera, other.id, 'v')  # online, but in another room
    recorder.listen(
        services.hub,
        private_topic(room.id, anna.id),
        private_topic(room.id, boris.id),
        private_topic(room.id, vera.id),
        private_topic(other.id, vera.id),
    )

    with pytest.raises(InvalidInput) as info:
        await services.messages.whisper(anna, room.id, anna, 'note to self')
    assert info.value.key == 'private_to_self'
    with pytest.raises(NotDelivered) as delivered:
        await services.messages.whisper(anna, room.id, vera, 'are you here?')
    assert (delivered.value.key, delivered.value.params) == ('private_not_delivered', {'name': 'vera'})
    for bad, key in [('', 'message_empty'), ('x' * 4001, 'message_too_long'), ('\x00', 'message_invalid')]:
        with pytest.raises(InvalidInput) as info:
            await services.messages.whisper(anna, room.id, boris, bad)
        assert info.value.key == key

    await services.rooms.leave(boris, room.id, 'b')  # the recipient left meanwhile
    with pytest.raises(NotDelivered):
        await services.messages.whisper(anna, room.id, boris, 'still there?')
    await services.rooms.enter(boris, room.id, 'b2')
    renewed = await services.accounts.set_password_admin('anna', 'another-password')
    with pytest.raises(NotAuthenticated):
        await services.messages.whisper(anna, room.id, boris, 'from a stale page')
    assert recorder.total() == 0
    assert await services.messages.whisper(renewed, room.id, boris, 'fresh')
    assert recorder.total() == 2  # boris's and anna's private topics in this room


async def test_whispers_share_the_message_rate(services: Services) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    await services.rooms.enter(boris, room.id, 'b')
    for number in range(10):  # the burst: 20
        await services.messages.post(anna, room.id, f'public {number}')
        await services.messages.whisper(anna, room.id, boris, f'private {number}')
    with pytest.raises(RateLimited):
        await services.messages.whisper(anna, room.id, boris, 'one too many')
    with pytest.raises(RateLimited):
        await services.messages.post(anna, room.id, 'one too many')


async def test_concurrent_posts_are_published_in_the_order_they_are_stored(make_services: ServicesFactory) -> None:
    """A room page drops a live message whose id is not newer than the newest it shows (that is how it skips what
    history already showed), so a message published after a newer one would never appear live: the room topic must
    carry the messages in id order however many are posted at once."""
    services = await make_services(message_rate=1_000_000, db_threads=8)
    users = [await add_user(services, f'user{number}') for number in range(16)]
    room = await services.rooms.create(users[0], 'Busy')
    published: list[int] = []
    services.hub.subscribe(room_topic(room.id), lambda event: published.append(event.message.id))  # type: ignore[union-attr]
    for burst in range(12):
        await asyncio.gather(*(services.messages.post(user, room.id, f'{burst}') for user in users))
    stored = [m.id for m in await services.messages.history(room.id, limit=200)]
    assert len(published) == 192
    assert published == stored
    assert published == sorted(published), 'a message was published after a newer one'


async def test_pages_reading_the_same_history_share_its_views_until_a_message_changes(services: Services) -> None:
    room, (anna,) = await room_with(services, 'anna')
    first = await services.messages.post(anna, room.id, 'one')
    await services.messages.post(anna, room.id, 'two')
    one_page = await services.messages.history(room.id, reader=anna)
    other_page = await services.messages.history(room.id, reader=anna)
    assert other_page == one_page
    assert all(a is b for a, b in zip(one_page, other_page, strict=True))  # one copy for every page showing them
    await services.messages.edit(anna, room.id, first.id, 'one, edited')
    after = await services.messages.history(room.id, reader=anna)
    assert after[0].body == 'one, edited' and after[0] is not one_page[0]
    assert after[1] is one_page[1]
