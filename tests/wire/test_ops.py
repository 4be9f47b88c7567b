"""Operations at the wire (pages/ops.py, docs/operations.md): /healthz and /readyz answer without making a session,
/readyz names the part that fails (the database, its schema, Redis), /metrics counts what people did and is refused
without the token when loopback trust is off, and per-address limits follow X-Forwarded-For only through a trusted
proxy.

The database is taken away by moving the SQLite file's folder (these tests run as root, for whom a folder made
unreadable still reads) and by cutting a TCP forwarder in front of PostgreSQL or Redis (a closed port: the app
starts through the forwarder, then the port closes under it); Redis also by a URL with a closed port from the start,
with which the instance still starts and serves its pages."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from bench.client import Tab, new_http
from bench.crowd import Crowd
from chat.i18n import translate
from tests.conftest import create_database, drop_database
from tests.forwarder import Forwarder
from tests.integration.cluster import PG_URL, REDIS_URL, require_services
from tests.server import free_port, running_app
from tests.wire.conftest import Site
from tests.wire.helpers import send, tap_crowd, token, tracebacks, until

pytestmark = pytest.mark.wire

TOKEN = 'scrape-' + uuid.uuid4().hex


def readiness(url: str) -> tuple[int, dict]:
    response = httpx.get(f'{url}/readyz', timeout=10)
    assert response.headers['content-type'].startswith('application/json')
    return response.status_code, response.json()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The exposition parsed as Prometheus parses it: (sample name, sorted labels) -> value."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(url: str, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx.get(f'{url}/metrics', headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers['content-type'].startswith('text/plain; version=')
    return samples(response.text)


def test_probes_answer_without_a_session_and_readiness_names_what_fails(tmp_path: Path) -> None:
    data = tmp_path / 'data'
    env = {'CHAT_DATABASE_URL': '', 'CHAT_METRICS_LOOPBACK': 'false', 'CHAT_METRICS_TOKEN': TOKEN}
    with running_app(data, **env) as url:
        assert 'set-cookie' in httpx.get(f'{url}/login').headers, 'a page makes a session (so the check below can fail)'
        health = httpx.get(f'{url}/healthz')
        assert (health.status_code, health.text) == (200, 'ok')
        assert httpx.head(f'{url}/healthz').status_code == 200
        status, body = readiness(url)
        assert (status, body) == (200, {'status': 'ready', 'checks': {'database': 'ok', 'migrations': 'ok'}})
        for path in ('/healthz', '/readyz', '/metrics'):
            assert 'set-cookie' not in httpx.get(f'{url}{path}').headers, f'{path} made a browser session'
        sessions = data / 'sessions'
        stored_sessions = len(list(sessions.glob('*'))) if sessions.exists() else 0
        for _ in range(20):
            httpx.get(f'{url}/healthz')
            httpx.get(f'{url}/readyz')
        assert (len(list(sessions.glob('*'))) if sessions.exists() else 0) == stored_sessions

        # /metrics with loopback trust off: the bearer token or nothing
        assert httpx.get(f'{url}/metrics').status_code == 403
        assert httpx.get(f'{url}/metrics', headers={'Authorization': 'Bearer wrong'}).status_code == 403
        assert httpx.get(f'{url}/metrics', headers={'Authorization': f'Basic {TOKEN}'}).status_code == 403
        scraped = scrape(url, Authorization=f'Bearer {TOKEN}')
        assert ('chat_open_pages', ()) in scraped and ('chat_messages_posted_total', ()) in scraped

        # the schema is not this code's: not ready, and the answer says so
        database = data / 'chat.db'
        with sqlite3.connect(database) as connection:
            (revision,) = connection.execute('SELECT version_num FROM alembic_version').fetchone()
            connection.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
        status, body = readiness(url)
        assert (status, body['status'], body['failing']) == (503, 'unavailable', ['migrations'])
        with sqlite3.connect(database) as connection:
            connection.execute('UPDATE alembic_version SET version_num = ?', (revision,))
        assert readiness(url)[0] == 200

        # the database's folder is gone from under the server
        moved = tmp_path / 'moved'
        shutil.move(data, moved)
        try:
            status, body = readiness(url)
            assert (status, body['failing'][0], body['checks']['database']) == (503, 'database', 'missing')
            assert httpx.get(f'{url}/healthz').status_code == 200, 'the process still answers'
        finally:
            shutil.move(moved, data)
        assert readiness(url)[0] == 200


def test_readiness_names_redis_when_its_url_points_to_a_closed_port(tmp_path: Path) -> None:
    """The instance starts and serves its own pages without Redis (live updates stay local), but is not ready."""
    closed = free_port()  # nothing listens there
    env = {'CHAT_DATABASE_URL': '', 'CHAT_REDIS_URL': f'redis://127.0.0.1:{closed}/0'}
    with running_app(tmp_path / 'data', **env) as url:
        status, body = readiness(url)
        assert (status, body['failing'], body['checks']['redis']) == (503, ['redis'], 'unreachable')
        assert body['checks']['database'] == 'ok'


def test_readiness_names_postgresql_and_redis_when_their_ports_close(tmp_path: Path) -> None:
    require_services()
    database = create_database(PG_URL, 'chat_ops')
    postgres, redis = Forwarder(make_url(database).port or 5432), Forwarder(urlsplit(REDIS_URL).port or 6379)
    try:
        env = {
            'CHAT_DATABASE_URL': make_url(database).set(port=postgres.port).render_as_string(hide_password=False),
            'CHAT_REDIS_URL': urlsplit(REDIS_URL)._replace(netloc=f'127.0.0.1:{redis.port}').geturl(),
            'CHAT_REDIS_PREFIX': f'ops{uuid.uuid4().hex[:8]}',
        }
        with running_app(tmp_path / 'data', **env) as url:
            status, body = readiness(url)
            assert (status, body['checks']) == (200, {'database': 'ok', 'migrations': 'ok', 'redis': 'ok'})

            redis.close()
            status, body = readiness(url)
            assert (status, body['failing']) == (503, ['redis'])

            postgres.close()
            status, body = readiness(url)
            assert (status, body['failing']) == (503, ['database', 'migrations', 'redis'])
            assert body['checks']['database'] == 'unreachable'
            assert httpx.get(f'{url}/healthz').status_code == 200
    finally:
        redis.close()
        postgres.close()
        drop_database(PG_URL, database)


# --- metrics after people act ---------------------------------------------------------------------------------------


async def _post_and_refuse(site: Site, name: str, marker: str) -> None:
    async with new_http() as http:
        crowd = Crowd(http, site.url)
        taps = tap_crowd(crowd, marker, 1)
        await crowd.open([site.cookies[name]], site.path('metrics'))
        await crowd.settle(quiet=0.5, timeout=20)
        tab, tap = crowd.tabs[0], taps.taps[0]
        assert await send(tab, tap, f'{marker} counted'), 'the message was posted'
        tab.type_into('message-input', '   ')  # Enter on an empty field: refused, the page says why
        tab.press_enter('message-input')
        assert await until(lambda: bool(tab.find('send-error')[1].get('text')), 20), 'the refusal is shown'
        before_close = scrape(site.url)
        assert before_close[('chat_open_pages', ())] >= 1
        assert before_close[('chat_users_online', ())] >= 1
        await crowd.close()


def test_metrics_count_a_post_and_a_refused_post(shared: Site) -> None:
    name, marker = shared.users[11], token()
    before = scrape(shared.url)
    asyncio.run(_post_and_refuse(shared, name, marker))
    after = scrape(shared.url)

    def grew(key: str, *labels: tuple[str, str]) -> float:
        return after.get((key, labels), 0.0) - before.get((key, labels), 0.0)

    assert grew('chat_messages_posted_total') == 1
    assert grew('chat_messages_refused_total', ('reason', 'message_empty')) == 1
    assert grew('chat_delivery_lag_seconds_count') >= 1, 'the post reached the page: one lag observation at least'
    assert after[('chat_delivery_lag_seconds_sum', ())] > 0
    assert grew('chat_db_call_seconds_count') >= 3  # the page's user, history, entering, the post
    assert after[('process_resident_memory_bytes', ())] > 0
    log = shared.server.log_path.read_text(errors='replace')
    assert marker not in log, 'message text never reaches the log'
    assert not tracebacks(shared.server.log_path)


# --- the client address behind a proxy ------------------------------------------------------------------------------


async def _failed_sign_in(url: str, source: str, forwarded: str, username: str) -> str:
    """A sign-in with a wrong password from `source` (a loopback address), its page fetched with X-Forwarded-For;
    returns what the page says."""
    http = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(local_addr=(source, 0)),
        cookie_jar=aiohttp.DummyCookieJar(),
        headers={'X-Forwarded-For': forwarded},
    )
    async with http:
        tab = Tab(http, url)
        await tab.get('/login')
        await tab.connect()
        try:
            tab.type_into('username', username)
            tab.type_into('password', 'not-the-password-1')
            tab.click('submit')
            await until(lambda: bool(tab.find('error')[1].get('text')), 20)
            return str(tab.find('error')[1].get('text'))
        finally:
            await tab.close()


def test_per_address_limits_follow_x_forwarded_for_only_through_a_trusted_proxy(
    launch: Callable[..., Site],
) -> None:
    """127.0.0.1 is the trusted proxy, 127.0.0.2 an untrusted peer; each sign-in uses a name of its own, so only the
    address's count of failures can refuse it (2 failures allowed)."""
    site = launch('proxies', [], CHAT_TRUSTED_PROXIES='127.0.0.1', CHAT_LOGIN_MAX_FAILURES='2')
    wrong = translate('en', 'login_failed')

    def attempt(source: str, forwarded: str) -> str:
        return asyncio.run(_failed_sign_in(site.url, source, forwarded, f'nobody{uuid.uuid4().hex[:8]}'))

    # through the trusted proxy: each forwarded client has its own count
    assert attempt('127.0.0.1', '203.0.113.1') == wrong
    assert attempt('127.0.0.1', '203.0.113.1') == wrong
    assert attempt('127.0.0.1', '203.0.113.1') != wrong, 'the third failure from one client is refused'
    assert attempt('127.0.0.1', '203.0.113.2') == wrong, 'another client behind the same proxy is not'
    # an untrusted peer's header is ignored: the peer itself is the client, whatever it claims
    assert attempt('127.0.0.2', '198.51.100.1') == wrong
    assert attempt('127.0.0.2', '198.51.100.2') == wrong
    refused = attempt('127.0.0.2', '198.51.100.3')
    assert refused != wrong and refused.startswith(translate('en', 'rate_login', seconds=0)[:20]), refused
    assert not tracebacks(site.server.log_path)


def test_json_log_lines_from_the_real_server(launch: Callable[..., Site]) -> None:
    """CHAT_LOG_FORMAT=json: every log line the server writes is one JSON object (NiceGUI's greeting is printed)."""
    site = launch('json-log', [], CHAT_LOG_FORMAT='json', CHAT_LOG_LEVEL='debug')
    assert httpx.get(f'{site.url}/readyz').status_code == 200
    site.server.stop()
    lines = [line for line in site.server.log_path.read_text().splitlines() if line.strip()]
    logged = [json.loads(line) for line in lines if line.startswith('{')]
    assert logged, 'at DEBUG the start-up is logged'
    assert all({'time', 'level', 'logger', 'message'} <= entry.keys() for entry in logged)
    assert {entry['logger'].split('.')[0] for entry in logged} >= {'alembic'}
    others = [line for line in lines if not line.startswith('{')]
    assert all('NiceGUI' in line for line in others), others
