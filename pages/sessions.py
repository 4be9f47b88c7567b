"""Browser sessions: signing in with a fresh session cookie, signing out, and ending every page of a session.

A sign-in or registration happens on a page (over its socket), where no cookie can be set. So the page gets a one-time
ticket and navigates to `/auth/finish`, which answers with a NEW session cookie holding the session's token: a cookie
planted or seen before sign-in never becomes a signed-in session (session fixation), and the old session's storage is
emptied. The token alone proves the session (chat/accounts.py keeps only its hash).

Ending a session ends its pages on the server, not only in the browser: a page that ignores the instruction to leave
loses its subscriptions and presence at once and its socket shortly after. Sessions end by sign-out, a password
change elsewhere, an admin's reset from the command line (another process: found by `SessionWatch`'s sweep) or
expiry.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app

from chat.services import Services
from chat.tasks import cancel_and_wait
from pages.context import AUTH_KEY, PageContext, safe_next

log = logging.getLogger(__name__)

TICKET_SECONDS = 60.0  # a ticket is redeemed by the navigation that follows at once
SWEEP_SECONDS = 10.0  # how soon a session ended by another process (the command line) ends its pages


@dataclass(frozen=True)
class Ticket:
    token: str
    session_id: str  # the pre-sign-in session it was issued to: only that browser may redeem it
    expires: float


class Tickets:
    """One-time tickets from a sign-in on a page to the HTTP answer that sets the new cookie (kept in memory: the
    navigation reaches the same instance behind a sticky load balancer)."""

    def __init__(self) -> None:
        self._tickets: dict[str, Ticket] = {}

    def issue(self, token: str, session_id: str) -> str:
        now = time.monotonic()
        for key in [k for k, t in self._tickets.items() if t.expires <= now]:
            del self._tickets[key]
        key = secrets.token_urlsafe(32)
        self._tickets[key] = Ticket(token, session_id, now + TICKET_SECONDS)
        return key

    def redeem(self, key: str, session_id: str | None) -> str | None:
        ticket = self._tickets.pop(key, None)
        if ticket is None or ticket.expires <= time.monotonic() or ticket.session_id != session_id:
            return None
        return ticket.token


TICKETS = Tickets()


def finish_url(token: str, request: Request, target: str) -> str:
    """Where a page goes after a successful sign-in or registration."""
    ticket = TICKETS.issue(token, request.session.get('id', ''))
    return f'/auth/finish?ticket={ticket}&next={quote(safe_next(target))}'


def _fresh_session(request: Request, token: str | None) -> None:
    """A new session id (the cookie is re-issued), the old session's storage emptied."""
    app.storage.user.clear()
    request.session.clear()
    request.session['id'] = str(uuid.uuid4())
    if token:
        request.session[AUTH_KEY] = token


class SessionWatch:
    """Every signed-in page of this instance by its session token; ends the pages of a session that no longer holds.
    Costs one query per sweep for all open pages."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.pages: dict[str, set[PageContext]] = {}
        self._task: asyncio.Task | None = None

    def add(self, ctx: PageContext) -> None:
        token = ctx.user.session_token
        if not token:
            return
        self.pages.setdefault(token, set()).add(ctx)

        def forget() -> None:
            pages = self.pages.get(token)
            if pages is not None:
                pages.discard(ctx)
                if not pages:
                    del self.pages[token]

        ctx.on_close(forget)

    async def check(self, tokens: set[str] | None = None) -> None:
        """Ends the pages whose session no longer holds (of `tokens`, or of every open page)."""
        tokens = set(self.pages) if tokens is None else tokens & set(self.pages)
        if not tokens:
            return
        live = await self.services.accounts.live_tokens(tokens)
        for token in tokens - live:
            for ctx in list(self.pages.get(token, ())):
                ctx.end('/login', ctx.t('session_ended'))

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.check()
            except Exception:  # a database hiccup: the next sweep tries again
                log.warning('session sweep failed', exc_info=True)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._sweep(), name='session sweep')

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None


def register(services: Services) -> SessionWatch:
    watch = SessionWatch(services)
    app.on_startup(watch.start)
    app.on_shutdown(watch.stop)

    @app.get('/auth/finish')
    async def finish(request: Request, ticket: str = '', next: str = '/') -> RedirectResponse:
        token = TICKETS.redeem(ticket, request.session.get('id'))
        if token is None:  # used or expired: fine for a browser signed in already (a reload, "back")
            if await services.accounts.user_for_token(request.session.get(AUTH_KEY)) is not None:
                return RedirectResponse(safe_next(next), status_code=303)
            return RedirectResponse(f'/login?next={quote(safe_next(next))}', status_code=303)
        _fresh_session(request, token)
        return RedirectResponse(safe_next(next), status_code=303)

    @app.get('/auth/signout')
    async def sign_out(request: Request) -> RedirectResponse:
        """Clears the browser's cookie once its session has ended (the page ended it over its socket first), so a
        link to this address cannot sign anybody out."""
        token = request.session.get(AUTH_KEY)
        if token and await services.accounts.user_for_token(token) is not None:
            return RedirectResponse('/', status_code=303)
        _fresh_session(request, None)
        return RedirectResponse('/login', status_code=303)

    return watch
