"""What the services count (chat/metrics.py) and what readiness reports (chat/health.py), read as Prometheus would.

The registry is per process, so each test reads the change its own actions made."""

from __future__ import annotations

import asyncio
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families

from chat import metrics
from chat.errors import ChatError, NotDelivered, RateLimited
from chat.events import RoomCount, SessionEnded, decode, encode
from chat.health import HealthChecks, _database_state
from chat.hub import LocalHub
from chat.redis_backend import published_at, stamped
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import PASSWORD, add_user


def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The exposition text parsed back: (sample name, labels) -> value."""
    samples = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def sample(name: str, **labels: str) -> float:
    return scrape().get((name, tuple(sorted(labels.items()))), 0.0)


async def test_posts_refusals_private_messages_and_database_calls_are_counted(make_services: ServicesFactory) -> None:
    services = await make_services(message_rate=3, message_rate_window=60, message_burst=3)
    anna, boris, clara = [await add_user(services, name) for name in ('anna', 'boris', 'clara')]
    room = await services.rooms.create(anna, 'Lounge')
    await services.rooms.enter(boris, room.id, 'tab-b')
    posted, empty, limited = (
        sample('chat_messages_posted_total'),
        sample('chat_messages_refused_total', reason='message_empty'),
        sample('chat_rate_limited_total', limit='messages'),
    )
    delivered, undelivered = (
        sample('chat_private_messages_total', outcome='delivered'),
        sample('chat_private_messages_total', outcome='undelivered'),
    )
    db_calls = sample('chat_db_call_seconds_count')

    await services.messages.post(anna, room.id, 'one')
    with pytest.raises(ChatError):
        await services.messages.post(anna, room.id, '   ')
    await services.messages.whisper(anna, room.id, boris, 'psst')
    with pytest.raises(NotDelivered):
        await services.messages.whisper(anna, room.id, clara, 'psst')  # clara is not in the room
    await services.messages.post(anna, room.id, 'two')
    with pytest.raises(RateLimited):
        await services.messages.post(anna, room.id, 'three')  # a burst of 3: post, whisper, post

    assert sample('chat_messages_posted_total') == posted + 2
    assert sample('chat_messages_refused_total', reason='message_empty') == empty + 1
    assert sample('chat_messages_refused_total', reason='rate_messages') >= 1
    assert sample('chat_rate_limited_total', limit='messages') == limited + 1
    assert sample('chat_private_messages_total', outcome='delivered') == delivered + 1
    assert sample('chat_private_messages_total', outcome='undelivered') == undelivered + 1
    assert sample('chat_db_call_seconds_count') >= db_calls + 4
    assert sample('chat_db_call_seconds_sum') > 0


async def test_delivery_lag_is_observed_once_per_event_with_listeners() -> None:
    hub = LocalHub()
    before = metrics.value('chat_delivery_lag_seconds_count')
    await hub.publish('room:1', SessionEnded(1))  # nobody listens: nothing to measure
    assert metrics.value('chat_delivery_lag_seconds_count') == before
    got: list[object] = []
    for _ in range(3):  # three pages listening: still one observation per event
        hub.subscribe('room:1', got.append)
    await hub.publish('room:1', SessionEnded(1))
    assert len(got) == 3
    assert metrics.value('chat_delivery_lag_seconds_count') == before + 1
    assert metrics.value('chat_delivery_lag_seconds_bucket', le='5.0') == metrics.value(
        'chat_delivery_lag_seconds_count'
    )


async def test_login_registration_room_and_avatar_refusals_are_counted(
    make_services: ServicesFactory, cheap_hashing: None
) -> None:
    services = await make_services(login_max_failures=1, register_rate=1, room_create_rate=1)
    anna = await add_user(services, 'anna')
    before = {limit: sample('chat_rate_limited_total', limit=limit) for limit in ('login', 'registrations', 'rooms')}
    with pytest.raises(ChatError):
        await services.accounts.authenticate('anna', 'wrong-password', client='10.0.0.1')
    with pytest.raises(RateLimited):
        await services.accounts.authenticate('anna', PASSWORD, client='10.0.0.1')
    await services.accounts.register('newcomer', 'a-long-password', client='10.0.0.2')
    with pytest.raises(RateLimited):
        await services.accounts.register('newcomer2', 'a-long-password', client='10.0.0.2')
    await services.rooms.create(anna, 'First')
    with pytest.raises(RateLimited):
        await services.rooms.create(anna, 'Second')
    for limit, value in before.items():
        assert sample('chat_rate_limited_total', limit=limit) == value + 1, limit

    not_image = sample('chat_avatar_uploads_refused_total', reason='avatar_not_image')
    too_large = sample('chat_avatar_uploads_refused_total', reason='avatar_too_large')
    with pytest.raises(ChatError):
        await services.accounts.upload_avatar(anna, b'not an image at all')
    with pytest.raises(ChatError):
        await services.accounts.upload_avatar(anna, b'x' * (services.settings.max_avatar_bytes + 1))
    picture = io.BytesIO()
    Image.new('RGB', (64, 64), 'teal').save(picture, 'PNG')
    await services.accounts.upload_avatar(anna, picture.getvalue())  # accepted: not counted
    assert sample('chat_avatar_uploads_refused_total', reason='avatar_not_image') == not_image + 1
    assert sample('chat_avatar_uploads_refused_total', reason='avatar_too_large') == too_large + 1


# --- readiness ----------------------------------------------------------------------------------------------------


async def test_ready_when_the_database_answers_at_the_newest_revision(make_services: ServicesFactory) -> None:
    services = await make_services()
    state = await HealthChecks(services).readiness()
    assert state.ready and state.checks == {'database': 'ok', 'migrations': 'ok'}
    assert state.body() == {'status': 'ready', 'checks': {'database': 'ok', 'migrations': 'ok'}}


def sqlite_path(services: object) -> Path:
    engine = services.db.engine  # type: ignore[attr-defined]
    if engine.dialect.name != 'sqlite':
        pytest.skip('SQLite only')
    return Path(engine.url.database)


async def test_not_ready_when_the_schema_is_not_this_codes(make_services: ServicesFactory) -> None:
    services = await make_services()
    database = sqlite_path(services)
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute('SELECT version_num FROM alembic_version').fetchone()
        connection.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    state = await HealthChecks(services).readiness()
    assert not state.ready and state.failing == ['migrations']
    assert state.body()['failing'] == ['migrations']
    with sqlite3.connect(database) as connection:
        connection.execute('UPDATE alembic_version SET version_num = ?', (revision,))
    assert (await HealthChecks(services).readiness()).ready


async def test_not_ready_when_the_database_file_is_gone(make_services: ServicesFactory) -> None:
    services = await make_services()
    database = sqlite_path(services)
    moved = database.parent.with_name(database.parent.name + '-moved')
    shutil.move(database.parent, moved)
    try:
        state = await HealthChecks(services).readiness()
        assert state.failing == ['database', 'migrations']
        assert state.checks['database'] == 'missing'
    finally:
        shutil.move(moved, database.parent)
    assert (await HealthChecks(services).readiness()).ready


async def test_a_hanging_database_gives_one_check_in_flight_and_a_bounded_answer(
    make_services: ServicesFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = await make_services()
    release = asyncio.Event()
    calls = 0

    async def hanging(work: object, *_args: object) -> tuple[str, str]:
        nonlocal calls
        calls += work is _database_state  # the session pruning in the background calls too
        await release.wait()
        return 'ok', 'ok'

    monkeypatch.setattr('chat.health.CHECK_TIMEOUT', 0.2)
    monkeypatch.setattr(services.db, 'run', hanging)
    checks = HealthChecks(services)
    states = await asyncio.gather(*(checks.readiness() for _ in range(5)))
    assert all(state.checks['database'] == 'timeout' for state in states)
    assert calls == 1, 'probes arriving while the database hangs share one check'
    release.set()
    assert (await checks.readiness()).ready
    await checks.close()


def test_the_publish_time_travels_in_a_broker_message_that_any_decoder_reads() -> None:
    event = RoomCount(3, 4)
    data = stamped(encode(event), 1765000000.123456)
    assert decode(data) == event  # an instance that does not read the stamp ignores it
    assert published_at(data) == pytest.approx(1765000000.123456)
    assert published_at(encode(event)) is None  # a message from an instance that does not stamp
    assert published_at(b'{"published":nonsense,"kind":"x"}') is None
