"""The server log (chat/logs.py): JSON lines that parse one by one, and no message text, name or password in them
even with everything logged (DEBUG), while messages are posted, read, refused and whispered."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from chat import logs
from chat.errors import ChatError, Unavailable
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import PASSWORD, add_user
from tests.unit.test_storage_faults import storage_fault

NAMES = ['', *logs.UVICORN, *logs.QUIET, 'alembic']


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The app's JSON logging at DEBUG into a buffer; pytest's own handlers and levels come back afterwards."""
    saved = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).level, logging.getLogger(name).propagate)
        for name in NAMES
    }
    stream = io.StringIO()
    logs.configure('json', 'debug', stream)
    try:
        yield stream
    finally:
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def entries(stream: io.StringIO) -> list[dict]:
    lines = stream.getvalue().splitlines()
    return [json.loads(line) for line in lines]  # every line is one whole JSON object


def test_json_lines_carry_time_level_logger_message_and_extras(json_log: io.StringIO) -> None:
    log = logging.getLogger('chat.test')
    log.info('room %d opened', 7, extra={'room_id': 7, 'instance': 'a1'})
    log.warning('two\nlines "quoted" \u202e')
    try:
        raise ValueError('boom')
    except ValueError:
        log.exception('failed')
    first, second, third = entries(json_log)
    assert first['message'] == 'room 7 opened' and first['level'] == 'INFO' and first['logger'] == 'chat.test'
    assert (first['room_id'], first['instance']) == (7, 'a1')
    assert first['time'].endswith('+00:00') and 'T' in first['time']
    assert second['message'] == 'two\nlines "quoted" \u202e'  # one line on disk however many in the message
    assert third['level'] == 'ERROR' and 'ValueError: boom' in third['exception']
    assert len(json_log.getvalue().splitlines()) == 3


def test_text_format_is_the_default_and_readable() -> None:
    stream = io.StringIO()
    handler = logs.make_handler('text', stream)
    record = logging.LogRecord('chat.x', logging.WARNING, __file__, 1, 'hello %s', ('there',), None)
    handler.emit(record)
    assert stream.getvalue().rstrip().endswith('WARNING chat.x: hello there')


async def test_no_message_text_names_or_passwords_reach_the_log(
    json_log: io.StringIO, make_services: ServicesFactory, cheap_hashing: None
) -> None:
    services = await make_services()
    secret = 'zqx-private-words-42'
    author = await add_user(services, 'logauthor', display_name='Secretname Logauthor')
    other = await add_user(services, 'logother', display_name='Hiddenname Other')
    registered = await services.accounts.register(
        'lognewbie', 'Pass-word-secret-9', 'Newbiename Shown', client='1.2.3.4'
    )
    await services.accounts.authenticate('logauthor', PASSWORD, client='1.2.3.4')
    with pytest.raises(ChatError):
        await services.accounts.authenticate('logauthor', 'Wrong-pass-secret-7', client='1.2.3.4')
    room = await services.rooms.create(author, 'Hiddenroom')
    await services.rooms.enter(other, room.id, 'conn-1')
    await services.messages.post(author, room.id, f'{secret} public')
    await services.messages.history(room.id)
    await services.messages.whisper(author, room.id, other, f'{secret} whispered')
    with pytest.raises(ChatError):
        await services.messages.post(author, room.id, ' ')
    # a post the storage refuses is logged (as a warning naming the failure): the text still is not
    if services.db.engine.dialect.name == 'sqlite':
        with storage_fault(services, 'PRAGMA query_only = ON'), pytest.raises(Unavailable):
            await services.messages.post(author, room.id, f'{secret} refused')
    logged = entries(json_log)
    assert logged, 'with everything logged, the services logged something'
    if services.db.engine.dialect.name == 'sqlite':
        assert any('storing a message failed' in entry['message'] for entry in logged)
    text = json_log.getvalue()
    for forbidden in (
        secret,
        'Secretname',
        'Hiddenname',
        'Newbiename',
        'Hiddenroom',
        'lognewbie',
        'logauthor',
        'logother',
        PASSWORD,
        'Pass-word-secret-9',
        'Wrong-pass-secret-7',
    ):
        assert forbidden not in text, f'{forbidden!r} reached the log'
    assert registered.username == 'lognewbie'
