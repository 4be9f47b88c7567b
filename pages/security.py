"""Refuses cross-origin use (the socket.io handshake and state-changing HTTP requests), and keeps the browser's
`log` socket event from forging or flooding the server log."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.responses import PlainTextResponse
from nicegui import app, core
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

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


def install(settings: Settings) -> None:
    allowed = list(settings.allowed_origins)

    def socket_origin_allowed(origin: str, environ: dict[str, Any]) -> bool:
        host = environ.get('HTTP_X_FORWARDED_HOST') or environ.get('HTTP_HOST')
        return origin_allowed(origin, host, allowed)

    core.sio.eio.cors_allowed_origins = socket_origin_allowed

    class OriginMiddleware(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            if request.method not in ('GET', 'HEAD', 'OPTIONS'):
                host = request.headers.get('x-forwarded-host') or request.headers.get('host')
                if not origin_allowed(request.headers.get('origin'), host, allowed):
                    return PlainTextResponse('cross-origin request refused', status_code=403)
            return await call_next(request)

    app.add_middleware(OriginMiddleware)
    install_browser_log()
