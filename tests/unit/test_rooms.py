"""Rooms: names, uniqueness regardless of case, who may rename and delete, cascades and the creation rate."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from chat.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied, RateLimited
from chat.events import RoomActivity, RoomChanged
from chat.hub import LOBBY, room_topic
from chat.services import Services
from chat.views import RoomSummary
from models import Membership, Message, Room
from storage import rooms as room_queries
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import Recorder, add_user, count_rows, execute

SECOND = timedelta(seconds=1)


async def test_create_trims_stores_and_announces(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    recorder.listen(services.hub, LOBBY)
    room = await services.rooms.create(anna, '  General chat  ')
    assert (room.name, room.owner_id) == ('General chat', anna.id)
    assert await services.rooms.get(room.id) == room
    assert await services.rooms.all() == [room]
    assert recorder.of(LOBBY) == [RoomChanged(room, 'created')]


async def test_rooms_are_listed_by_name_regardless_of_case(services: Services) -> None:
    anna = await add_user(services, 'anna')
    for name in ['beta', 'Alpha', 'gamma', 'Яблоко', 'Delta']:
        await services.rooms.create(anna, name)
    assert [room.name for room in await services.rooms.all()] == ['Alpha', 'beta', 'Delta', 'gamma', 'Яблоко']


@pytest.mark.parametrize(
    ('name', 'key'),
    [
        ('', 'room_name_length'),
        ('   ', 'room_name_length'),
        ('r' * 65, 'room_name_length'),
        ('two\nlines', 'room_name_invalid'),
        ('bell\x07', 'room_name_invalid'),
        ('tab\there', 'room_name_invalid'),
    ],
)
async def test_bad_names_are_refused_and_nothing_is_stored(
    services: Services, recorder: Recorder, name: str, key: str
) -> None:
    anna = await add_user(services, 'anna')
    recorder.listen(services.hub, LOBBY)
    for call in (services.rooms.create, services.rooms.open_by_name):
        with pytest.raises(InvalidInput) as info:
            await call(anna, name)
        assert info.value.key == key
    assert await count_rows(services, Room) == 0
    assert recorder.total() == 0


async def test_name_length_boundaries(services: Services) -> None:
    anna = await add_user(services, 'anna')
    assert (await services.rooms.create(anna, 'x')).name == 'x'
    assert (await services.rooms.create(anna, ' ' + 'y' * 64 + ' ')).name == 'y' * 64


@pytest.mark.parametrize(
    ('first', 'clash'),
    [
        ('General', 'general'),
        ('General', '  GENERAL  '),
        ('Привет', 'ПРИВЕТ'),
        ('Привет', 'привет'),
        ('Ёлка', 'ёЛКА'),
        ('straße', 'STRASSE'),
        ('ΣΑΣ', 'σας'),
    ],
)
async def test_names_are_unique_regardless_of_case(services: Services, first: str, clash: str) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    room = await services.rooms.create(anna, first)
    with pytest.raises(Conflict) as info:
        await services.rooms.create(boris, clash)
    assert info.value.key == 'room_name_taken'
    assert info.value.params == {'name': clash.strip()}
    assert await services.rooms.all() == [room]
    assert await services.rooms.open_by_name(boris, clash) == (room, False)


async def test_open_by_name_opens_an_existing_room_or_creates_one(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    recorder.listen(services.hub, LOBBY)
    created, was_created = await services.rooms.open_by_name(anna, ' Lounge ')
    assert was_created and created.name == 'Lounge' and created.owner_id == anna.id
    opened, was_created = await services.rooms.open_by_name(boris, 'LOUNGE')
    assert not was_created and opened == created
    assert recorder.of(LOBBY) == [RoomChanged(created, 'created')]
    assert await count_rows(services, Room) == 1


async def test_only_the_owner_or_an_admin_may_rename(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    admin = await add_user(services, 'admin', is_admin=True)
    room = await services.rooms.create(anna, 'General')
    recorder.listen(services.hub, LOBBY, room_topic(room.id))
    with pytest.raises(PermissionDenied) as info:
        await services.rooms.rename(boris, room.id, 'Boris was here')
    assert info.value.key == 'not_room_owner'
    assert (await services.rooms.get(room.id)).name == 'General'
    assert recorder.total() == 0

    renamed = await services.rooms.rename(anna, room.id, '  Main  ')
    assert renamed.name == 'Main' and renamed.owner_id == anna.id
    assert recorder.of(LOBBY) == recorder.of(room_topic(room.id)) == [RoomChanged(renamed, 'renamed')]
    by_admin = await services.rooms.rename(admin, room.id, 'Admin named')
    assert (await services.rooms.get(room.id)) == by_admin
    assert (await services.rooms.rename(anna, room.id, 'ADMIN NAMED')).name == 'ADMIN NAMED'  # own name, new case


async def test_rename_refusals(services: Services) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'General')
    await services.rooms.create(anna, 'Привет')
    with pytest.raises(Conflict):
        await services.rooms.rename(anna, room.id, 'ПРИВЕТ')
    with pytest.raises(InvalidInput):
        await services.rooms.rename(anna, room.id, '')
    with pytest.raises(NotFound):
        await services.rooms.rename(anna, room.id + 100, 'Nowhere')
    assert (await services.rooms.get(room.id)).name == 'General'
    renewed = await services.accounts.set_password_admin('anna', 'another-password')
    with pytest.raises(NotAuthenticated):
        await services.rooms.rename(anna, room.id, 'Stale page')
    assert (await services.rooms.rename(renewed, room.id, 'Fresh page')).name == 'Fresh page'


async def test_only_the_owner_or_an_admin_may_delete(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    admin = await add_user(services, 'admin', is_admin=True)
    first = await services.rooms.create(anna, 'First')
    second = await services.rooms.create(anna, 'Second')
    await services.messages.post(anna, first.id, 'hello')
    recorder.listen(services.hub, LOBBY, room_topic(first.id))
    with pytest.raises(PermissionDenied):
        await services.rooms.delete(boris, first.id)
    assert await services.rooms.get(first.id) == first
    assert await count_rows(services, Message) == 1
    assert recorder.total() == 0

    await services.rooms.delete(anna, first.id)
    assert recorder.of(LOBBY) == recorder.of(room_topic(first.id)) == [RoomChanged(first, 'deleted')]
    with pytest.raises(NotFound):
        await services.rooms.get(first.id)
    with pytest.raises(NotFound):
        await services.rooms.delete(anna, first.id)
    await services.rooms.delete(admin, second.id)
    assert await services.rooms.all() == []


async def test_delete_removes_messages_memberships_and_presence(services: Services) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    doomed = await services.rooms.create(anna, 'Doomed')
    kept = await services.rooms.create(anna, 'Kept')
    for room in (doomed, kept):
        await services.rooms.enter(anna, room.id, 'tab-a')
        await services.rooms.enter(boris, room.id, 'tab-b')
        await services.messages.post(anna, room.id, f'hello {room.name}')
        await services.messages.post(boris, room.id, f'hi {room.name}')
    assert await count_rows(services, Membership) == 4
    await services.rooms.delete(anna, doomed.id)
    assert await count_rows(services, Message) == 2
    assert await count_rows(services, Membership) == 2
    assert await execute(services, f'SELECT count(*) FROM message WHERE room_id = {doomed.id}') == [(0,)]
    assert [m.body for m in await services.messages.history(kept.id)] == ['hello Kept', 'hi Kept']
    assert await services.messages.history(doomed.id) == []
    assert await services.rooms.online(doomed.id) == []
    assert doomed.id not in await services.rooms.counts()
    assert (await services.rooms.counts())[kept.id] == 2


async def test_a_deleted_owner_leaves_the_room_to_admins(services: Services) -> None:
    anna = await add_user(services, 'anna')
    admin = await add_user(services, 'admin', is_admin=True)
    room = await services.rooms.create(anna, 'Orphan')
    await execute(services, f'DELETE FROM "user" WHERE id = {anna.id}')
    assert (await services.rooms.get(room.id)).owner_id is None
    assert (await services.rooms.rename(admin, room.id, 'Adopted')).name == 'Adopted'


async def test_managed_by(services: Services) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    admin = await add_user(services, 'admin', is_admin=True)
    mine = await services.rooms.create(anna, 'Mine')
    theirs = await services.rooms.create(boris, 'Theirs')
    assert await services.rooms.managed_by(anna) == [mine]
    assert await services.rooms.managed_by(boris) == [theirs]
    assert await services.rooms.managed_by(admin) == [mine, theirs]


async def test_room_creation_rate_per_user(make_services: ServicesFactory) -> None:
    services = await make_services(room_create_rate=2)
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    await services.rooms.create(anna, 'one')
    with pytest.raises(Conflict):  # refused creations do not count
        await services.rooms.create(anna, 'ONE')
    await services.rooms.create(anna, 'two')
    with pytest.raises(RateLimited) as info:
        await services.rooms.create(anna, 'three')
    assert info.value.key == 'rate_rooms'
    assert 0 < info.value.params['seconds'] <= 3601
    with pytest.raises(RateLimited):
        await services.rooms.open_by_name(anna, 'three')
    assert (await services.rooms.open_by_name(anna, 'TWO'))[1] is False  # opening existing rooms still works
    await services.rooms.create(boris, 'three')
    assert await count_rows(services, Room) == 3


async def test_default_room_creation_rate_is_twenty_per_hour(services: Services) -> None:
    anna = await add_user(services, 'anna')
    for number in range(20):
        await services.rooms.create(anna, f'room {number}')
    with pytest.raises(RateLimited):
        await services.rooms.create(anna, 'room 20')


async def test_names_that_case_folding_lengthens_fit_the_key_column(services: Services) -> None:
    """'ß' folds to 'ss' (and some letters to three): a 64-character name's key can be longer than 64 characters,
    which PostgreSQL refuses when the column is too narrow."""
    anna = await add_user(services, 'anna')
    key_length = Room.__table__.c.name_key.type.length  # type: ignore[attr-defined]
    created = {}
    for name in ['ß' * 64, 'ΐ' * 64, 'ﬃ' * 64]:
        assert len(name.casefold()) <= key_length
        created[name] = await services.rooms.create(anna, name)
        assert (await services.rooms.get(created[name].id)).name == name
    sharp = created['ß' * 64]
    with pytest.raises(Conflict):
        await services.rooms.create(anna, 'ẞ' * 64)  # capital sharp s: the same name
    assert (await services.rooms.rename(anna, sharp.id, 'ẞ' * 64)).name == 'ẞ' * 64


async def test_many_open_the_same_new_name_at_once(services: Services, recorder: Recorder) -> None:
    users = [await add_user(services, f'user{number}') for number in range(8)]
    recorder.listen(services.hub, LOBBY)
    results = await asyncio.gather(
        *(services.rooms.open_by_name(user, 'Party' if n % 2 else 'PARTY') for n, user in enumerate(users))
    )
    rooms = {room.id for room, _ in results}
    assert len(rooms) == 1
    assert sum(created for _, created in results) == 1
    assert await count_rows(services, Room) == 1
    assert len(recorder.of(LOBBY)) == 1


async def test_concurrent_renames_to_one_name_leave_one_winner(services: Services) -> None:
    anna = await add_user(services, 'anna')
    rooms = [await services.rooms.create(anna, f'room {number}') for number in range(6)]
    results = await asyncio.gather(
        *(services.rooms.rename(anna, room.id, 'Winner') for room in rooms), return_exceptions=True
    )
    assert sum(not isinstance(result, BaseException) for result in results) == 1
    assert all(isinstance(result, Conflict) for result in results if isinstance(result, BaseException))
    assert sorted(room.name for room in await services.rooms.all()).count('Winner') == 1


async def test_concurrent_creations_cannot_slip_past_the_room_rate(make_services: ServicesFactory) -> None:
    services = await make_services(room_create_rate=3)
    anna = await add_user(services, 'anna')
    results = await asyncio.gather(
        *(services.rooms.create(anna, f'room {n}') for n in range(12)), return_exceptions=True
    )
    assert all(isinstance(result, RateLimited) for result in results if isinstance(result, BaseException)), results
    assert await count_rows(services, Room) == 3


# --- the directory --------------------------------------------------------------------------------------------------


async def test_directory_orders_by_last_activity_then_by_creation(services: Services) -> None:
    anna = await add_user(services, 'anna', display_name='Anna')
    quiet_old = await services.rooms.create(anna, 'Quiet old')
    early = await services.rooms.create(anna, 'Early')
    late = await services.rooms.create(anna, 'Late')
    quiet_new = await services.rooms.create(anna, 'Quiet new')
    await services.messages.post(anna, late.id, 'first of all')
    await services.messages.post(anna, early.id, 'then here')
    newest = await services.messages.post(anna, early.id, 'and here again')
    directory = await services.rooms.directory()
    assert [summary.room for summary in directory] == [early, late, quiet_new, quiet_old]
    top = directory[0]
    assert (top.last_message_id, top.last_author, top.last_preview, top.last_deleted) == (
        newest.id,
        'Anna',
        'and here again',
        False,
    )
    assert top.last_message_at is not None and abs(top.activity[1] - newest.created_at.replace(tzinfo=UTC)) < SECOND
    await services.messages.post(anna, late.id, 'back in late')  # activity moves a room up
    assert [summary.room.name for summary in await services.rooms.directory()][:2] == ['Late', 'Early']


async def test_directory_previews_are_plain_short_words(services: Services) -> None:
    anna = await add_user(services, 'anna', display_name='Анна <b>')
    formatted = await services.rooms.create(anna, 'Formatted')
    long = await services.rooms.create(anna, 'Long')
    await services.messages.post(anna, formatted.id, '**bold** <i>tag</i>\n\n  second   line')
    await services.messages.post(anna, long.id, 'word ' * 300)
    previews = {summary.room.name: summary for summary in await services.rooms.directory()}
    assert previews['Formatted'].last_author == 'Анна <b>'
    assert previews['Formatted'].last_preview == 'bold <i>tag</i> second line'
    assert previews['Long'].last_preview.startswith('word word')
    assert len(previews['Long'].last_preview) <= 200


async def test_directory_shows_a_deleted_last_message_and_an_empty_room(services: Services) -> None:
    anna = await add_user(services, 'anna', display_name='Anna')
    room = await services.rooms.create(anna, 'General')
    empty = await services.rooms.create(anna, 'Empty')
    await services.messages.post(anna, room.id, 'kept')
    gone = await services.messages.post(anna, room.id, 'secret words')
    await services.messages.delete(anna, room.id, gone.id)
    general, nothing = await services.rooms.directory()
    assert (general.room, general.last_message_id, general.last_deleted) == (room, gone.id, True)
    assert general.last_preview == '' and general.last_author == 'Anna'
    assert nothing == RoomSummary(empty)
    assert nothing.last_message_at is None and nothing.last_preview == ''


async def test_directory_reads_the_newest_message_by_index(services: Services) -> None:
    """One index probe per room: the plan never scans the message table (it may hold millions of rows)."""
    if services.db.engine.dialect.name != 'sqlite':
        pytest.skip('SQLite plan')

    def plan(session: Session) -> str:
        captured: list[tuple[str, tuple]] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            if statement.lstrip().upper().startswith('SELECT'):  # not a fresh connection's PRAGMAs
                captured.append((statement, parameters))

        connection = session.connection()  # this session's statements only, not another thread's at the same time
        event.listen(connection, 'before_cursor_execute', record)
        try:
            room_queries.directory(session, 200)
        finally:
            event.remove(connection, 'before_cursor_execute', record)
        ((statement, parameters),) = captured  # one query
        rows = session.connection().exec_driver_sql(f'EXPLAIN QUERY PLAN {statement}', parameters).all()
        return '\n'.join(str(row[-1]) for row in rows)

    found = await services.db.run(plan)
    assert 'ix_message_room_id_id' in found, found
    assert 'SCAN message' not in found, found


async def test_posts_and_changes_of_the_newest_message_reach_the_lobby(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna', display_name='Anna')
    room = await services.rooms.create(anna, 'General')
    recorder.listen(services.hub, LOBBY)
    message = await services.messages.post(anna, room.id, '*Hello*\nworld')
    assert recorder.of(LOBBY) == [RoomActivity(room.id, message.id, 'Anna', 'Hello world', message.created_at)]
    older = await services.messages.post(anna, room.id, 'older')
    newest = await services.messages.post(anna, room.id, 'newest')
    await services.messages.delete(anna, room.id, older.id)  # not the one the directory shows: not announced
    assert len(recorder.of(LOBBY)) == 3
    await services.messages.edit(anna, room.id, newest.id, 'newest, **corrected**')
    await services.messages.delete(anna, room.id, newest.id)
    assert recorder.of(LOBBY)[3:] == [
        RoomActivity(room.id, newest.id, 'Anna', 'newest, corrected', newest.created_at, changed=True),
        RoomActivity(room.id, newest.id, 'Anna', '', newest.created_at, changed=True, deleted=True),
    ]
