"""Process-wide speed-ups for NiceGUI and python-socketio, applied once at start-up.

Each replaces work that every open page pays for (on every live update, or when it closes) with a cheaper way to
the same result, or keeps less per open tab. Each is one patch of `pages.fastpath.PATCHES`;
how pages' changes are sent is pages/fastpath/direct_send.py.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Callable
from typing import Any

import orjson


class SmallDeque(list):
    """The deque operations a short FIFO needs, on a list: an empty `collections.deque` is 760 bytes (it allocates a
    64-slot block up front), an empty list 56. For queues that hold a handful of items at most, moving them on
    `popleft` costs less than the block. Used for the outbox's message queues (`outbox_updates_in_a_plain_dict`)."""

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)

    def appendleft(self, item: Any) -> None:
        self.insert(0, item)

    def extendleft(self, items: Any) -> None:
        ahead = list(items)
        ahead.reverse()  # as deque.extendleft: each item goes to the front in turn
        self[0:0] = ahead


def cache_expects_arguments() -> None:
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


def fast_binary_check() -> None:
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


def break_cycles_of_removed_elements() -> None:
    """Each NiceGUI element's classes, style and props collections hold their own bound change handler: three
    reference cycles per element, so a removed element's collections wait for a full collection of the oldest
    generation (pages/fastpath/collector.py) instead of going with reference counting. Removed elements never change
    again: dropping those handlers lets reference counting free them at once. (The same wrapper counts removals for
    `elements_removed`.)"""
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
        elements_removed(self, len(elements))  # and the page's element table compacted now and then

    Client.remove_elements = remove_elements  # type: ignore[method-assign]


def close_memory_tab_storage() -> None:
    """NiceGUI keeps an in-memory `app.storage.tab` dict for every tab that ever connected, for 30 days after the tab
    closed (only Redis-backed tab storage is closed with its last page). Nothing here uses tab storage, so a closed
    tab's dict goes with it: otherwise each page visit leaves one behind, and those few long-lived objects, scattered
    among a page's freed ones, keep the allocator's arenas from being returned."""
    from nicegui import storage
    from nicegui.observables import ObservableDict

    original = storage.Storage.close_tab

    async def close_tab(self: storage.Storage, tab_id: str | None) -> None:
        if tab_id and type(self._tabs.get(tab_id)) is ObservableDict:
            del self._tabs[tab_id]
            return
        await original(self, tab_id)

    storage.Storage.close_tab = close_tab  # type: ignore[method-assign]


def break_cycles_of_deleted_clients() -> None:
    """A page's connect, disconnect and delete handlers close over the page's own objects, which hold the client:
    a cycle through every closed page, so the whole page waited for a full collection instead of going with reference
    counting (and garbage waiting for the collector is memory the allocator keeps).
    A deleted client never calls them again."""
    from nicegui.client import Client

    original = Client.delete

    def delete(self: Client) -> None:
        try:
            original(self)
        finally:
            for handlers in (
                self.connect_handlers,
                self.disconnect_handlers,
                self.delete_handlers,
                self._exception_handlers,
            ):
                handlers.clear()

    Client.delete = delete  # type: ignore[method-assign]


def break_cycles_of_pruned_user_storage() -> None:
    """NiceGUI makes a user storage for every new browser session (any request without a session cookie) and every
    10 s drops those no page and no request uses. A storage keeps its own backup method among its change handlers: a
    cycle, so a dropped one waited for a full collection - once frozen by the collector schedule
    (pages/fastpath/collector.py),
    for the next full collection of everything, up to 10 minutes, scattered over the allocator's arenas meanwhile (62
    of them were left after a flood of cookie-less requests). NiceGUI has closed a
    dropped storage and never uses it again (a later request of that session loads a new one): its handlers go."""
    from nicegui import core
    from nicegui.app import app as app_module

    original = app_module.prune_user_storage

    async def prune_user_storage(*, force: bool = False) -> None:
        storages = core.app.storage._users
        before = list(storages.values())
        await original(force=force)
        kept = {id(storage) for storage in storages.values()}
        for storage in before:
            if id(storage) not in kept:
                storage._change_handlers.clear()

    app_module.prune_user_storage = prune_user_storage  # App.start looks it up when it starts the timer


def outbox_updates_in_a_plain_dict() -> None:
    """Each page's outbox keeps its pending updates in a `WeakValueDictionary`: a weak reference object with its
    callback for every update of every element, set item by item in Python, and (Python 3.11) a `clear` that pops
    entry after entry and keeps the dict's largest table (9 KB for a page's life after its build). A plain dict
    does the same job: a pending update holds its element only until the page's next flush (one pass of the
    event loop once its socket is connected: pages/fastpath/direct_send.py), a removed element's entry is replaced by
    the deletion marker, and `clear` frees the table in one C call. The message queues become short FIFOs."""
    from nicegui.outbox import Outbox

    original = Outbox.__init__

    def __init__(self: Outbox, client: Any) -> None:
        original(self, client)
        self.updates = {}  # type: ignore[assignment]
        self.messages = SmallDeque()  # type: ignore[assignment]
        self.message_history = SmallDeque()  # type: ignore[assignment]

    def prune_history(self: Outbox, next_message_id: int) -> None:
        """As NiceGUI's (on every acknowledgement of every tab), without popping one entry at a time: the history
        holds (message id, time, message) in id order, so the acknowledged ones are a prefix."""
        history = self.message_history
        if history and history[0][0] < next_message_id:
            del history[: bisect.bisect_left(history, (next_message_id,))]  # type: ignore[call-overload]

    Outbox.__init__ = __init__  # type: ignore[method-assign]
    Outbox.prune_history = prune_history  # type: ignore[method-assign]


def asyncio_waiters_in_small_deques() -> None:
    """Every open tab holds about a dozen `asyncio.Event`s and two `asyncio.Queue`s (NiceGUI's page and outbox,
    uvicorn's websocket, engine.io's socket), each keeping its waiting futures in a `collections.deque`: 760 bytes
    apiece, ~10 KB per tab, for lists that hold no waiter or one. They become `SmallDeque`s (asyncio only appends,
    removes, iterates and `popleft`s them). A queue's items stay in a real deque: one may grow long."""
    import asyncio

    event_init = asyncio.Event.__init__
    queue_init = asyncio.Queue.__init__

    def init_event(self: asyncio.Event, *args: Any, **kwargs: Any) -> None:
        event_init(self, *args, **kwargs)
        self._waiters = SmallDeque()  # type: ignore[attr-defined]

    def init_queue(self: asyncio.Queue, *args: Any, **kwargs: Any) -> None:
        queue_init(self, *args, **kwargs)  # its `_finished` is an Event: small already
        self._getters = SmallDeque()  # type: ignore[attr-defined]
        self._putters = SmallDeque()  # type: ignore[attr-defined]

    asyncio.Event.__init__ = init_event  # type: ignore[method-assign]
    asyncio.Queue.__init__ = init_queue  # type: ignore[method-assign]


def websocket_handshake_let_go() -> None:
    """wsproto keeps what the opening handshake needed for the socket's whole life: the HTTP/1.1 connection it was
    parsed with (h11's state machine and buffer), the upgrade request with its headers, and a deque (760 bytes) for
    handshake events that never come again; its websocket connection keeps another deque for a handful of events
    at a time. Once the connection is open, the handshake's part is let go and both queues become `SmallDeque`s
    (wsproto only appends, iterates and `popleft`s them)."""
    from wsproto import WSConnection

    send, receive_data = WSConnection.send, WSConnection.receive_data

    def let_go(self: WSConnection) -> None:
        handshake, connection = self.handshake, self.connection
        if connection is None or handshake._events:  # still shaking hands, or its events not read yet
            return
        handshake._h11_connection = None  # type: ignore[assignment]
        handshake._initiating_request = None
        handshake._events = SmallDeque()  # type: ignore[assignment]
        if not connection._events:
            connection._events = SmallDeque()  # type: ignore[assignment]

    def send_once_open(self: WSConnection, event: Any) -> bytes:
        if self.connection is not None:
            return send(self, event)
        data = send(self, event)
        let_go(self)
        return data

    def receive_once_open(self: WSConnection, data: bytes | None) -> None:
        if self.connection is not None:
            receive_data(self, data)
            return
        receive_data(self, data)
        let_go(self)

    WSConnection.send = send_once_open  # type: ignore[method-assign]
    WSConnection.receive_data = receive_once_open  # type: ignore[method-assign]


def socket_skips_http_middleware() -> None:
    """A connected tab's websocket is one long ASGI call: every HTTP middleware on the way (NiceGUI's request
    tracking, session, gzip, cache control, our origin check, FastAPI's exit stack, the router) keeps its frame,
    and some their own objects, for as long as the tab is open, although none of them does anything for a websocket
    (the socket's origin is checked by engine.io itself: pages/security.py). The socket.io mount gets websocket
    requests directly; everything else (pages, uploads, socket.io's HTTP polling) still passes every middleware."""
    from nicegui import app
    from starlette.routing import Match, Mount

    original = app.build_middleware_stack

    def build_middleware_stack() -> Any:
        stack = original()
        mount = next(route for route in app.routes if isinstance(route, Mount) and route.path == '/_nicegui_ws')

        async def dispatch(scope: dict, receive: Any, send: Any) -> None:
            if scope['type'] == 'websocket':
                match, child_scope = mount.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)
                    await mount.app(scope, receive, send)
                    return
            await stack(scope, receive, send)

        return dispatch

    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]


def socket_environ_without_payload_class() -> None:
    """engine.io's ASGI driver defines a request-body class inside `translate_request`, so every connection makes a
    new class object (~2.3 KB, and a reference cycle), kept in the socket's environ for as long as the tab is open
    although a websocket never reads a body. Websocket connections get the same environ with one shared empty body;
    HTTP requests (long-polling) still go through the original."""
    import sys

    from engineio.async_drivers import asgi

    original = asgi.translate_request

    class NoBody:
        @staticmethod
        async def read(length: int | None = None) -> bytes:
            return b''

    no_body = NoBody()

    async def translate_request(scope: dict, receive: Any, send: Any) -> dict:
        if scope['type'] != 'websocket':
            return await original(scope, receive, send)
        event = await receive()
        if event['type'] != 'websocket.connect':
            return {}
        query_string = ''
        raw_uri = scope['path']
        if scope.get('query_string'):
            try:
                query_string = scope['query_string'].decode('utf-8')
            except UnicodeDecodeError:
                pass
            else:
                raw_uri += '?' + query_string
        environ = {
            'wsgi.input': no_body,
            'wsgi.errors': sys.stderr,
            'wsgi.version': (1, 0),
            'wsgi.async': True,
            'wsgi.multithread': False,
            'wsgi.multiprocess': False,
            'wsgi.run_once': False,
            'SERVER_SOFTWARE': 'asgi',
            'REQUEST_METHOD': scope.get('method', 'GET'),
            'PATH_INFO': scope['path'],
            'QUERY_STRING': query_string,
            'RAW_URI': raw_uri,
            'SCRIPT_NAME': '',
            'SERVER_PROTOCOL': 'HTTP/1.1',
            'REMOTE_ADDR': '127.0.0.1',
            'REMOTE_PORT': '0',
            'SERVER_NAME': 'asgi',
            'SERVER_PORT': '0',
            'asgi.receive': receive,
            'asgi.send': send,
            'asgi.scope': scope,
        }
        for raw_name, raw_value in scope['headers']:
            try:
                name, value = raw_name.upper().decode('utf-8'), raw_value.decode('utf-8')
            except UnicodeDecodeError:
                continue
            if name == 'CONTENT-TYPE':
                environ['CONTENT_TYPE'] = value
                continue
            if name == 'CONTENT-LENGTH':
                environ['CONTENT_LENGTH'] = value
                continue
            key = 'HTTP_' + name.replace('-', '_')
            environ[key] = f'{environ[key]},{value}' if key in environ else value
        environ['wsgi.url_scheme'] = environ.get('HTTP_X_FORWARDED_PROTO', 'http')
        return environ

    asgi.translate_request = translate_request
    asgi._async['translate_request'] = translate_request  # what the engine.io server calls


def page_request_without_http_plumbing() -> None:
    """A page's client keeps the request it was built for (NiceGUI reads its session, headers and address later).
    That request also holds the finished HTTP call's receive and send channels (closures over the middleware's memory
    streams) and, in its scope, FastAPI's exit stacks: ~7 KB per open tab for a call that has ended. When the tab's
    socket connects, the page has been sent and nothing reads them again: they are dropped."""
    from nicegui.client import Client
    from starlette.requests import empty_receive, empty_send

    original = Client.handle_handshake

    async def handle_handshake(self: Client, *args: Any, **kwargs: Any) -> None:
        request = self._request
        if request is not None:
            request._receive = empty_receive
            request._send = empty_send
            for key in ('fastapi_astack', 'fastapi_inner_astack', 'fastapi_function_astack'):
                request.scope.pop(key, None)
        await original(self, *args, **kwargs)

    Client.handle_handshake = handle_handshake  # type: ignore[method-assign]


COMPACT_CHECK = 16  # removed elements between two looks at a page's element table


def elements_removed(client: Any, count: int) -> None:
    """Counts removals from a page's element table (`client.elements`); called by NiceGUI's removal (patched here)
    and by pages/fastpath/light.py's `hide_shared`, which removes shared elements itself. The table is a dict: removing
    an element leaves its slot behind, and when the slots run out CPython resizes to three times the live entries, so a
    room page whose messages come and go ends with a table twice the size it was built with (~9 KB more per open page
    after a few hundred messages). Every COMPACT_CHECK removals the table is replaced by a copy when the copy (sized for
    the live entries) is smaller: a few microseconds per page every eight messages."""
    removed = client.__dict__.get('_removed_since_compaction', 0) + count
    if removed >= COMPACT_CHECK:
        copy = dict(client.elements)
        if sys.getsizeof(copy) < sys.getsizeof(client.elements):
            client.elements = copy
        removed = 0
    client._removed_since_compaction = removed


def sub_pages_looked_for_only_where_made() -> None:
    """Before sending every page, NiceGUI walks all of the page's elements twice (recursive generators) looking for
    `ui.sub_pages` elements whose path is unresolved: ~2 ms of the event loop per room opening, while this app makes
    none. A page where one was made still gets the walk."""
    from nicegui.elements.sub_pages import SubPages
    from nicegui.sub_pages_router import SubPagesRouter

    original_check = SubPagesRouter._can_resolve_full_path
    original_init = SubPages.__init__

    async def _can_resolve_full_path(client: Any) -> bool:
        if not client.__dict__.get('_made_sub_pages'):
            return True  # no sub pages, so none with an unresolved path
        return await original_check(client)

    def __init__(self: SubPages, *args: Any, **kwargs: Any) -> None:
        from nicegui import context

        context.client._made_sub_pages = True
        original_init(self, *args, **kwargs)

    SubPagesRouter._can_resolve_full_path = staticmethod(_can_resolve_full_path)  # type: ignore[method-assign]
    SubPages.__init__ = __init__  # type: ignore[method-assign]


class HtmlEscapable(str):
    """A JSON text whose `translate` with NiceGUI's HTML escape table is five `str.replace` scans (in C) instead of
    a table lookup per character: the same text, ~50 times faster. `&` goes first, so the `&` the other four
    introduce is never escaped again - as with the table, which maps each character once."""

    __slots__ = ()

    def translate(self, table: Any) -> str:
        if table is not _ESCAPE_TABLE[0]:
            return str.translate(self, table)
        text = str(self)
        for character, escaped in _ESCAPES:
            if character in text:
                text = text.replace(character, escaped)
        return text


_ESCAPES = (('&', '&amp;'), ('<', '&lt;'), ('>', '&gt;'), ('`', '&#96;'), ('$', '&#36;'))
_ESCAPE_TABLE: list[Any] = [None]


def page_html_escaped_with_replace() -> None:
    """NiceGUI escapes a page's element tree (JSON, ~40 KB for a room page) for its HTML with `str.translate` and a
    table: a dict lookup per character, ~5 ms of the event loop per room opening on a 2-core test machine, the
    largest single piece of sending a page. The page's `json.dumps` now returns a `HtmlEscapable` text. The table is
    checked against the replacements at start-up: if NiceGUI changes it, its own translate is used."""
    import types

    from nicegui import client as client_module

    table = client_module.HTML_ESCAPE_TABLE
    if table != str.maketrans(dict(_ESCAPES)):
        return
    _ESCAPE_TABLE[0] = table
    original = client_module.json
    shim = types.ModuleType(original.__name__)
    shim.__dict__.update(original.__dict__)

    def dumps(*args: Any, **kwargs: Any) -> str:
        return HtmlEscapable(original.dumps(*args, **kwargs))

    shim.dumps = dumps  # type: ignore[attr-defined]
    client_module.json = shim  # type: ignore[attr-defined]
