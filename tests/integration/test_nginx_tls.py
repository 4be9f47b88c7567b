"""The documented TLS front (scripts/deploy/nginx-tls.conf) with a certificate made by openssl for this run, before one
instance with CHAT_SECURE_COOKIES=true: plain HTTP is sent to HTTPS; over HTTPS (checked against the run's own CA) a
person loads the sign-in page, gets a Secure session cookie, signs in, creates a room and chats in it over a websocket
through TLS. Needs nginx and openssl only (no PostgreSQL or Redis)."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from chat.services import build
from chat.settings import Settings
from tests.deploy import Certificate, nginx_prefix, nginx_tls_site, require_tool, self_signed
from tests.integration.cluster import PASSWORD, free_port
from tests.integration.steps import create_room, open_room, say
from tests.integration.wire import Browser
from tests.server import running_app
from tests.waiting import until_sync

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Front:
    url: str  # https://127.0.0.1:<port>
    http_url: str  # the plain HTTP listener
    certificate: Certificate

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate.cert))


def register(data_dir: Path, username: str) -> None:
    async def work() -> None:
        services = build(Settings(data_dir=data_dir))
        await asyncio.to_thread(services.migrate)
        await services.start()
        try:
            await services.accounts.register(username, PASSWORD, username.capitalize())
        finally:
            await services.stop()

    asyncio.run(work())


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    nginx = require_tool('nginx', 'nginx-light')
    certificate = self_signed(tmp_path)
    data_dir = tmp_path / 'data'
    register(data_dir, 'anna')
    with running_app(data_dir, CHAT_SECURE_COOKIES='true') as app_url:
        app_port = int(app_url.rsplit(':', 1)[1])
        http_port, https_port = free_port(), free_port()
        prefix = tmp_path / 'nginx'
        main = nginx_prefix(prefix, nginx_tls_site(app_port, http_port, https_port, certificate))
        process = subprocess.Popen(
            [nginx, '-p', str(prefix), '-c', str(main), '-g', 'daemon off;'],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        front = Front(f'https://127.0.0.1:{https_port}', f'http://127.0.0.1:{http_port}', certificate)

        def answers() -> bool:
            try:
                urllib.request.urlopen(front.url + '/login', timeout=2, context=front.tls()).close()
                return True
            except OSError:
                if process.poll() is not None:
                    error = process.stderr.read().decode() if process.stderr else ''
                    raise RuntimeError(f'nginx did not start: {error}') from None
                return False

        try:
            until_sync(answers, timeout=15, what=f'nginx answering on {front.url}')
            yield front
        finally:
            process.terminate()
            process.wait(10)


async def test_sign_in_and_chat_over_https_through_nginx(front: Front) -> None:
    tls = front.tls()
    connector = aiohttp.TCPConnector(ssl=tls)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.get(front.http_url + '/login?next=/', allow_redirects=False) as response:
            assert response.status == 301
            assert response.headers['Location'].startswith('https://127.0.0.1'), response.headers['Location']
            assert response.headers['Location'].endswith('/login?next=/')

        async with http.get(front.url + '/login', allow_redirects=False) as response:
            assert response.status == 200
            assert 'max-age=' in response.headers.get('Strict-Transport-Security', '')
            cookies = response.headers.getall('Set-Cookie', [])
            session = [c for c in cookies if c.startswith('session=')]
            assert session and all('secure' in c.lower() for c in session), cookies

        anna = Browser(http, 'anna', socket_options={'websocket_extra_options': {'ssl': tls}})
        await anna.sign_in(front.url, 'anna', PASSWORD)  # the sign-in form is driven over its wss:// socket
        room_id = await create_room(anna, front, 'Behind TLS')
        tab = await open_room(anna, front, room_id)
        assert tab.shows('Behind TLS')
        await say(tab, 'sent over wss')
        await tab.wait_for_text('sent over wss')
        await anna.close()
