"""A full disk or a read-only database while people post: the sender is told why and keeps the text, no accepted
message is lost, the room still opens, and everything works again by itself once space or write access returns.

The faults are SQLite's own: `PRAGMA max_page_count` at the current size is a full disk (SQLITE_FULL, what ENOSPC
gives) and `PRAGMA query_only` a read-only database (SQLITE_READONLY, what a read-only file gives), set on every
connection of the app's engine; a size-limited folder (tmpfs) gave the same errors and the same recovery by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from chat.errors import RateLimited, Unavailable
from chat.hub import room_topic
from chat.services import Services
from tests.conftest import TEST_DATABASE_URL
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import Recorder, add_user, execute

# the faults are made with SQLite's pragmas; PostgreSQL's codes for the same (53100 disk_full, 25006 read-only) are
# mapped by the same function, storage.db.cannot_write
pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason='simulates a full disk with SQLite pragmas')

FAULTS = {
    'disk full': lambda pages: f'PRAGMA max_page_count = {pages}',
    'read-only': lambda _pages: 'PRAGMA query_only = ON',
}


@contextmanager
def storage_fault(services: Services, pragma: str) -> Iterator[None]:
    """Every connection of the app's pool refuses writes until the block ends (then the pool starts afresh)."""
    engine = services.db.engine

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(pragma)
        cursor.close()

    event.listen(engine, 'connect', on_connect)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, 'connect', on_connect)
        engine.dispose()  # "space returns": new connections have no limit


@pytest.mark.parametrize('fault', FAULTS.values(), ids=FAULTS.keys())
async def test_posting_while_storage_refuses_writes(
    make_services: ServicesFactory, recorder: Recorder, fault: Callable[[int], str]
) -> None:
    services = await make_services(message_burst=10, message_rate=10, message_rate_window=60)
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'Lounge')
    recorder.listen(services.hub, room_topic(room.id))
    accepted = [await services.messages.post(anna, room.id, f'accepted {index}') for index in range(2)]
    await execute(services, 'VACUUM')  # no free pages left inside the file: growing needs more disk
    (pages,) = (await execute(services, 'PRAGMA page_count'))[0]
    with storage_fault(services, fault(pages)):
        for index in range(5):  # the disk fills up while people post: what still fits is stored and shown
            try:
                accepted.append(await services.messages.post(anna, room.id, f'fits {index} ' + 'x' * 3000))
            except Unavailable:
                break
        assert len(accepted) < 2 + 5, 'the disk never filled up'
        for index in range(12):  # more than the rate allows (10 a minute): refused posts do not count
            with pytest.raises(Unavailable) as info:
                await services.messages.post(anna, room.id, f'refused {index} ' + 'x' * 3000)
            assert info.value.key == 'storage_full', 'the sender is told why (and the room page keeps the text)'
        assert await services.messages.history(room.id) == accepted
        online = await services.rooms.enter(anna, room.id, 'tab-1')  # the room still opens
        assert [user.id for user in online] == [anna.id]
    published = recorder.of(room_topic(room.id))
    assert len(published) == len(accepted) + 1  # the stored messages and anna's arrival: nothing refused
    again = await services.messages.post(anna, room.id, 'after space returns')  # no restart, no reset
    assert await services.messages.history(room.id) == [*accepted, again]
    with pytest.raises(RateLimited):  # the rate still holds for stored messages
        for index in range(10):
            await services.messages.post(anna, room.id, f'burst {index}')
