"""Graceful stop and restart.

uvicorn, on SIGTERM, closes its listening socket and every websocket at once, then runs the shutdown handlers, and
ends the process by raising the signal again (exit status 143): a post under way could be stored but reach no page,
and a page request found the door shut. Here the first SIGTERM (or Ctrl+C) drains the instance before that:

1. new page requests get 503 with Retry-After, and new posts are refused with a reason the sender reads (their text
   stays in the field);
2. every open page is told, in its language, that the server is restarting;
3. the posts admitted before are waited for (stored and published), and the pages' last changes are sent;
4. then uvicorn's own shutdown: sockets closed with 1012 "service restart" - nicegui.js keeps reconnecting, and
   reloads the page once the new process answers (it does not know the old page) - the services stop (database
   closed, SQLite's log checkpointed) and NiceGUI writes `app.storage`. The process exits with status 0, without
   Python's slow teardown of every object (`exit_after_stop`).

All of it within CHAT_SHUTDOWN_TIMEOUT: the drain takes at most about half, uvicorn's wait for open connections is
bounded (`uvicorn_timeout`), and a watchdog ends the process if it is still there at the bound. A second signal
skips the drain and leaves it to uvicorn at once.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import math
import os
import signal
import sys
import threading
import time
import weakref
from types import FrameType
from typing import Any

from nicegui import Client, app, core, ui
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from chat.i18n import best_language, translate
from chat.lifecycle import Lifecycle
from chat.services import Services

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGTERM, signal.SIGINT)
SOCKET_PATH = '/_nicegui_ws/'  # open pages' sockets (and socket.io's polling) still work while draining
FLUSH_STEP = 0.02  # seconds between looks at what the pages still have to send
WATCHDOG_EXIT = 70  # EX_SOFTWARE: the graceful stop did not finish within its bound

# the language each open page was built in, for what the server tells it on its own later (the restart notice)
PAGE_LANGUAGES: weakref.WeakKeyDictionary[Client, str] = weakref.WeakKeyDictionary()


def remember_language(lang: str) -> None:
    """Called while a page is built (its client is the UI context)."""
    with contextlib.suppress(RuntimeError, TypeError):  # no page being built
        PAGE_LANGUAGES[ui.context.client] = lang


def drain_budget(timeout: float) -> float:
    """Seconds the drain may wait for posts under way and for the pages' last changes."""
    return timeout * 0.5


def uvicorn_timeout(timeout: float) -> int:
    """uvicorn's `timeout_graceful_shutdown`: how long it waits for connections to close before cancelling them."""
    return max(1, math.floor(timeout * 0.3))


class RefuseWhileStopping:
    """Pure ASGI: while the instance stops, every HTTP request but the open pages' sockets is answered 503 with
    Retry-After (a proxy or a person tries again; the next process answers within seconds)."""

    def __init__(self, app: ASGIApp, lifecycle: Lifecycle, retry_after: int, default_language: str) -> None:
        self.app, self.lifecycle = app, lifecycle
        self.retry_after, self.default_language = retry_after, default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and self.lifecycle.stopping and not scope['path'].startswith(SOCKET_PATH):
            lang = best_language(Headers(scope=scope).get('accept-language'), self.default_language)
            refusal = PlainTextResponse(
                translate(lang, 'restart_page'),
                status_code=503,
                headers={'Retry-After': str(self.retry_after), 'Cache-Control': 'no-store'},
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


class GracefulStop:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.timeout = services.settings.shutdown_timeout
        self.started_at: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: dict[int, Any] = {}
        self._task: asyncio.Task | None = None

    # --- the signal -------------------------------------------------------------------------------------------

    def take_signals(self) -> None:
        """Runs at start-up, inside uvicorn's signal handling (which restores the handlers it replaced when it
        ends): the first SIGTERM or SIGINT starts the drain, a second goes to uvicorn's handler."""
        if threading.current_thread() is not threading.main_thread():
            return  # signals reach the main thread only (not a real server: a test's simulation)
        self._loop = asyncio.get_running_loop()
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_signal)

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        if self.started_at is None:
            self.started_at = time.monotonic()
            self._start_watchdog()
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._start)
            return
        previous = self._previous.get(sig)
        if callable(previous):  # uvicorn's: shut down now (a second Ctrl+C also cancels what it waits for)
            previous(sig, frame)

    def _start(self) -> None:
        self._task = asyncio.create_task(self.stop(), name='graceful stop')

    def _start_watchdog(self) -> None:
        def expire() -> None:
            log.error('graceful stop took longer than %s s (CHAT_SHUTDOWN_TIMEOUT): exiting now', self.timeout)
            logging.shutdown()
            os._exit(WATCHDOG_EXIT)

        watchdog = threading.Timer(self.timeout, expire)
        watchdog.daemon = True
        watchdog.start()

    # --- the drain --------------------------------------------------------------------------------------------

    def begin(self) -> None:
        """New pages and posts are refused from now on; every open page is told."""
        self.services.begin_stop()
        for client in list(Client.instances.values()):
            if client.is_deleted:
                continue
            lang = PAGE_LANGUAGES.get(client, self.services.settings.default_language)
            try:
                with client:
                    ui.notify(translate(lang, 'restart_notice'), type='ongoing', position='top')
            except Exception:  # a page half gone: it reloads anyway
                log.debug('restart notice not sent to a page', exc_info=True)

    async def drain(self) -> None:
        """`begin`, then waits (bounded) for the posts under way and for every page to have sent its changes."""
        started = time.monotonic()
        self.begin()
        budget = drain_budget(self.timeout)
        in_flight = self.services.lifecycle.in_flight
        if not await self.services.lifecycle.drained(budget * 0.8):
            log.warning('stopping: %d posts still under way', self.services.lifecycle.in_flight)
        await self._flush(started + budget)
        log.info(
            'stopping: drained in %.0f ms (%d posts were under way, %d pages told)',
            (time.monotonic() - started) * 1000,
            in_flight,
            len(Client.instances),
        )

    async def stop(self) -> None:
        log.info('stopping gracefully (at most %s s)', self.timeout)
        try:
            await self.drain()
        except Exception:
            log.exception('draining before the stop failed')
        app.shutdown()  # uvicorn's shutdown from here: no signal raised again, so the exit status is 0

    def exit_after_stop(self) -> None:
        """Once `ui.run` has returned from a graceful stop, everything is closed and written (connections, database,
        `app.storage`): the process ends here, after the exit handlers, without Python's teardown of every module and
        object, which took 1-3 s of the stop on a busy machine and closes nothing. (uvicorn alone ended the process at
        this point too, by raising the signal again.)"""
        if self.started_at is None:
            return  # not stopped by a signal (the native window was closed): the ordinary exit
        atexit._run_exitfuncs()  # logging flushed, thread pools joined
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    async def _flush(self, deadline: float) -> None:
        """Until nothing waits in a page's outbox or a socket's queue (a published message, the notice), then one
        step more for a socket's writer to hand its last packet to the connection."""
        while time.monotonic() < deadline and _unsent():
            await asyncio.sleep(FLUSH_STEP)
        await asyncio.sleep(FLUSH_STEP)


def _unsent() -> bool:
    for client in list(Client.instances.values()):
        outbox = getattr(client, 'outbox', None)
        if outbox is not None and client.has_socket_connection and (outbox.updates or outbox.messages):
            return True
    for socket in list(getattr(core.sio.eio, 'sockets', {}).values()):
        queue = getattr(socket, 'queue', None)
        if queue is not None and not getattr(socket, 'closed', False) and not queue.empty():
            return True
    return False


def install(services: Services, *, server: bool) -> GracefulStop:
    """The 503 answer while stopping (always), and the signal handling when this process is the real server."""
    graceful = GracefulStop(services)
    app.add_middleware(
        RefuseWhileStopping,
        lifecycle=services.lifecycle,
        retry_after=math.ceil(services.settings.shutdown_timeout),
        default_language=services.settings.default_language,
    )
    if server:
        app.on_startup(graceful.take_signals)
    return graceful
