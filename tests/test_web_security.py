"""Cross-origin use is refused on the socket handshake and on uploads; cookies are HttpOnly and SameSite=Lax."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import httpx
import pytest

from tests.server import running_app

HANDSHAKE = '/_nicegui_ws/socket.io/?EIO=4&transport=polling'


@pytest.fixture(scope='module')
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """One server for the module, with one extra allowed origin configured."""
    with running_app(tmp_path_factory.mktemp('data'), CHAT_ALLOWED_ORIGINS='["https://chat.example.org"]') as url:
        yield url


def test_socket_handshake_refuses_a_foreign_origin(app_url: str) -> None:
    response = httpx.get(app_url + HANDSHAKE, headers={'Origin': 'https://evil.example'})
    assert response.status_code == 400
    assert 'not an accepted origin' in response.text


def test_socket_handshake_accepts_same_origin_and_configured_origins(app_url: str) -> None:
    assert httpx.get(app_url + HANDSHAKE, headers={'Origin': app_url}).status_code == 200
    assert httpx.get(app_url + HANDSHAKE, headers={'Origin': 'https://chat.example.org'}).status_code == 200


async def _open_socket(url: str, origin: str, *, compress: int = 0) -> str:
    """The browser's websocket to socket.io (it skips the HTTP middleware: pages/fastpath/speedups.py); the first frame
    and, when `compress` offers permessage-deflate as browsers do, whether the server took it."""
    socket_url = url.replace('http://', 'ws://') + '/_nicegui_ws/socket.io/?EIO=4&transport=websocket'
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(socket_url, headers={'Origin': origin}, compress=compress) as socket,
    ):
        first = (await socket.receive(timeout=5)).data
        return f'{first} compressed={socket.compress}' if compress else first


async def test_socket_websocket_refuses_a_foreign_origin(app_url: str) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await _open_socket(app_url, 'https://evil.example')


async def test_socket_websocket_accepts_the_same_origin(app_url: str) -> None:
    assert (await _open_socket(app_url, app_url)).startswith('0{')  # engine.io's open packet
    assert (await _open_socket(app_url, 'https://chat.example.org')).startswith('0{')


def test_cross_origin_post_is_refused(app_url: str) -> None:
    response = httpx.post(app_url + '/_nicegui/client/some-client/upload/1', headers={'Origin': 'https://evil.example'})
    assert response.status_code == 403


def test_session_cookie_is_httponly_and_samesite_lax(app_url: str) -> None:
    response = httpx.get(app_url + '/login')
    cookie = response.headers.get('set-cookie', '')
    assert 'session=' in cookie
    assert 'httponly' in cookie.lower()
    assert 'samesite=lax' in cookie.lower()
    assert 'secure' not in cookie.lower()  # plain HTTP here; CHAT_SECURE_COOKIES=true adds it behind HTTPS


def test_media_route_serves_only_content_hash_names(app_url: str, tmp_path: Path) -> None:
    for name in ('..%2F..%2Fchat.db', 'storage_secret', 'a' * 64 + '.txt'):
        assert httpx.get(f'{app_url}/media/{name}').status_code == 404


async def test_socket_declines_compression_unless_configured(app_url: str, tmp_path: Path) -> None:
    """permessage-deflate keeps a zlib compressor per open tab (~90 KB measured per socket, up to ~300 KB) and costs
    CPU per frame for frames of a few hundred bytes: declined by default (CHAT_WS_COMPRESSION turns it on)."""
    assert (await _open_socket(app_url, app_url, compress=15)).endswith(' compressed=0')
    with running_app(tmp_path, CHAT_WS_COMPRESSION='true') as url:
        opened = await _open_socket(url, url, compress=15)
    assert opened.startswith('0{') and opened.endswith(' compressed=15')
