"""NiceGUI's own versioned files (scripts, styles, fonts) answered from memory after their first request.

A first visit asks for 27 of them. Each went through four BaseHTTPMiddleware layers (NiceGUI's request tracking,
prefix redirect and cache control, our origin check: a task group, a memory stream and reference cycles per layer),
the session middleware, GZip (compressing the same file again for every visitor) and a FileResponse that stats and
reads the file in worker threads: a burst of first visits grew anyio's pool towards its 40 threads (11 -> 38 threads
with 15 tabs), each thread with a malloc arena of its own.

The paths hold NiceGUI's version, so a path's bytes never change while the process runs: the first GET passes through
the whole stack as before, and its complete 200 response (body, content type, encoding, caching headers) is kept per
path and per "accepts gzip or not" - exactly what GZipMiddleware decides on; a matching If-None-Match gets 304.
Responses that set a cookie, Range and If-Modified-Since requests, anything but GET/HEAD and the per-page
`dynamic_resources` always take the normal path. An answer whose browser left before its end is not kept: the stack's
BaseHTTPMiddleware still ends a cut stream as complete, and a cut body kept would be every later visitor's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_ENTRY_BYTES = 8 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
_SKIP_PARTS = ('/dynamic_resources/',)
_UNCACHEABLE_REQUEST_HEADERS = (b'range', b'if-range', b'if-modified-since')


@dataclass(frozen=True)
class Entry:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes | None


class StaticCache:
    """ASGI wrapper in front of the whole middleware stack; see the module docstring."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app, self.prefix = app, prefix
        self.entries: dict[tuple[str, bool], Entry] = {}
        self.total_bytes = 0
        self.hits = 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope['type'] != 'http' or scope['method'] not in ('GET', 'HEAD') or not self._cacheable_path(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope['headers'])  # lower-case names (ASGI)
        if any(name in headers for name in _UNCACHEABLE_REQUEST_HEADERS):
            await self.app(scope, receive, send)
            return
        # no query string in the key: these routes ignore it, and varied ones must not fill the cache
        key = (scope['path'], b'gzip' in headers.get(b'accept-encoding', b''))
        entry = self.entries.get(key)
        if entry is None:
            await self._pass_and_keep(key, scope, receive, send)
            return
        self.hits += 1
        if entry.etag is not None and entry.etag in _etags(headers.get(b'if-none-match', b'')):
            await send(
                {
                    'type': 'http.response.start',
                    'status': 304,
                    'headers': [(n, v) for n, v in entry.headers if n in (b'etag', b'cache-control', b'vary')],
                }
            )
            await send({'type': 'http.response.body', 'body': b''})
            return
        await send({'type': 'http.response.start', 'status': 200, 'headers': entry.headers})
        await send({'type': 'http.response.body', 'body': b'' if scope['method'] == 'HEAD' else entry.body})

    def _cacheable_path(self, scope: dict) -> bool:
        path = scope['path']
        return path.startswith(self.prefix) and not any(part in path for part in _SKIP_PARTS)

    async def _pass_and_keep(self, key: tuple[str, bool], scope: dict, receive: Any, send: Any) -> None:
        """Answers through the normal stack, forwarding every message as it comes, and keeps a complete 200."""
        start: dict | None = None
        chunks: list[bytes] = []
        size = 0
        keep = scope['method'] == 'GET'

        async def watched() -> dict:
            nonlocal keep
            message = await receive()
            if message['type'] == 'http.disconnect':
                keep = False  # what is still sent may be cut short
            return message

        async def capture(message: dict) -> None:
            nonlocal start, size, keep
            if message['type'] == 'http.response.start':
                start = message
                names = {name.lower() for name, _ in message.get('headers', [])}
                keep = keep and message['status'] == 200 and b'set-cookie' not in names
            elif message['type'] == 'http.response.body' and keep:
                body = message.get('body', b'')
                size += len(body)
                if size > MAX_ENTRY_BYTES:
                    keep = False
                    chunks.clear()
                else:
                    chunks.append(body)
                if not message.get('more_body', False) and keep and start is not None:
                    self._keep(key, start, b''.join(chunks))
            await send(message)

        await self.app(scope, watched, capture)

    def _keep(self, key: tuple[str, bool], start: dict, body: bytes) -> None:
        if key in self.entries or self.total_bytes + len(body) > MAX_TOTAL_BYTES:
            return
        headers = [(bytes(name).lower(), bytes(value)) for name, value in start.get('headers', [])]
        length = next((value for name, value in headers if name == b'content-length'), None)
        if length is not None and length != str(len(body)).encode():
            return  # cut short (or lengthened) on its way: answering with it would break every later visitor's page
        etag = next((value for name, value in headers if name == b'etag'), None)
        self.entries[key] = Entry(headers, body, etag)
        self.total_bytes += len(body)


def _etags(header: bytes) -> set[bytes]:
    return {tag.strip() for tag in header.split(b',') if tag.strip()}


def install() -> None:
    """Puts the cache in front of NiceGUI's middleware stack (which starlette builds when the server starts)."""
    from nicegui import app
    from nicegui.version import __version__

    original = app.build_middleware_stack

    def build_middleware_stack() -> Any:
        return StaticCache(original(), f'/_nicegui/{__version__}/')

    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]
