"""Refuses cross-origin use (the socket.io handshake and state-changing HTTP requests), binds each page to the browser
session it was built for (its socket and its events), sends the browser security headers (Content-Security-Policy,
nosniff, framing, referrer, permissions), and keeps the browser's `log` socket event from forging or flooding the
server log. These hook python-socketio's public handler registry (`sio.on`), not the speed layer: they hold with
`CHAT_FASTPATH` off."""

from __future__ import annotations

import json
import logging
from base64 import b64decode
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from itsdangerous import BadSignature, TimestampSigner
from nicegui import Client, app, core
from socketio.exceptions import ConnectionRefusedError
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chat.origins import origin_allowed
from chat.ratelimit import RateLimiter
from chat.settings import Settings

browser_log = logging.getLogger('chat.browser')
BROWSER_LOG_LEVELS = {'debug': logging.DEBUG, 'info': logging.INFO, 'warning': logging.WARNING, 'error': logging.ERROR}
BROWSER_LOG_MAX_LENGTH = 500  # characters of one browser message that reach the log
SESSION_COOKIE = 'session'  # starlette's SessionMiddleware, as NiceGUI sets it up
BROWSER_LOG_RATE = (10, 60.0)  # messages per socket per seconds; beyond it they are dropped


def escape_log_text(text: str, max_length: int = BROWSER_LOG_MAX_LENGTH) -> str:
    """One line of printable text: line breaks, control, format (bidi) and other non-printing characters become
    escapes such as ``\\n`` or ``\\u202e``, and the rest is cut to `max_length` characters."""
    cut = text[:max_length]
    escaped = ''.join(char if char.isprintable() else char.encode('unicode_escape').decode('ascii') for char in cut)
    return escaped + (f'... ({len(text) - max_length} more characters)' if len(text) > max_length else '')


def install_browser_log() -> None:
    """Replaces NiceGUI's handler of the `log` event, which logged any text from any socket for any page, as sent
    (a newline in it forged a log entry) and at any rate, even from the signed-out login page."""
    rate = RateLimiter(*BROWSER_LOG_RATE)

    def on_log(sid: str, msg: Any) -> None:
        if not isinstance(msg, dict):
            return
        client_id, level, message = msg.get('client_id'), msg.get('level'), msg.get('message')
        if not isinstance(client_id, str) or not isinstance(message, str) or level not in BROWSER_LOG_LEVELS:
            return
        if client_id not in core.sio.rooms(sid):  # the handshake put the page's own socket in its client's room
            return
        if rate.retry_after(sid):
            return
        rate.hit(sid)
        browser_log.log(
            BROWSER_LOG_LEVELS[level], 'browser %s (page %s): %s', level, client_id[:8], escape_log_text(message)
        )

    core.sio.on('log', on_log)


# What NiceGUI needs, and nothing more (tests/e2e/test_security_headers.py walks every page in Chromium and fails on
# any violation): its page template and Vue's runtime template compiler need inline scripts and eval ('unsafe-inline',
# 'unsafe-eval': NiceGUI has no nonces to offer), Quasar and Tailwind write inline styles; everything else (scripts,
# styles, fonts, avatars, the socket) comes from this origin; avatars in the upload preview are blob: or data: URLs.
CONTENT_SECURITY_POLICY = '; '.join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
SECURITY_HEADERS = [
    (b'content-security-policy', CONTENT_SECURITY_POLICY.encode()),
    (b'x-content-type-options', b'nosniff'),
    (b'x-frame-options', b'SAMEORIGIN'),  # frame-ancestors for browsers without CSP level 2
    (b'referrer-policy', b'same-origin'),  # room URLs are not told to other sites
    (
        b'permissions-policy',
        b'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), '
        b'midi=(), magnetometer=(), gyroscope=(), accelerometer=()',
    ),
    (b'cross-origin-opener-policy', b'same-origin'),
]
_SECURITY_HEADER_NAMES = {name for name, _ in SECURITY_HEADERS}
_SAFE_METHODS = ('GET', 'HEAD', 'OPTIONS')


class SecurityMiddleware:
    """Pure ASGI (no task group or memory stream per request, unlike BaseHTTPMiddleware): refuses state-changing
    HTTP requests from another origin, and adds the browser security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app, self.allowed = app, allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                own = message.get('headers', [])
                # a response with its own, stricter policy keeps it (attachments: pages/files.py)
                keep = {b'content-security-policy'} & {name.lower() for name, _ in own}
                headers = [(n, v) for n, v in own if n.lower() not in _SECURITY_HEADER_NAMES or n.lower() in keep]
                added = [(n, v) for n, v in SECURITY_HEADERS if n not in keep]
                message = {**message, 'headers': headers + added}
            await send(message)

        if scope['method'] not in _SAFE_METHODS:
            headers = Headers(scope=scope)
            host = headers.get('x-forwarded-host') or headers.get('host')
            if not origin_allowed(headers.get('origin'), host, self.allowed):
                refusal = PlainTextResponse('cross-origin request refused', status_code=403)
                await refusal(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


_NICEGUI_HANDLERS: dict[str, Any] = {}


def socket_session_id(environ: dict[str, Any], signer: TimestampSigner, max_age: int) -> str | None:
    """The browser session id in a socket's cookie, read as starlette's SessionMiddleware reads it."""
    cookies = SimpleCookie()
    try:
        cookies.load(environ.get('HTTP_COOKIE', ''))
        raw = cookies[SESSION_COOKIE].value.encode()
        data = json.loads(b64decode(signer.unsign(raw, max_age=max_age)))
    except (KeyError, CookieError, BadSignature, ValueError):
        return None
    session_id = data.get('id') if isinstance(data, dict) else None
    return session_id if isinstance(session_id, str) else None


def install_socket_binding(settings: Settings) -> None:
    """Binds every page to the browser session it was built for. NiceGUI attaches any socket that names a page's id
    to that page and acts on events naming any page id from any socket: the id was a bearer token. Here a socket is
    refused a page built for another session, and an event from a socket is handled only for the page that socket
    belongs to (the handshake puts a page's sockets in a room named after the page)."""
    signer = TimestampSigner(settings.resolve_storage_secret())
    handlers = core.sio.handlers['/']
    for name in ('connect', 'handshake', 'event', 'javascript_response', 'ack'):  # NiceGUI's, once per process
        _NICEGUI_HANDLERS.setdefault(name, handlers[name])
    connect, handshake = _NICEGUI_HANDLERS['connect'], _NICEGUI_HANDLERS['handshake']

    def belongs(environ: dict[str, Any], client_id: object) -> bool:
        client = Client.instances.get(client_id) if isinstance(client_id, str) else None
        if client is None:
            return True  # NiceGUI refuses an unknown page itself (and the browser reloads)
        try:
            page_session = client.request.session.get('id')
        except RuntimeError:  # a page built without a request (none of ours)
            return False
        return page_session is not None and page_session == socket_session_id(environ, signer, settings.session_max_age)

    async def on_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> Any:
        query = parse_qs(environ.get('QUERY_STRING', ''))
        if not belongs(environ, (query.get('client_id') or [None])[0]):
            raise ConnectionRefusedError('this page belongs to another browser session')
        return await connect(sid, environ, auth)

    async def on_handshake(sid: str, data: Any) -> Any:
        if not isinstance(data, dict) or not belongs(core.sio.get_environ(sid) or {}, data.get('client_id')):
            return False
        return await handshake(sid, data)

    def own_page_only(name: str) -> None:
        original = _NICEGUI_HANDLERS[name]

        def on_event(sid: str, msg: Any) -> Any:
            if not isinstance(msg, dict) or msg.get('client_id') not in core.sio.rooms(sid):
                return None
            return original(sid, msg)

        core.sio.on(name, on_event)

    core.sio.on('connect', on_connect)
    core.sio.on('handshake', on_handshake)
    for name in ('event', 'javascript_response', 'ack'):
        own_page_only(name)


def install(settings: Settings) -> None:
    allowed = list(settings.allowed_origins)

    def socket_origin_allowed(origin: str, environ: dict[str, Any]) -> bool:
        host = environ.get('HTTP_X_FORWARDED_HOST') or environ.get('HTTP_HOST')
        return origin_allowed(origin, host, allowed)

    core.sio.eio.cors_allowed_origins = socket_origin_allowed
    app.add_middleware(SecurityMiddleware, allowed=allowed)
    install_browser_log()
    install_socket_binding(settings)
