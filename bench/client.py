"""A headless browser tab for NiceGUI: page HTML over HTTP, then the socket.io websocket, as nicegui.js speaks it.

It GETs a page with its own session cookie, parses `client_id`, `next_message_id` and the element tree from the HTML,
connects engine.io/socket.io (protocol 4, websocket transport) at `/_nicegui_ws/socket.io` with the same query the
browser sends, answers pings, acks every 3 s, keeps its element tree up to date from `update` messages, answers
`run_javascript` requests, and sends UI events (`event` with element id, client id, listener id and args).

The socket.io framing is written out here (a few lines) rather than taken from python-socketio's client so that one
load process can hold hundreds of tabs and look at each raw frame once: receive times are taken when the frame
arrives, before any parsing.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp

ACK_INTERVAL = 3.0
GOING_AWAY = 1001  # the close code a browser's websocket sends when its document unloads (tab closed, reload, leave)
_ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)
_QUERY = re.compile(r'query: (\{.*?\}),\n')
_CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
_NEXT_ID = re.compile(r"'next_message_id': (\d+)")
# what a browser loads after the HTML: NiceGUI's scripts and styles (tags and the import map) and the avatars shown
_NAMED_FILES = re.compile(r'(?:src|href)="(/_nicegui/[^"]+)"|"(/_nicegui/[^"]+\.(?:js|mjs|css))"|(/avatars/[^"\\]+)')
BROWSER_CONNECTIONS = 6  # parallel requests per host

FrameHook = Callable[[str, float], None]


class PageError(RuntimeError):
    pass


def parse_elements(page: str) -> dict[str, dict]:
    """The initial element tree exactly as nicegui.js's parseElements reads it."""
    match = _ELEMENTS.search(page)
    if not match:
        raise PageError('no element tree in page')
    raw = match.group(1).replace('&#36;', '$').replace('&#96;', '`')
    return json.loads(html.unescape(raw))


def parse_query(page: str) -> tuple[str, int]:
    match = _QUERY.search(page)
    if not match:
        raise PageError('no socket query in page')
    client_id = _CLIENT_ID.search(match.group(1))
    next_id = _NEXT_ID.search(match.group(1))
    if not client_id or not next_id:
        raise PageError('no client_id / next_message_id in page')
    return client_id.group(1), int(next_id.group(1))


class Tab:
    """One open page in one browser tab."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        cookie: str = '',
        on_frame: FrameHook | None = None,
        first_visit: bool = False,
    ) -> None:
        self.http, self.base_url, self.cookie = http, base_url, cookie
        self.first_visit = first_visit  # load every file the page names, as a browser without a cache
        self.files_loaded = 0
        self.on_frame = on_frame  # sees each raw socket.io event frame and its arrival time
        self.tab_id = str(uuid.uuid4())
        self.elements: dict[str, dict] = {}
        self.client_id = ''
        self.next_message_id = 0
        self._acked = -1
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._sockets: aiohttp.ClientSession | None = None  # the websocket's own connection pool
        self._reader: asyncio.Task | None = None
        self._acker: asyncio.Task | None = None
        self._reconnect_task: asyncio.Future | None = None
        self._closing = False
        self._reconnecting = False
        self._pending: list[str] = []
        self.document_id = str(uuid.uuid4())
        self.path = ''
        self.reconnects = 0  # connections lost and re-established (the server replays what was missed)
        self.reloads = 0  # reconnects the server refused, so the page was loaded again
        self.skipped_ids = 0  # frames whose message id jumped past the next expected one (a frame lost or reordered)
        self.navigations: asyncio.Queue[str] = asyncio.Queue()
        self.updates_received = 0
        self.connected = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_reason = ''

    # --- HTTP ---------------------------------------------------------------------------------------------------

    async def get(self, path: str) -> str:
        """Loads a page like a browser navigation; keeps a session cookie the server sets."""
        headers = {'Cookie': self.cookie} if self.cookie else {}
        async with self.http.get(self.base_url + path, headers=headers, allow_redirects=False) as response:
            if 'session' in response.cookies:
                self.cookie = f'session={response.cookies["session"].value}'
            if response.status in (302, 303, 307):
                return await self.get(response.headers['Location'])
            text = await response.text()
            if response.status != 200:
                raise PageError(f'GET {path}: {response.status}')
        self.elements = parse_elements(text)
        self.client_id, self.next_message_id = parse_query(text)
        if self.first_visit:
            await self.load_named_files(text)
        self.document_id = str(uuid.uuid4())  # nicegui.js makes a new one per page load
        self.path = path
        self._acked = -1
        return text

    async def load_named_files(self, page: str) -> None:
        """GETs the scripts, styles and avatars the page names, six at a time (fonts named only by the styles are not
        loaded)."""
        paths = sorted({''.join(groups) for groups in _NAMED_FILES.findall(page)})
        gate = asyncio.Semaphore(BROWSER_CONNECTIONS)
        headers = {'Cookie': self.cookie, 'Accept-Encoding': 'gzip, deflate, br'}

        async def load(path: str) -> None:
            async with gate, self.http.get(self.base_url + path, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise PageError(f'GET {path}: {response.status}')

        await asyncio.gather(*(load(path) for path in paths))
        self.files_loaded += len(paths)

    # --- socket -------------------------------------------------------------------------------------------------

    async def connect(self, timeout: float = 30.0) -> None:
        self._closing = False
        self.connected.clear()
        query = {
            'client_id': self.client_id,
            'next_message_id': self.next_message_id,
            'implicit_handshake': 'true',
            'document_id': self.document_id,
            'tab_id': self.tab_id,
            'EIO': '4',
            'transport': 'websocket',
        }
        url = self.base_url.replace('http', 'ws', 1) + '/_nicegui_ws/socket.io/?' + urlencode(query)
        headers = {'Cookie': self.cookie} if self.cookie else {}
        await self._drop_socket()  # a previous attempt's socket must not start a second reconnect
        # compress: the permessage-deflate offer browsers make (the server takes it only with CHAT_WS_COMPRESSION)
        if self._sockets is None:
            # a connection of its own, as a browser opens it, never an idle keep-alive connection of the page loads
            # (aiohttp's pool would reuse one): upgraded on such a connection, some sockets were closed by the server
            # (1006) about 2 s after connecting - uvicorn's keep-alive timeout of the finished page response, it
            # seems, still armed on the upgraded connection; with a connection of their own, none in 200 tabs.
            self._sockets = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        ws = await self._sockets.ws_connect(
            url,
            headers=headers,
            autoping=True,
            max_msg_size=0,
            compress=15,
            timeout=aiohttp.ClientWSTimeout(ws_close=5),
        )
        self.ws = ws
        opening = await asyncio.wait_for(ws.receive_str(), timeout)
        if not opening.startswith('0'):
            raise PageError(f'unexpected engine.io open: {opening[:80]}')
        await ws.send_str('40')
        self._reader = asyncio.create_task(self._read(ws))
        if self._acker is None:
            self._acker = asyncio.create_task(self._ack_loop())
        waiter = asyncio.ensure_future(self.connected.wait())
        await asyncio.wait([self._reader, waiter], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if not self.connected.is_set():
            raise PageError(f'socket.io connect failed: {self.close_reason or "timeout"}')
        pending, self._pending = self._pending, []
        for frame in pending:  # socket.io-client buffers what was emitted while disconnected
            self._send(frame)

    async def _drop_socket(self) -> None:
        reader, ws = self._reader, self.ws
        self._reader, self.ws = None, None
        if reader is not None and not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):
                await ws.close()

    async def _reconnect(self) -> None:
        """socket.io-client reconnects after a lost connection with the same query (and the newest message id);
        when the server no longer knows the client (gone longer than its reconnect window) nicegui.js reloads."""
        if self._reconnecting:
            return
        self._reconnecting = True
        try:
            await self._reconnect_attempts()
        finally:
            self._reconnecting = False

    async def _reconnect_attempts(self) -> None:
        self.reconnects += 1
        for attempt in range(20):
            await asyncio.sleep(min(1.0 * (attempt + 1), 5.0))
            if self._closing:
                return
            try:
                if self.close_reason.startswith('PageError') and self.path:  # refused: reload the page
                    self.reloads += 1
                    page = await self.get(self.path)
                    if self.on_frame is not None:
                        self.on_frame(page, time.perf_counter())
                self.close_reason = ''
                await self.connect()
                return
            except (PageError, OSError, TimeoutError, aiohttp.ClientError) as error:
                self.close_reason = f'PageError {error!r}' if isinstance(error, PageError) else repr(error)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        try:
            async for frame in ws:
                if frame.type in (aiohttp.WSMsgType.PING, aiohttp.WSMsgType.PONG):
                    continue
                if frame.type != aiohttp.WSMsgType.TEXT:
                    self.close_reason = f'{frame.type.name} {frame.data!r} {frame.extra!r}'
                    break
                data: str = frame.data
                arrived = time.perf_counter()
                if data.startswith('42'):
                    if self.on_frame is not None:
                        self.on_frame(data, arrived)
                    self._dispatch(json.loads(data[2:]))
                elif data == '2':
                    await ws.send_str('3')
                elif data.startswith('40'):
                    self.connected.set()
                elif data.startswith('44'):
                    self.close_reason = f'PageError refused: {data}'
                    break
        except Exception as error:
            self.close_reason = repr(error)
        finally:
            if not self.close_reason:
                self.close_reason = f'closed by server ({ws.close_code})'
            if ws is self.ws:  # not a socket that a newer attempt has already replaced
                self.closed.set()
                self.connected.clear()
                if not self._closing and not self._reconnecting:
                    self._reconnect_task = asyncio.ensure_future(self._reconnect())

    def _dispatch(self, packet: list[Any]) -> None:
        name, payload = packet[0], packet[1] if len(packet) > 1 else None
        if isinstance(payload, dict) and '_id' in payload:
            message_id = payload.pop('_id')
            if message_id < self.next_message_id:
                return
            if message_id > self.next_message_id:
                self.skipped_ids += 1
            self.next_message_id = message_id + 1
        if name == 'update':
            self.updates_received += 1
            for element_id, element in payload.items():
                if element is None:
                    self.elements.pop(element_id, None)
                else:
                    self.elements[element_id] = element
        elif name == 'open':
            self.navigations.put_nowait(payload['path'])
        elif name == 'run_javascript' and payload.get('request_id'):
            result = 'UTC' if 'timeZone' in payload.get('code', '') else None
            self.emit(
                'javascript_response',
                {'request_id': payload['request_id'], 'client_id': self.client_id, 'result': result},
            )

    async def _ack_loop(self) -> None:
        """nicegui.js acks every 3 s when it has seen new messages; the server prunes its replay history then."""
        while True:
            await asyncio.sleep(ACK_INTERVAL)
            if self._acked < self.next_message_id:
                self.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})
                self._acked = self.next_message_id

    def emit(self, name: str, data: dict) -> None:
        """Sends one socket.io event (fire and forget, like socket.emit in the browser)."""
        frame = '42' + json.dumps([name, data], separators=(',', ':'))
        if self.ws is None or self.ws.closed or not self.connected.is_set():
            if self._closing:
                raise PageError(f'socket closed: {self.close_reason}')
            self._pending.append(frame)
            return
        self._send(frame)

    def _send(self, frame: str) -> None:
        assert self.ws is not None
        task = asyncio.ensure_future(self.ws.send_str(frame))
        task.add_done_callback(_ignore_result)

    async def close(self) -> None:
        self._closing = True
        tasks = [t for t in (self._reader, self._acker, self._reconnect_task) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._reader = self._acker = self._reconnect_task = None
        if self.ws is not None and not self.ws.closed:
            with contextlib.suppress(Exception):
                await self.ws.close(code=GOING_AWAY)
        if self._sockets is not None:
            await self._sockets.close()
            self._sockets = None

    # --- UI events ----------------------------------------------------------------------------------------------

    def has(self, testid: str) -> bool:
        """Whether the page shows an element with that test id (elements may be built on demand)."""
        return any(element.get('props', {}).get('data-testid') == testid for element in self.elements.values())

    def find(self, testid: str) -> tuple[str, dict]:
        for element_id, element in self.elements.items():
            if element.get('props', {}).get('data-testid') == testid:
                return element_id, element
        raise PageError(f'no element with data-testid={testid}')

    def _listener(self, element: dict, event_type: str, keys: list[str] | None = None) -> str:
        for listener in element.get('events', []):
            if listener['type'] == event_type and (keys is None or listener.get('keys') == keys):
                return listener['listener_id']
        raise PageError(f'no {event_type} listener on element {element.get("tag")}')

    def event(self, element_id: str, listener_id: str, args: list[str]) -> None:
        self.emit(
            'event', {'id': int(element_id), 'client_id': self.client_id, 'listener_id': listener_id, 'args': args}
        )

    def type_into(self, testid: str, value: str) -> None:
        """What Vue sends while typing into a `ui.input`: `update:value` with the whole new value."""
        element_id, element = self.find(testid)
        self.event(element_id, self._listener(element, 'update:value'), [json.dumps(value)])

    def press_enter(self, testid: str) -> None:
        element_id, element = self.find(testid)
        self.event(element_id, self._listener(element, 'keydown', ['enter']), ['{"isTrusted":true}'])

    def click(self, testid: str) -> None:
        element_id, element = self.find(testid)
        self.event(element_id, self._listener(element, 'click'), ['{"isTrusted":true}'])

    def open_menu(self, testid: str) -> None:
        """What Quasar sends as a menu opens: a menu built on demand (the user menu, with the speed layer) gets its
        items a moment later; a menu made with its page (plain NiceGUI) listens to nothing, and nothing is sent."""
        element_id, element = self.find(testid)
        if any(listener['type'] == 'beforeShow' for listener in element.get('events', [])):
            self.event(element_id, self._listener(element, 'beforeShow'), [])


def _ignore_result(task: asyncio.Future) -> None:
    if not task.cancelled():
        task.exception()


def new_http(limit: int = 0) -> aiohttp.ClientSession:
    """One HTTP session for many tabs: cookies are sent per tab, never shared through a jar."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, force_close=False),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=120),
    )


async def sign_in(
    http: aiohttp.ClientSession, base_url: str, username: str, password: str, next_path: str = '/'
) -> str:
    """The browser's sign-in: open /login, type name and password, click submit, follow the `open` navigation.

    Returns the signed-in session cookie (`session=...`).
    """
    tab = Tab(http, base_url)
    await tab.get(f'/login?next={next_path}')
    await tab.connect()
    try:
        tab.type_into('username', username)
        tab.type_into('password', password)
        tab.click('submit')
        target = await asyncio.wait_for(tab.navigations.get(), 60)
        if target.startswith('/login'):
            raise PageError(f'sign-in of {username} failed')
    finally:
        await tab.close()
    # the navigation's answer sets the signed-in session cookie (a new one: the server never signs in an old one)
    async with http.get(base_url + target, headers={'Cookie': tab.cookie}, allow_redirects=False) as response:
        if 'session' not in response.cookies or response.status != 303:
            raise PageError(f'sign-in of {username} set no session cookie ({response.status})')
        return f'session={response.cookies["session"].value}'
