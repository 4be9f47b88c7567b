"""A browser tab without a browser: page HTML over HTTP, then NiceGUI's socket.io connection (python-socketio).

It speaks what nicegui.js speaks (see /work/shared/nicegui-notes.md, "The wire"): GET the page with the session cookie,
read `client_id`, `next_message_id` and the element tree from the HTML, connect socket.io at `/_nicegui_ws/socket.io`
with the same query, apply `update` messages to its element tree, answer `run_javascript`, ack every few seconds, and
send UI events. Every server frame is kept, so a test can check what a client's websocket did (not) carry.
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
from urllib.parse import urlencode, urljoin

import aiohttp
import socketio

from tests.waiting import Timeout, until

_ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)
_CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
_NEXT_ID = re.compile(r"'next_message_id': (\d+)")


class WireError(AssertionError):
    pass


def parse_page(page: str) -> tuple[str, int, dict[str, dict]]:
    """client_id, next_message_id and the element tree exactly as nicegui.js reads them from the HTML."""
    elements = _ELEMENTS.search(page)
    client_id, next_id = _CLIENT_ID.search(page), _NEXT_ID.search(page)
    if not (elements and client_id and next_id):
        raise WireError('not a NiceGUI page')
    raw = elements.group(1).replace('&#36;', '$').replace('&#96;', '`')
    return client_id.group(1), int(next_id.group(1)), json.loads(html.unescape(raw))


class Browser:
    """One person's browser: cookies (the session, a balancer's route) shared by its tabs on every instance."""

    def __init__(
        self, http: aiohttp.ClientSession, name: str = '', socket_options: dict[str, Any] | None = None
    ) -> None:
        self.http, self.name = http, name
        self.socket_options = socket_options or {}  # for python-socketio's client, e.g. the TLS context of a test CA
        self.cookies: dict[str, str] = {}
        self.tabs: list[Tab] = []

    @property
    def cookie(self) -> str:
        return '; '.join(f'{name}={value}' for name, value in self.cookies.items())

    async def get(self, url: str) -> tuple[str, str]:
        """Follows redirects like a navigation; returns (final path, HTML)."""
        for _ in range(5):
            headers = {'Cookie': self.cookie} if self.cookie else {}
            async with self.http.get(url, headers=headers, allow_redirects=False) as response:
                for name, morsel in response.cookies.items():
                    self.cookies[name] = morsel.value
                if response.status in (301, 302, 303, 307):
                    url = urljoin(url, response.headers['Location'])
                    continue
                text = await response.text()
                if response.status != 200:
                    raise WireError(f'GET {url}: HTTP {response.status}')
                return str(response.url.path), text
        raise WireError(f'too many redirects from {url}')

    async def open(self, base_url: str, path: str) -> Tab:
        tab = Tab(self, base_url)
        await tab.open(path)
        self.tabs.append(tab)
        return tab

    async def sign_in(self, base_url: str, username: str, password: str) -> None:
        """The sign-in form, typed and submitted over the websocket; done when the page navigates away."""
        tab = await self.open(base_url, '/login')
        await tab.type('username', username)
        await tab.type('password', password)
        await tab.click('submit')
        target = await tab.next_navigation()
        if target.startswith('/login'):
            raise WireError(f'sign-in of {username} failed')
        await tab.close()
        await self.get(urljoin(base_url, target))  # its answer sets the signed-in session cookie

    async def close(self) -> None:
        for tab in list(self.tabs):
            await tab.close()


class Tab:
    """One open page: its element tree kept current from `update` frames, and every frame it received."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.tab_id = str(uuid.uuid4())
        self.path = ''
        self.client_id = ''
        self.next_message_id = 0
        self.elements: dict[str, dict] = {}
        self.frames: list[tuple[str, Any]] = []  # (event name, payload) as received, for secrecy checks
        self.navigations: asyncio.Queue[str] = asyncio.Queue()
        self.sio: socketio.AsyncClient | None = None
        self._ack_task: asyncio.Task[None] | None = None
        self.disconnected = asyncio.Event()

    async def open(self, path: str) -> None:
        self.path, page = await self.browser.get(self.base_url + path)
        self.client_id, self.next_message_id, self.elements = parse_page(page)
        query = {
            'client_id': self.client_id,
            'next_message_id': self.next_message_id,
            'implicit_handshake': 'true',
            'document_id': str(uuid.uuid4()),
            'tab_id': self.tab_id,
        }
        sio = socketio.AsyncClient(reconnection=False, **self.browser.socket_options)
        sio.on('*', self._on_event)
        sio.on('disconnect', lambda *_: self.disconnected.set())
        headers = {'Cookie': self.browser.cookie} if self.browser.cookie else {}
        await sio.connect(
            f'{self.base_url}?{urlencode(query)}',
            headers=headers,
            transports=['websocket'],
            socketio_path='/_nicegui_ws/socket.io',
            wait_timeout=10,
        )
        self.sio = sio
        self._ack_task = asyncio.create_task(self._ack_loop())

    async def _on_event(self, name: str, payload: Any = None) -> None:
        self.frames.append((name, payload))
        if isinstance(payload, dict) and '_id' in payload:
            message_id = payload['_id']
            if message_id < self.next_message_id:
                return
            self.next_message_id = message_id + 1
        if name == 'update':
            for element_id, element in payload.items():
                if element_id == '_id':
                    continue
                if element is None:
                    self.elements.pop(element_id, None)
                else:
                    self.elements[element_id] = element
        elif name == 'open':
            target = payload.get('path') if isinstance(payload, dict) else payload
            self.navigations.put_nowait(str(target))
        elif name == 'run_javascript' and isinstance(payload, dict) and payload.get('request_id'):
            result = 'UTC' if 'timeZone' in payload.get('code', '') else None
            await self.emit(
                'javascript_response',
                {'request_id': payload['request_id'], 'client_id': self.client_id, 'result': result},
            )

    async def _ack_loop(self) -> None:
        acked = -1
        while True:
            await asyncio.sleep(2.0)  # pacing: nicegui.js acknowledges every few seconds, not on a condition
            if acked < self.next_message_id:
                acked = self.next_message_id
                with contextlib.suppress(Exception):
                    await self.emit('ack', {'client_id': self.client_id, 'next_message_id': acked})

    async def emit(self, name: str, data: dict) -> None:
        if self.sio is None or not self.sio.connected:
            raise WireError('socket not connected')
        await self.sio.emit(name, data)

    async def close(self) -> None:
        if self._ack_task is not None:
            self._ack_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ack_task
            self._ack_task = None
        if self.sio is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.sio.disconnect(), 5)
            self.sio = None
        if self in self.browser.tabs:
            self.browser.tabs.remove(self)

    # --- reading the page -----------------------------------------------------------------------------------------

    def find(self, testid: str) -> tuple[str, dict] | None:
        for element_id, element in self.elements.items():
            if element.get('props', {}).get('data-testid') == testid:
                return element_id, element
        return None

    def get(self, testid: str) -> tuple[str, dict]:
        found = self.find(testid)
        if found is None:
            raise WireError(f'no element with data-testid={testid} on {self.path}')
        return found

    def visible(self, testid: str) -> bool:
        """NiceGUI hides an element with the `hidden` class (set_visibility(False))."""
        found = self.find(testid)
        return found is not None and 'hidden' not in (found[1].get('class') or [])

    def text_of(self, testid: str) -> str:
        return str(self.get(testid)[1].get('text') or '')

    def shows(self, text: str) -> bool:
        """Whether any element's text or props carry the text (as the browser would render it)."""
        return any(text in json.dumps(element, ensure_ascii=False) for element in self.elements.values())

    def received(self, text: str) -> bool:
        """Whether any frame this tab's websocket received carried the text, whatever the page shows now."""
        return any(text in json.dumps(payload, ensure_ascii=False) for _, payload in self.frames)

    async def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 10.0) -> float:
        """Polls the element tree; returns the seconds it took. A WireError when it times out (the scale-out tests
        print the instances' logs for those)."""
        start = time.monotonic()
        try:
            where = f'{self.browser.name} on {self.base_url}{self.path}'
            await until(condition, timeout, what=f'{what} ({where})', step=0.05)
        except Timeout as error:
            raise WireError(str(error)) from None
        return time.monotonic() - start

    async def wait_for_text(self, text: str, timeout: float = 10.0) -> float:
        return await self.wait_until(lambda: self.shows(text), f'showing {text!r}', timeout)

    async def wait_for_testid(self, testid: str, timeout: float = 10.0) -> float:
        return await self.wait_until(lambda: self.find(testid) is not None, f'showing {testid}', timeout)

    async def wait_gone(self, testid: str, timeout: float = 10.0) -> float:
        return await self.wait_until(lambda: self.find(testid) is None, f'without {testid}', timeout)

    async def next_navigation(self, timeout: float = 15.0) -> str:
        return await asyncio.wait_for(self.navigations.get(), timeout)

    # --- acting ---------------------------------------------------------------------------------------------------

    def _listener(self, element: dict, event_type: str, keys: list[str] | None = None) -> str:
        for listener in element.get('events', []):
            if listener['type'] == event_type and (keys is None or listener.get('keys') == keys):
                return listener['listener_id']
        raise WireError(f'no {event_type} listener on {element.get("tag")}')

    async def _send(self, element_id: str, listener_id: str, args: list[str]) -> None:
        await self.emit(
            'event', {'id': int(element_id), 'client_id': self.client_id, 'listener_id': listener_id, 'args': args}
        )

    async def type(self, testid: str, value: str) -> None:
        """What Vue sends while typing into a `ui.input`: `update:value` with the whole new value."""
        element_id, element = self.get(testid)
        await self._send(element_id, self._listener(element, 'update:value'), [json.dumps(value)])

    async def enter(self, testid: str) -> None:
        element_id, element = self.get(testid)
        await self._send(element_id, self._listener(element, 'keydown', ['enter']), ['{"isTrusted":true}'])

    async def click(self, testid: str) -> None:
        element_id, element = self.get(testid)
        await self._send(element_id, self._listener(element, 'click'), ['{"isTrusted":true}'])


def new_http() -> aiohttp.ClientSession:
    """Cookies travel per Browser (explicit header), never through a shared jar."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=30))
