"""Faults and secrecy as a person meets them: a failing database while sending, and private text at rest."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from nicegui.testing import User
from sqlalchemy import text

from tests.ui.helpers import by_testid, open_room, register, send, services, value_of, whisper_to


def _execute(statement: str) -> None:
    with services().db.engine.begin() as connection:
        connection.execute(text(statement))


async def test_failed_store_is_shown_to_the_sender_and_shown_to_no_one(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    bob = create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    await open_room(user, 'Kitchen')
    _execute('ALTER TABLE message RENAME TO message_away')  # the database fails every insert now
    try:
        await send(user, 'this one cannot be stored')
        await user.should_see('The message could not be stored and was not sent. Please try again.', retries=30)
        assert value_of(user, 'message-input') == 'this one cannot be stored'  # kept for the next try
        await bob.should_not_see('this one cannot be stored')
    finally:
        _execute('ALTER TABLE message_away RENAME TO message')
    by_testid(user, 'send').click()  # the same text, once the database is back
    await bob.should_see('this one cannot be stored')
    bodies = [m.body for m in await services().messages.history(1)]
    assert bodies == ['this one cannot be stored']


async def test_private_text_is_in_no_table_file_and_no_log(
    user: User, create_user, fresh_data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await register(user, 'anna', display_name='Anna')
    bob = create_user()
    await register(bob, 'bob', display_name='Bob')
    await open_room(user, 'Kitchen')
    await open_room(bob, 'Kitchen')
    await send(user, 'a public line')
    await bob.should_see('a public line')
    whisper_to(user, 'bob')
    secret = 'PRIVATE-7f3a9c-the-key-is-under-the-mat'
    by_testid(user, 'private-input').type(secret).trigger('keydown.enter')
    await bob.should_see(secret)
    assert _rows_containing('a public line') == 1  # the check can see what is stored...
    assert _rows_containing(secret) == 0  # ...and the private text is in no text column of any table
    services().db.engine.dispose()  # every file byte is on disk now
    files = b''.join(path.read_bytes() for path in fresh_data_dir.rglob('*') if path.is_file())
    if services().db.engine.dialect.name == 'sqlite':
        assert b'a public line' in files  # the database file, its WAL and the sessions are in the data folder
    assert secret.encode() not in files  # database files (SQLite), sessions, media
    assert secret not in caplog.text


def _rows_containing(needle: str) -> int:
    """Rows of any table with any text column containing `needle`."""
    from sqlalchemy import String, func, or_, select
    from sqlmodel import SQLModel

    found = 0
    with services().db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(getattr(c.type, 'impl', c.type), String)]
            if columns:
                query = select(func.count()).select_from(table).where(or_(*(c.contains(needle) for c in columns)))
                found += connection.execute(query).scalar_one()
    return found
