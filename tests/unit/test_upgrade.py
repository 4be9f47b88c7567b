"""Upgrading a database of the first release: the schema of the first migration, filled with SQL valid at that
revision, brought to head by storage/migrate.py (what every server start does), then read by the app's services.

On SQLite, and on PostgreSQL in a fresh database of its own (skipped when no server answers, failed under CI=true).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

from chat import services as service_factory
from chat.errors import Conflict
from chat.settings import Settings
from storage import migrate
from storage.db import make_engine
from tests.conftest import TEST_DATABASE_URL, create_database, drop_database
from tests.unit.helpers import PASSWORD, password_hash

PG_URL = TEST_DATABASE_URL or 'postgresql+psycopg://postgres@127.0.0.1:5432/postgres'
FIRST = '0001'
PEOPLE = [  # username, display name, admin, language
    ('anna', 'Anna Smirnova', True, 'ru'),
    ('boris', 'Борис', False, None),
    ('clara', 'Clara', False, 'en'),
    ('c1ara', 'C-one', False, None),  # looks like clara: 0003 leaves it without a username skeleton
]
ROOMS = [('General', 'anna'), ('Кухня', 'boris')]
MESSAGES = 120  # in General, alternating authors; 3 in Кухня
OLD = '2024-03-01 12:00:00.000000'  # the way SQLAlchemy stores a UTC datetime; PostgreSQL reads it as one


@pytest.fixture(params=['sqlite', 'postgresql'])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == 'sqlite':
        yield f'sqlite:///{tmp_path / "first-release.db"}'
        return
    import psycopg

    try:
        url = create_database(PG_URL, prefix='chat_upgrade')
    except psycopg.Error as error:
        if os.environ.get('CI', '').lower() == 'true':
            pytest.fail(f'PostgreSQL missing under CI: {error}', pytrace=False)
        pytest.skip(f'PostgreSQL unreachable: {str(error).splitlines()[0]}')
    try:
        yield url
    finally:
        drop_database(PG_URL, url)


def fill_first_release(engine: Engine) -> dict[str, int]:
    """Users, rooms, memberships and messages as the first release wrote them (its columns only, ids by the
    database); returns the room ids by name."""
    with engine.begin() as db:
        for username, display_name, admin, language in PEOPLE:
            db.execute(
                text(
                    'INSERT INTO "user" (username, username_key, display_name, password_hash, is_admin, language, '
                    'session_version, created_at) VALUES (:name, :key, :display, :hash, :admin, :lang, 0, :at)'
                ),
                {
                    'name': username,
                    'key': username.lower(),
                    'display': display_name,
                    'hash': password_hash(),
                    'admin': admin,
                    'lang': language,
                    'at': OLD,
                },
            )
        users = dict(db.execute(text('SELECT username, id FROM "user"')).all())
        for name, owner in ROOMS:
            db.execute(
                text('INSERT INTO room (name, name_key, owner_id, created_at) VALUES (:name, :key, :owner, :at)'),
                {'name': name, 'key': name.casefold(), 'owner': users[owner], 'at': OLD},
            )
        rooms = dict(db.execute(text('SELECT name, id FROM room')).all())
        authors = [users['anna'], users['boris']]
        db.execute(
            text('INSERT INTO message (room_id, author_id, body, created_at) VALUES (:room, :author, :body, :at)'),
            [
                {'room': rooms['General'], 'author': authors[i % 2], 'body': f'old message {i} <b>bold?</b>', 'at': OLD}
                for i in range(MESSAGES)
            ]
            + [{'room': rooms['Кухня'], 'author': users['boris'], 'body': f'чай {i}', 'at': OLD} for i in range(3)],
        )
        newest = db.execute(text('SELECT max(id) FROM message WHERE room_id = :r'), {'r': rooms['General']}).scalar()
        db.execute(
            text(
                'INSERT INTO membership (user_id, room_id, joined_at, last_read_message_id) '
                'VALUES (:user, :room, :at, :last)'
            ),
            [
                {'user': users['anna'], 'room': rooms['General'], 'at': OLD, 'last': newest},
                {'user': users['boris'], 'room': rooms['Кухня'], 'at': OLD, 'last': None},
            ],
        )
    return rooms


def revision(engine: Engine) -> str:
    with engine.connect() as db:
        return db.execute(text('SELECT version_num FROM alembic_version')).scalar_one()


@pytest.mark.usefixtures('cheap_hashing')
async def test_first_release_database_upgrades_to_head_and_is_read_by_the_services(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    command.upgrade(migrate.alembic_config(engine), FIRST)
    assert revision(engine) == FIRST
    rooms = fill_first_release(engine)

    await asyncio.to_thread(migrate.upgrade, engine)  # what the server does on start
    head = ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head()
    assert revision(engine) == head != FIRST
    with engine.connect() as db:
        skeletons = dict(db.execute(text('SELECT username, username_skeleton FROM "user"')).all())
        last_read = db.execute(text('SELECT last_read_message_id FROM membership ORDER BY room_id')).scalars().all()
        newest = db.execute(text('SELECT max(id) FROM message GROUP BY room_id ORDER BY room_id')).scalars().all()
    engine.dispose()
    assert skeletons['clara'] == 'clara' and skeletons['c1ara'] is None  # filled, the later look-alike left out
    # a mark kept, and one the upgrade sets: what came before it counts as read, not as 3 unread messages
    assert last_read == newest

    services = service_factory.build(Settings(data_dir=tmp_path / 'data', database_url=database_url))
    await asyncio.to_thread(services.migrate)  # at head already: nothing to do
    await services.start()
    try:
        anna = await services.accounts.authenticate('anna', PASSWORD)  # the old hash still verifies
        assert (anna.display_name, anna.is_admin, anna.language) == ('Anna Smirnova', True, 'ru')
        boris = await services.accounts.authenticate('boris', PASSWORD)
        assert boris.display_name == 'Борис' and not boris.is_admin

        listed = {room.name: room for room in await services.rooms.all()}
        assert set(listed) == {'General', 'Кухня'}
        assert listed['General'].owner_id == anna.id and listed['Кухня'].owner_id == boris.id

        newest = await services.messages.history(rooms['General'], limit=50)
        older = await services.messages.history(rooms['General'], before_id=newest[0].id, limit=200)
        history = older + newest
        assert [m.body for m in history] == [f'old message {i} <b>bold?</b>' for i in range(MESSAGES)]
        assert [m.author.display_name for m in history[:2]] == ['Anna Smirnova', 'Борис']
        assert [m.body for m in await services.messages.history(rooms['Кухня'])] == ['чай 0', 'чай 1', 'чай 2']

        # and the upgraded database takes new data: ids go on after the old ones (sequences kept on PostgreSQL)
        posted = await services.messages.post(anna, rooms['General'], 'after the upgrade')
        assert posted.id > history[-1].id
        with pytest.raises(Conflict):
            await services.accounts.register('cIara', 'password-123')  # looks like clara: the new rule holds
        dana = await services.accounts.register('dana', 'password-123')
        assert dana.id > max(anna.id, boris.id)
        room, created = await services.rooms.open_by_name(dana, 'Новая')
        assert created and room.id not in rooms.values()
    finally:
        await services.stop()
