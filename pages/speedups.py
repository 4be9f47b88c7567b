"""Process-wide speed-ups for NiceGUI and python-socketio, applied once at start-up.

Each replaces work that every open page pays for (on every live update, or when it closes) with a cheaper way to
the same result. Measured in docs/PERFORMANCE.md (log items 4 and 10); the whole test suite runs with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

_APPLIED = False


def apply() -> None:
    global _APPLIED  # once per process
    if _APPLIED:
        return
    _APPLIED = True
    _cache_expects_arguments()
    _fast_binary_check()
    _break_cycles_of_removed_elements()
    _close_memory_tab_storage()
    _break_cycles_of_deleted_clients()
    _small_event_waiters()


def _cache_expects_arguments() -> None:
    """NiceGUI asks inspect.signature of each new element's classes/style/props change handler (a bound method) on
    every element creation; the answer only depends on the underlying function, so it is cached per function."""
    from nicegui import helpers

    original = helpers.expects_arguments
    cache: dict[Callable, bool] = {}

    def expects_arguments(func: Callable) -> bool:
        target = getattr(func, '__func__', None)
        if target is None or getattr(func, '__self__', None) is None:
            return original(func)
        result = cache.get(target)
        if result is None:
            result = cache[target] = original(func)
        return result

    helpers.expects_arguments = expects_arguments


def _fast_binary_check() -> None:
    """python-socketio walks every emitted payload in Python (`Packet.data_is_binary`) to look for bytes before it
    encodes it; NiceGUI's update frames never carry any. orjson refuses bytes, so a payload it encodes (in C, about
    a tenth of the walk's time) has no binary part; anything it cannot encode gets the original walk."""
    from socketio import packet

    original = packet.Packet.data_is_binary.__func__  # type: ignore[attr-defined]
    options = orjson.OPT_NON_STR_KEYS

    def data_is_binary(cls: type, data: Any) -> bool:
        try:
            orjson.dumps(data, option=options)
        except TypeError:
            return original(cls, data)
        return False

    packet.Packet.data_is_binary = classmethod(data_is_binary)  # type: ignore[method-assign, assignment]


def _break_cycles_of_removed_elements() -> None:
    """Each NiceGUI element's classes, style and props collections hold their own bound change handler: three
    reference cycles per element, so a removed element's collections wait for a full collection of the oldest
    generation (chat/collector.py) instead of going with reference counting. Removed elements never change again:
    dropping those handlers lets reference counting free them at once."""
    from nicegui.client import Client

    original = Client.remove_elements

    def remove_elements(self: Client, elements: Any) -> None:
        elements = list(elements)
        original(self, elements)
        for element in elements:
            for collection in (element._classes, element._style, element._props):
                handlers = getattr(collection, '_change_handlers', None)
                if handlers:
                    handlers.clear()

    Client.remove_elements = remove_elements  # type: ignore[method-assign]


def _close_memory_tab_storage() -> None:
    """NiceGUI keeps an in-memory `app.storage.tab` dict for every tab that ever connected, for 30 days after the tab
    closed (only Redis-backed tab storage is closed with its last page). Nothing here uses tab storage, so a closed
    tab's dict goes with it: otherwise each page visit leaves one behind, and those few long-lived objects, scattered
    among a page's freed ones, keep the allocator's arenas from being returned (docs/PERFORMANCE.md, log item 16)."""
    from nicegui import storage
    from nicegui.observables import ObservableDict

    original = storage.Storage.close_tab

    async def close_tab(self: storage.Storage, tab_id: str | None) -> None:
        if tab_id and type(self._tabs.get(tab_id)) is ObservableDict:
            del self._tabs[tab_id]
            return
        await original(self, tab_id)

    storage.Storage.close_tab = close_tab  # type: ignore[method-assign]


def _break_cycles_of_deleted_clients() -> None:
    """A page's connect, disconnect and delete handlers close over the page's own objects, which hold the client:
    a cycle through every closed page, so the whole page waited for a full collection instead of going with reference
    counting (and garbage waiting for the collector is memory the allocator keeps: docs/PERFORMANCE.md, log item 18).
    A deleted client never calls them again."""
    from nicegui.client import Client

    original = Client.delete

    def delete(self: Client) -> None:
        try:
            original(self)
        finally:
            for handlers in (self.connect_handlers, self.disconnect_handlers, self.delete_handlers,
                             self._exception_handlers):
                handlers.clear()

    Client.delete = delete  # type: ignore[method-assign]


def _small_event_waiters() -> None:
    """`asyncio.Event` keeps its waiters in a deque, 760 bytes even when empty (it allocates a block up front), and a
    connected tab holds a dozen events (NiceGUI's client and outbox, uvicorn's protocol and flow control, engine.io):
    ~9 KB per tab for lists that are nearly always empty. Event only appends, removes and iterates its waiters, which
    a list does the same way in 56 bytes."""
    import asyncio

    def __init__(self: asyncio.Event) -> None:
        self._waiters = []  # type: ignore[assignment]
        self._value = False

    asyncio.Event.__init__ = __init__  # type: ignore[method-assign]
