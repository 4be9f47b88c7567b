"""A stopping instance: posts that arrive after the stop began are refused with a reason the sender can read (nothing
stored, nothing published, the rate untouched); a post admitted before completes - stored and published - and the
stop waits for it; closing the database folds SQLite's write-ahead log back into the database file."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlmodel import Session

from chat.errors import Unavailable
from chat.events import MessagePosted
from chat.hub import room_topic
from chat.i18n import translate
from chat.lifecycle import RESTARTING
from chat.services import Services
from models import Message
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import Recorder, add_user, assert_known_key, count_rows
from tests.waiting import until


async def test_post_after_the_stop_began_is_refused_with_the_translated_key(
    services: Services, recorder: Recorder
) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    room = await services.rooms.create(anna, 'General')
    await services.rooms.enter(boris, room.id, 'tab-b')
    recorder.listen(services.hub, room_topic(room.id))
    services.begin_stop()

    with pytest.raises(Unavailable) as refused:
        await services.messages.post(anna, room.id, 'typed while the server stops')
    assert refused.value.key == RESTARTING == 'server_restarting'
    assert_known_key(refused.value.key)
    english, russian = translate('en', RESTARTING), translate('ru', RESTARTING)
    assert 'restarting' in english and 'перезапускается' in russian
    with pytest.raises(Unavailable) as whisper:
        await services.messages.whisper(anna, room.id, boris, 'a private line while stopping')
    assert whisper.value.key == RESTARTING
    assert await count_rows(services, Message) == 0
    assert recorder.of(room_topic(room.id)) == []
    assert services.messages.rate.retry_after(f'messages:{anna.id}') == 0  # a refusal costs no rate


async def test_post_admitted_before_the_stop_completes_and_the_stop_waits_for_it(
    make_services: ServicesFactory, recorder: Recorder
) -> None:
    services = await make_services(db_threads=1)
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'General')
    recorder.listen(services.hub, room_topic(room.id))
    busy, release = threading.Event(), threading.Event()

    def hold(_: Session) -> None:  # the one database thread is busy: the post waits for it, admitted
        busy.set()
        release.wait(10)

    holder = asyncio.ensure_future(services.db.run(hold))
    await asyncio.to_thread(busy.wait, 10)
    post = asyncio.ensure_future(services.messages.post(anna, room.id, 'on its way when the stop began'))
    await until(lambda: services.lifecycle.in_flight == 1, 10, what='the post admitted and waiting')
    services.begin_stop()

    assert not await services.lifecycle.drained(0.2), 'the stop waits while the post is under way'
    release.set()
    assert await services.lifecycle.drained(10)
    message = await post
    await holder
    assert [e.message.body for e in recorder.of(room_topic(room.id)) if isinstance(e, MessagePosted)] == [message.body]
    assert [m.body for m in await services.messages.history(room.id)] == ['on its way when the stop began']


async def test_closing_the_database_checkpoints_the_sqlite_log(make_services: ServicesFactory) -> None:
    services = await make_services()
    if services.db.engine.dialect.name != 'sqlite':
        pytest.skip('SQLite only')
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'General')
    await services.messages.post(anna, room.id, 'kept in the database file')
    database = Path(str(services.db.engine.url.database))
    log = database.with_name(database.name + '-wal')
    assert log.exists() and log.stat().st_size > 0  # written to the log first (WAL mode)
    await services.stop()
    assert not log.exists() or log.stat().st_size == 0
    assert b'kept in the database file' in database.read_bytes()
