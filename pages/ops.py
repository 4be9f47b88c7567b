"""`/healthz`, `/readyz` and `/metrics` for load balancers, orchestrators and Prometheus (docs/operations.md).

Plain Starlette routes on NiceGUI's app, answered in front of its middleware stack: NiceGUI's request tracking gives
every request without a cookie a new browser session (an id, a user storage, a Set-Cookie) and each BaseHTTPMiddleware
layer costs a task group and a memory stream. A balancer probing every few seconds would pay all that and leave a
session behind each time; so these three paths skip the stack: no session, no cookie, no page built. The routes stay
registered on the app as well, so they answer the same wherever the stack is not built by the server.
"""

from __future__ import annotations

import logging
from typing import Any

from nicegui import app
from nicegui.client import Client
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from chat import metrics
from chat.health import HealthChecks
from chat.services import Services

log = logging.getLogger(__name__)
PROBE_HEADERS = {'cache-control': 'no-store', 'x-content-type-options': 'nosniff'}
_routes: dict[str, Route] = {}  # path -> route, replaced by every install (tests build several apps per process)


def users_online() -> int:
    """Distinct signed-in users with a page open here (pages/sessions.py keeps every signed-in page by session)."""
    watch = getattr(app.state, 'session_watch', None)
    if watch is None:
        return 0
    return len({ctx.user.id for pages in list(watch.pages.values()) for ctx in list(pages) if not ctx.closed})


def install(services: Services) -> None:
    settings = services.settings
    health = HealthChecks(services)
    app.on_shutdown(health.close)
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None

    async def healthz(_request: Request) -> Response:
        """The process answers: nothing else is checked (a hung database must not get the process restarted)."""
        return PlainTextResponse('ok', headers=PROBE_HEADERS)

    async def readyz(_request: Request) -> Response:
        state = await health.readiness()
        return JSONResponse(state.body(), status_code=200 if state.ready else 503, headers=PROBE_HEADERS)

    async def metrics_page(request: Request) -> Response:
        allowed = metrics.scrape_allowed(
            peer=request.client.host if request.client else '',
            forwarded_for=request.headers.getlist('x-forwarded-for'),
            authorization=request.headers.get('authorization'),
            token=token,
            loopback=settings.metrics_loopback,
            trusted=settings.trusted_networks,
        )
        if not allowed:
            return PlainTextResponse('forbidden', status_code=403, headers=PROBE_HEADERS)
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST, headers=PROBE_HEADERS)

    metrics.OPEN_PAGES.set_function(lambda: len(Client.instances))
    metrics.USERS_ONLINE.set_function(users_online)
    endpoints = {'/healthz': healthz, '/readyz': readyz, '/metrics': metrics_page}
    routes = [Route(path, endpoint, methods=['GET', 'HEAD']) for path, endpoint in endpoints.items()]
    _routes.clear()
    for route in routes:
        app.router.routes.insert(0, route)
        _routes[route.path] = route
    _bypass_middleware()


_bypassing: list[bool] = []


def _bypass_middleware() -> None:
    """Once per process: the probe paths go straight to their routes, before any middleware (the module docstring)."""
    if _bypassing:
        return
    _bypassing.append(True)
    original = app.build_middleware_stack

    def build_middleware_stack() -> Any:
        stack = original()

        async def dispatch(scope: dict, receive: Any, send: Any) -> None:
            if scope['type'] == 'http':
                route = _routes.get(scope['path'])
                if route is not None:
                    await route.handle(scope, receive, send)
                    return
            await serve(stack, scope, receive, send)

        return dispatch

    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]


async def serve(stack: Any, scope: dict, receive: Any, send: Any) -> None:
    """Runs the middleware stack, quiet about a client that left before its answer began.

    A browser that navigates away cancels its pending requests; a streamed or file answer then stops before its first
    message, and Starlette's BaseHTTPMiddleware (under NiceGUI's stack) raises "No response returned." with a full
    traceback at ERROR. Nobody is left to answer, so that case is logged at debug; with the client still there the
    same error is a real fault and is raised as before."""
    if scope['type'] != 'http':
        await stack(scope, receive, send)
        return
    left = False

    async def receive_watching() -> dict:
        nonlocal left
        message = await receive()
        left = left or message['type'] == 'http.disconnect'
        return message

    try:
        await stack(scope, receive_watching, send)
    except RuntimeError as error:
        if not (left and str(error) == 'No response returned.'):
            raise
        log.debug('%s %s: the client left before the answer began', scope.get('method'), scope.get('path'))
