"""The in-memory answers for NiceGUI's versioned files (pages/fastpath/static_cache.py): what is kept, what always
takes the
normal path, and what a kept answer looks like. The inner application here is a small ASGI app that counts its calls;
tests/test_static_files.py checks the same against the real server's files."""

from __future__ import annotations

from typing import Any

import pytest

from pages.fastpath import static_cache
from pages.fastpath.static_cache import StaticCache

PREFIX = '/_nicegui/9.9.9/'
ASSET = PREFIX + 'static/app.js'


class Inner:
    """Answers every request with a fixed body in two chunks; counts calls."""

    def __init__(
        self, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None, body: bytes = b'console.log(1)'
    ) -> None:
        self.status, self.body, self.calls = status, body, 0
        self.headers = (
            headers
            if headers is not None
            else [(b'content-type', b'text/javascript'), (b'etag', b'"abc"'), (b'cache-control', b'max-age=60')]
        )

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        self.calls += 1
        await send({'type': 'http.response.start', 'status': self.status, 'headers': self.headers})
        half = len(self.body) // 2
        await send({'type': 'http.response.body', 'body': self.body[:half], 'more_body': True})
        await send({'type': 'http.response.body', 'body': self.body[half:]})


async def _get(
    app: Any, path: str = ASSET, method: str = 'GET', query: bytes = b'', *, leaves: bool = False, **headers: str
) -> tuple[int, dict, bytes]:
    """One request; `leaves`: the browser goes away once its request is sent (every later receive says so)."""
    scope = {
        'type': 'http',
        'method': method,
        'path': path,
        'query_string': query,
        'headers': [(name.replace('_', '-').encode(), value.encode()) for name, value in headers.items()],
    }
    messages: list[dict] = []

    incoming = [{'type': 'http.request', 'body': b''}]

    async def receive() -> dict:
        if incoming:
            return incoming.pop(0) if leaves else incoming[0]
        return {'type': 'http.disconnect'}

    async def send(message: dict) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = messages[0]
    body = b''.join(m.get('body', b'') for m in messages[1:])
    return start['status'], {bytes(n).decode(): bytes(v).decode() for n, v in start['headers']}, body


async def test_the_second_get_is_answered_from_memory_with_the_same_bytes_and_headers() -> None:
    inner = Inner()
    cache = StaticCache(inner, PREFIX)
    first = await _get(cache)
    second = await _get(cache)
    assert inner.calls == 1 and cache.hits == 1
    assert (
        first
        == second
        == (200, {'content-type': 'text/javascript', 'etag': '"abc"', 'cache-control': 'max-age=60'}, b'console.log(1)')
    )


async def test_query_strings_share_one_entry() -> None:
    """The routes behind the prefix ignore the query; varied queries must not fill the cache with copies."""
    inner = Inner()
    cache = StaticCache(inner, PREFIX)
    for query in (b'', b'v=1', b'v=2', b'x=' + b'y' * 100):
        assert (await _get(cache, query=query))[2] == b'console.log(1)'
    assert inner.calls == 1 and len(cache.entries) == 1


async def test_gzip_and_identity_answers_are_kept_apart() -> None:
    inner = Inner()
    cache = StaticCache(inner, PREFIX)
    await _get(cache, accept_encoding='gzip, deflate, br')
    await _get(cache, accept_encoding='identity')
    await _get(cache)
    assert inner.calls == 2  # no header is the same as identity for GZipMiddleware
    await _get(cache, accept_encoding='br, gzip')
    assert inner.calls == 2


async def test_head_gets_the_headers_only_and_is_not_what_fills_the_cache() -> None:
    inner = Inner()
    cache = StaticCache(inner, PREFIX)
    await _get(cache, method='HEAD')
    assert inner.calls == 1 and not cache.entries
    await _get(cache)
    status, headers, body = await _get(cache, method='HEAD')
    assert inner.calls == 2 and (status, body) == (200, b'') and headers['etag'] == '"abc"'


async def test_a_matching_if_none_match_gets_304() -> None:
    cache = StaticCache(Inner(), PREFIX)
    await _get(cache)
    status, headers, body = await _get(cache, if_none_match='"old", "abc"')
    assert (status, body) == (304, b'') and headers == {'etag': '"abc"', 'cache-control': 'max-age=60'}
    assert (await _get(cache, if_none_match='"old"'))[0] == 200


@pytest.mark.parametrize(
    'inner',
    [
        Inner(status=404),
        Inner(headers=[(b'content-type', b'text/javascript'), (b'set-cookie', b'session=x')]),
    ],
    ids=['not found', 'sets a cookie'],
)
async def test_only_complete_200s_without_cookies_are_kept(inner: Inner) -> None:
    cache = StaticCache(inner, PREFIX)
    await _get(cache)
    await _get(cache)
    assert inner.calls == 2 and not cache.entries


def _cut_by_a_leaving_browser(headers: list[tuple[bytes, bytes]]) -> Any:
    """A file answer whose browser leaves after its first chunk (a reload while the page loads): it stops there."""

    async def app(scope: dict, receive: Any, send: Any) -> None:
        await send({'type': 'http.response.start', 'status': 200, 'headers': headers})
        await send({'type': 'http.response.body', 'body': b'console', 'more_body': True})
        while (await receive())['type'] != 'http.disconnect':
            pass

    return app


@pytest.mark.parametrize('headers', [[(b'content-length', b'14')], []], ids=['with its length', 'chunked (no length)'])
async def test_an_answer_cut_short_by_a_leaving_browser_is_not_kept(headers: list[tuple[bytes, bytes]]) -> None:
    """Starlette's BaseHTTPMiddleware (NiceGUI's stack has four) ends a cut stream as if complete: kept, the first
    half of a script would be every later visitor's answer."""
    from starlette.middleware.base import BaseHTTPMiddleware

    async def call_next(request: Any, following: Any) -> Any:
        return await following(request)

    cache = StaticCache(BaseHTTPMiddleware(_cut_by_a_leaving_browser(headers), dispatch=call_next), PREFIX)
    assert (await _get(cache, leaves=True))[2] == b'console'
    assert not cache.entries
    inner = Inner()
    cache.app = inner
    assert await _get(cache) == (200, dict((n.decode(), v.decode()) for n, v in inner.headers), b'console.log(1)')
    assert inner.calls == 1 and cache.hits == 0


async def test_a_whole_answer_with_its_length_is_kept() -> None:
    headers = [(b'content-type', b'text/javascript'), (b'content-length', b'14')]
    inner = Inner(headers=headers)
    cache = StaticCache(inner, PREFIX)
    await _get(cache)
    assert (await _get(cache))[2] == b'console.log(1)'
    assert inner.calls == 1 and cache.hits == 1


@pytest.mark.parametrize(
    ('path', 'method', 'headers'),
    [
        ('/login', 'GET', {}),
        (PREFIX + 'dynamic_resources/page.js', 'GET', {}),
        (ASSET, 'POST', {}),
        (ASSET, 'GET', {'range': 'bytes=0-3'}),
        (ASSET, 'GET', {'if_modified_since': 'Sun, 29 Nov 2026 00:00:00 GMT'}),
    ],
    ids=['a page', 'per-page resources', 'post', 'range', 'if-modified-since'],
)
async def test_everything_else_always_takes_the_normal_path(path: str, method: str, headers: dict) -> None:
    inner = Inner()
    cache = StaticCache(inner, PREFIX)
    await _get(cache, ASSET)  # a kept entry exists for the asset
    for _ in range(2):
        await _get(cache, path, method, **headers)
    assert inner.calls == 3


async def test_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(static_cache, 'MAX_ENTRY_BYTES', 10)
    big = Inner(body=b'x' * 11)
    cache = StaticCache(big, PREFIX)
    assert (await _get(cache))[2] == b'x' * 11  # still answered in full
    await _get(cache)
    assert big.calls == 2 and not cache.entries
    monkeypatch.setattr(static_cache, 'MAX_ENTRY_BYTES', 100)
    monkeypatch.setattr(static_cache, 'MAX_TOTAL_BYTES', 15)
    cache = StaticCache(Inner(body=b'y' * 10), PREFIX)
    await _get(cache, PREFIX + 'a.js')
    await _get(cache, PREFIX + 'b.js')
    assert list(cache.entries) == [(PREFIX + 'a.js', False)] and cache.total_bytes == 10
