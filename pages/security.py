"""Refuses cross-origin use: the socket.io handshake and state-changing HTTP requests (uploads)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import PlainTextResponse
from nicegui import app, core
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from chat.origins import origin_allowed
from chat.settings import Settings


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
