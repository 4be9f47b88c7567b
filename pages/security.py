"""Refuses cross-origin use (the socket.io handshake and state-changing HTTP requests), sends the browser security
headers (Content-Security-Policy, nosniff, framing, referrer, permissions), and keeps the browser's `log` socket
event from forging or flooding the server log."""

from __future__ import annotations

import logging
from typing import Any

from nicegui import app, core
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chat.origins import origin_allowed
from chat.ratelimit import RateLimiter
from chat.settings import Settings

browser_log = logging.getLogger('chat.browser')
BROWSER_LOG_LEVELS = {'debug': logging.DEBUG, 'info': logging.INFO, 'warning': logging.WARNING, 'error': logging.ERROR}
BROWSER_LOG_MAX_LENGTH = 500  # characters of one browser message that reach the log
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
                headers = [
                    (name, value)
                    for name, value in message.get('headers', [])
                    if name.lower() not in _SECURITY_HEADER_NAMES
                ]
                message = {**message, 'headers': headers + SECURITY_HEADERS}
            await send(message)

        if scope['method'] not in _SAFE_METHODS:
            headers = Headers(scope=scope)
            host = headers.get('x-forwarded-host') or headers.get('host')
            if not origin_allowed(headers.get('origin'), host, self.allowed):
                refusal = PlainTextResponse('cross-origin request refused', status_code=403)
                await refusal(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


def install(settings: Settings) -> None:
    allowed = list(settings.allowed_origins)

    def socket_origin_allowed(origin: str, environ: dict[str, Any]) -> bool:
        host = environ.get('HTTP_X_FORWARDED_HOST') or environ.get('HTTP_HOST')
        return origin_allowed(origin, host, allowed)

    core.sio.eio.cors_allowed_origins = socket_origin_allowed
    app.add_middleware(SecurityMiddleware, allowed=allowed)
    install_browser_log()
