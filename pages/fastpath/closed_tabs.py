"""A page whose browser tab has gone is deleted at once, not after the reconnect window.

NiceGUI keeps a page whose socket ended for `reconnect_timeout` (3 s) in case the same document comes back: a network
blip, a laptop waking up. But a browser that unloads a document - the tab or window closed, a reload, a navigation
elsewhere - closes its websocket with code 1001, Going Away (checked with Chromium for all four), and that document
can never come back: a reloaded or new one gets a page of its own. Kept anyway, each closed tab stayed "online" in
its room for 3 s and its page stayed in memory: a server visited N times a second held 3N closed pages at once, and
what they took stayed with the process afterwards (500 quick visits: 179 pages at once, RSS +18.5 MB for good).

Every other end keeps the window: engine.io's own close in the browser (on a missed ping, or when the network goes
offline: no code, 1005), a dropped connection (1006), a normal close (1000), long-polling (no codes at all).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

GOING_AWAY = 1001

_APPLIED = False
# True while engine.io closes a socket whose document has gone: NiceGUI's disconnect handling runs inline in that
# close, and the deletion task it starts copies this context, so that task (and nothing else) sees it.
_DOCUMENT_GONE: ContextVar[bool] = ContextVar('document_gone', default=False)


def apply() -> None:
    global _APPLIED  # once per process
    if _APPLIED:
        return
    _APPLIED = True
    _watch_close_codes()
    _close_knows_the_document_has_gone()
    _no_reconnect_window_for_a_gone_document()


def _watch_close_codes() -> None:
    """engine.io's ASGI websocket turns the closing event into an OSError and drops its code: the socket notes it."""
    from engineio.async_socket import AsyncSocket

    original = AsyncSocket._websocket_handler

    async def _websocket_handler(self: AsyncSocket, ws: Any) -> None:
        receive = ws.asgi_receive

        async def receive_noting_going_away() -> dict:
            event = await receive()
            if event['type'] == 'websocket.disconnect' and event.get('code') == GOING_AWAY:
                self.document_gone = True  # type: ignore[attr-defined]
            return event

        ws.asgi_receive = receive_noting_going_away
        try:
            await original(self, ws)
        finally:
            ws.asgi_receive = receive  # the closure holds the socket: no cycle left behind

    AsyncSocket._websocket_handler = _websocket_handler  # type: ignore[method-assign]


def _close_knows_the_document_has_gone() -> None:
    from engineio.async_socket import AsyncSocket

    original = AsyncSocket.close

    async def close(self: AsyncSocket, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if not getattr(self, 'document_gone', False):
            await original(self, wait=wait, abort=abort, reason=reason)
            return
        token = _DOCUMENT_GONE.set(True)
        try:
            await original(self, wait=wait, abort=abort, reason=reason)
        finally:
            _DOCUMENT_GONE.reset(token)

    AsyncSocket.close = close  # type: ignore[method-assign]


def _no_reconnect_window_for_a_gone_document() -> None:
    from nicegui.page import page

    original = page.resolve_reconnect_timeout

    def resolve_reconnect_timeout(self: page) -> float:
        if _DOCUMENT_GONE.get():
            _DOCUMENT_GONE.set(False)  # once: what the deletion then runs (leaving the room...) sees the usual value
            return 0.0
        return original(self)

    page.resolve_reconnect_timeout = resolve_reconnect_timeout  # type: ignore[method-assign]
