"""Refuses cross-origin use: the socket.io handshake and state-changing HTTP requests (uploads)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import PlainTextResponse
from nicegui import app, core
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from chat.origins import origin_allowed
from chat.settings import Settings


def install(settings: Settings) -> None:
    allowed = list(settings.allowed_origins)

    def socket_origin_allowed(origin: str, environ: dict[str, Any]) -> bool:
        host = environ.get('HTTP_X_FORWARDED_HOST') or environ.get('HTTP_HOST')
        return origin_allowed(origin, host, allowed)

    core.sio.eio.cors_allowed_origins = socket_origin_allowed

    class OriginMiddleware:
        """Plain ASGI, not starlette's `BaseHTTPMiddleware`: that one leaves every request in a reference cycle
        (its request's receive closure holds the request), garbage for the next full collection."""

        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope['type'] == 'http' and scope['method'] not in ('GET', 'HEAD', 'OPTIONS'):
                headers = Headers(scope=scope)
                host = headers.get('x-forwarded-host') or headers.get('host')
                if not origin_allowed(headers.get('origin'), host, allowed):
                    await PlainTextResponse('cross-origin request refused', status_code=403)(scope, receive, send)
                    return
            await self.app(scope, receive, send)

    app.add_middleware(OriginMiddleware)
