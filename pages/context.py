"""What every page knows about its viewer: the services, the signed-in user, the language and this browser's session."""

from __future__ import annotations

import asyncio
import inspect
import logging
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, background_tasks, core, ui
from nicegui.client import Client

from chat import addresses
from chat.errors import ChatError
from chat.events import Event
from chat.i18n import LANGUAGES, best_language, translate
from chat.services import Services
from chat.settings import Settings
from chat.views import UserView
from pages import shutdown
from pages.formatting import stamp

log = logging.getLogger(__name__)

AUTH_KEY = 'auth'  # the session token's key in the browser's signed session cookie (set only by pages/sessions.py)


def language_for(services: Services, request: Request, user: UserView | None = None) -> str:
    """The language of the page being built; remembered with the page for what the server tells it on its own later
    (a restart notice)."""
    lang = _language(services, request, user)
    shutdown.remember_language(lang)
    return lang


def _language(services: Services, request: Request, user: UserView | None) -> str:
    session = app.storage.user
    if user is not None and user.language in LANGUAGES:
        return user.language  # type: ignore[return-value]
    if session.get('lang') in LANGUAGES:
        return session['lang']
    return best_language(request.headers.get('accept-language'), services.settings.default_language)


def session_token(request: Request | None) -> str | None:
    """The session token a request's cookie carries (unchecked: whether it holds is the services' question)."""
    if request is None or 'session' not in request.scope:
        return None
    token = request.session.get(AUTH_KEY)
    return token if isinstance(token, str) else None


def client_address(request: Request, settings: Settings) -> str:
    """The key of per-address limits: the peer, or whom a trusted proxy forwards for (chat/addresses.py)."""
    peer = request.client.host if request.client else ''
    return addresses.client_address(peer, request.headers.getlist('x-forwarded-for'), settings.trusted_networks)


def safe_next(target: str | None) -> str:
    """Only local paths: never an open redirect to another site."""
    if not target or not target.startswith('/') or target.startswith('//') or '\\' in target:
        return '/'
    return target


DROP_AFTER = 1.0  # seconds an ended page keeps its socket, for the instruction to leave to reach the browser


@dataclass(eq=False)
class PageContext:
    services: Services
    user: UserView
    lang: str
    session: dict[str, Any]  # this browser's app.storage.user, captured while building the page
    client: Client
    root: ui.element | None = None
    subscriptions: list = field(default_factory=list)
    closers: list[Callable[[], Any]] = field(default_factory=list)
    page_tasks: set[asyncio.Task] = field(default_factory=set)
    closed: bool = False

    def t(self, key: str, **params: Any) -> str:
        """A text in the viewer's language; a moment among the parameters ("muted until {until}") is shown in the
        viewer's time zone."""
        if any(isinstance(value, datetime) for value in params.values()):
            zone = self.user.time_zone
            params = {k: stamp(v, zone) if isinstance(v, datetime) else v for k, v in params.items()}
        return translate(self.lang, key, **params)

    def show_error(self, error: ChatError) -> None:
        with self.root or self.client:
            ui.notify(self.t(error.key, **error.params), type='negative')

    def subscribe(self, topic: str, callback: Callable[[Event], None]) -> None:
        """Delivers hub events into this page (its own UI context) until the page's client is deleted."""
        client = self.client
        root = self.root

        def deliver(event: Event) -> None:
            if client.is_deleted:
                return
            with root or client:
                callback(event)

        self.subscriptions.append(self.services.hub.subscribe(topic, deliver))

    def leave_page(self, target: str, message: str) -> None:
        """What the page showed no longer exists (its room was deleted): the page says why and offers a link to
        `target`, and stays. Sending the person on at once would take the explanation away before it is read."""
        with self.root or self.client:
            if self.root is not None:
                self.root.clear()
                with self.root:
                    ui.label(message).classes('text-h6').props('data-testid=page-gone')
                    ui.link(self.t('back_to_rooms') if target == '/' else self.t('sign_in'), target).props(
                        'data-testid=page-gone-link'
                    )
            ui.notify(message, type='warning')

    def run(self, coro: Any, *, until_closed: bool = False) -> None:
        """Runs `coro` beside the page. `until_closed`: it only serves the page (a question to its browser), so it
        is cancelled when the page closes instead of keeping the closed page alive until it times out."""
        task = background_tasks.create(coro, name='page task')
        if until_closed and not self.closed:
            self.page_tasks.add(task)
            task.add_done_callback(self.page_tasks.discard)

    def on_close(self, handler: Callable[[], Any]) -> None:
        """Runs once when the page closes or its session ends (leave the room, forget the page)."""
        self.closers.append(handler)

    def close(self) -> None:
        """Stops everything this page listens to and takes part in (subscriptions, presence); once."""
        if self.closed:
            return
        self.closed = True
        for task in list(self.page_tasks):
            task.cancel()
        for subscription in self.subscriptions:
            subscription.cancel()
        self.subscriptions.clear()
        for handler in self.closers:
            result = handler()
            if inspect.isawaitable(result):
                background_tasks.create(result, name='page closing')  # type: ignore[arg-type]
        self.closers.clear()

    def end(self, target: str, message: str) -> None:
        """The page's session has ended: it stops listening and leaves its rooms now, is told to go, and loses its
        socket shortly after - also when the browser ignores the instruction."""
        if self.closed:
            return
        self.close()
        self.leave_page(target, message)
        with self.root or self.client:
            ui.navigate.to(target)  # nothing may be done here any more: the page goes at once
        self.run(self._drop_connection())

    async def _drop_connection(self) -> None:
        await asyncio.sleep(DROP_AFTER)
        client = self.client
        if client.is_deleted or not client.has_socket_connection:
            return  # the browser left as told: NiceGUI deletes the page after its reconnect window (deleting it here
            # too would make that deletion fail)
        client.delete()
        for socket_id, engine_id in list(core.sio.manager.get_participants('/', client.id)):
            await core.sio.disconnect(socket_id)
            await core.sio.eio.disconnect(engine_id)  # the connection itself, not only socket.io's namespace


async def signed_in(services: Services, request: Request) -> PageContext | RedirectResponse:
    """The page's viewer, or a redirect to sign-in that comes back to this page afterwards."""
    session = app.storage.user
    user = await services.accounts.user_for_token(session_token(request))
    if user is None:
        target = request.url.path + (f'?{request.url.query}' if request.url.query else '')
        return RedirectResponse(f'/login?next={quote(target)}', status_code=303)
    client = ui.context.client
    ctx = PageContext(services, user, language_for(services, request, user), session, client)

    client.on_delete(ctx.close)
    watch = getattr(app.state, 'session_watch', None)  # pages/sessions.py: ends the page with its session
    if watch is not None:
        watch.add(ctx)
    return ctx


def route(services: Services, path: str) -> ui.page:
    """`@ui.page(path)` that waits `page_build_timeout` for the page to build (NiceGUI's 3 s, then an error page, was
    reached by a busy server's storm of reloads): every page of the messenger is registered through this."""
    return ui.page(path, response_timeout=services.settings.page_build_timeout)


def signed_in_page(services: Services, path: str) -> Callable[[Callable[..., Awaitable[None]]], None]:
    """`@ui.page(path)` for signed-in people: the decorated builder gets the page's `PageContext` first and the path's
    parameters after it; a visitor without a valid session goes to sign-in and comes back here afterwards."""

    def register(build: Callable[..., Awaitable[None]]) -> None:
        hints = typing.get_type_hints(build)
        parameters = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=parameter.default,
                annotation=hints.get(name, inspect.Parameter.empty),
            )
            for name, parameter in inspect.signature(build).parameters.items()
            if name != 'ctx'
        ]

        async def page(request: Request, **params: Any) -> RedirectResponse | None:
            ctx = await signed_in(services, request)
            if not isinstance(ctx, PageContext):
                return ctx
            await build(ctx, **params)
            return None

        request = inspect.Parameter('request', inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
        page.__signature__ = inspect.Signature([request, *parameters])  # type: ignore[attr-defined]
        page.__name__ = build.__name__
        route(services, path)(page)

    return register
