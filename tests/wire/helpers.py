"""What the wire tests look at: every raw frame a tab received, and the message elements in the order they appeared.

bench/client.py speaks the protocol and keeps each tab's element tree; a `Wiretap` is its per-tab frame hook (via
`bench.crowd.Crowd`, whose `recorder` gets every frame with the tab's index) and reads the frames a second time for
what a person would notice: a message element appearing, the input being cleared, a notification.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import sqlite3
import struct
import termios
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench.client import Tab
from bench.crowd import Crowd
from tests import waiting


def token() -> str:
    """A run-unique marker, so texts are found in frames and the database without matching anything else."""
    return 'wt' + uuid.uuid4().hex[:10]


class Wiretap:
    """One tab's received frames, the message texts in order of their elements' first appearance, and notices."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.frames: list[str] = []
        self.appeared: list[str] = []  # texts containing the marker, one entry per new element carrying one
        self.notices: list[str] = []
        self.cleared: Counter[str] = Counter()  # element id -> updates that set its value to ''
        self.reloads = 0
        self._elements: set[str] = set()

    def frame(self, data: str) -> None:
        self.frames.append(data)
        if not data.startswith('42'):  # bench/client.py hands over a reloaded page's HTML too: new element ids
            self.reloads += 1
            self._elements.clear()
            return
        packet = json.loads(data[2:])
        name, payload = packet[0], packet[1] if len(packet) > 1 else None
        if name == 'notify' and isinstance(payload, dict):
            self.notices.append(str(payload.get('message')))
        if name != 'update' or not isinstance(payload, dict):
            return
        for element_id, element in payload.items():
            if not isinstance(element, dict):
                continue
            if element.get('props', {}).get('value') == '':
                self.cleared[element_id] += 1
            text = element.get('text')
            if isinstance(text, str) and self.marker in text and element_id not in self._elements:
                self._elements.add(element_id)
                self.appeared.append(text)

    def carried(self, text: str) -> bool:
        """Whether any frame this tab received contains `text`, JSON-escaped as it travels (UTF-8 or \\u escapes)."""
        forms = {json.dumps(text, ensure_ascii=False)[1:-1], json.dumps(text)[1:-1]}
        return any(form in frame for frame in self.frames for form in forms)


class Taps:
    """A `Crowd.recorder` stand-in: hands each tab's frames to that tab's Wiretap."""

    def __init__(self, marker: str, n: int) -> None:
        self.taps = [Wiretap(marker) for _ in range(n)]

    def frame(self, index: int, data: str, _arrived: float) -> None:
        self.taps[index].frame(data)


async def until(condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Polls `condition()` until it holds or `timeout` seconds passed; returns whether it held (never raises): these
    tests collect what they saw and assert it afterwards, with messages of their own."""
    try:
        await waiting.until(condition, timeout, step=step)
    except waiting.Timeout:
        return False
    return True


async def send(tab: Tab, tap: Wiretap, text: str, timeout: float = 30.0) -> bool:
    """Types `text` into the message input and presses Enter; True once the page cleared the input (the server
    stored and published it), False when it showed a notice instead (refused) or did not answer in time."""
    input_id, _ = tab.find('message-input')
    cleared, notices = tap.cleared[input_id], len(tap.notices)
    tab.type_into('message-input', text)
    tab.press_enter('message-input')
    await until(lambda: tap.cleared[input_id] > cleared or len(tap.notices) > notices, timeout)
    return tap.cleared[input_id] > cleared


def _walk_feed(tab: Tab, visit: Callable[[str, dict], bool]) -> None:
    """Visits the feed's elements in document order; `visit` returns True to skip an element's descendants."""

    def walk(element_id: str) -> None:
        element = tab.elements.get(element_id, {})
        if visit(element_id, element):
            return
        for child in element.get('children', []):
            walk(str(child))

    feed_id, _ = tab.find('feed')
    walk(feed_id)


def feed_texts(tab: Tab) -> list[str]:
    """The message texts on screen, top to bottom, from the tab's current element tree.

    Reads each `q-chat-message` bubble's text (its own and its descendants'), so it does not depend on how the feed
    groups or nests its elements.
    """
    texts: list[str] = []

    def text_of(element_id: str) -> str:
        element = tab.elements.get(element_id, {})
        own = element.get('text')
        return (own if isinstance(own, str) else '') + ''.join(text_of(str(c)) for c in element.get('children', []))

    def visit(element_id: str, element: dict) -> bool:
        if element.get('tag') == 'q-chat-message':
            texts.append(text_of(element_id))
            return True
        return False

    _walk_feed(tab, visit)
    return texts


def feed_notices(tab: Tab) -> list[str]:
    """The join/leave notices in the feed (labels with the `notice` class), top to bottom."""
    texts: list[str] = []

    def visit(_: str, element: dict) -> bool:
        if 'notice' in element.get('class', []) and isinstance(element.get('text'), str):
            texts.append(element['text'])
        return False

    _walk_feed(tab, visit)
    return texts


def tap_crowd(crowd: Crowd, marker: str, tabs: int) -> Taps:
    """Taps on every frame the crowd's tabs receive (the crowd hands each frame over with its tab's index)."""
    taps = Taps(marker, tabs)
    crowd.recorder = taps  # type: ignore[assignment]  # duck-typed
    return taps


def online(tab: Tab) -> set[str]:
    """Usernames in the room's online list as this tab shows it (items are `online-<username>`)."""
    _, listing = tab.find('online-list')
    names = set()
    for child in listing.get('children', []):
        testid = tab.elements.get(str(child), {}).get('props', {}).get('data-testid', '')
        if testid.startswith('online-'):
            names.add(testid.removeprefix('online-'))
    return names


def tracebacks(log_path: Path) -> list[str]:
    """The tracebacks the server wrote to its log (each from its first line up to the next blank or log line)."""
    found: list[str] = []
    lines = log_path.read_text(errors='replace').splitlines()
    for index, line in enumerate(lines):
        if line.startswith('Traceback (most recent call last)'):
            found.append('\n'.join(lines[index : index + 30]))
    return found


def stored(data_dir: Path, marker: str) -> list[tuple[int, int, str]]:
    """(id, room id, body) of every stored message containing `marker`, in id order, read from the SQLite file."""
    db = sqlite3.connect(data_dir / 'chat.db')
    try:
        return list(db.execute('SELECT id, room_id, body FROM message WHERE body LIKE ? ORDER BY id', (f'%{marker}%',)))
    finally:
        db.close()


def transport(tab: Tab) -> asyncio.Transport:
    """The tab's TCP transport (aiohttp has no public handle for a websocket's)."""
    assert tab.ws is not None
    return tab.ws._response.connection.transport  # type: ignore[union-attr]


def stall(tab: Tab) -> None:
    """A frozen tab: nothing more is read from its socket, the TCP connection stays open and unread data piles up.

    The tab's reader waits for data that never comes, so it neither answers pings nor reconnects.
    """
    transport(tab).pause_reading()


async def drop(tab: Tab) -> None:
    """The connection ends without a websocket close handshake (a killed browser), and the tab never comes back."""
    transport(tab).abort()
    await tab.close()  # marks the tab closing before its reader notices, so it does not reconnect


def unread_bytes(tab: Tab) -> int:
    """Bytes the kernel holds for this tab's socket that the tab has not read."""
    assert tab.ws is not None
    sock = tab.ws.get_extra_info('socket')
    return struct.unpack('i', fcntl.ioctl(sock.fileno(), termios.FIONREAD, b'\0\0\0\0'))[0]


def server_end(tab: Tab) -> tuple[bool, int]:
    """The server's end of this tab's connection: (still established, bytes its kernel holds unsent)."""
    assert tab.ws is not None
    client_port = tab.ws.get_extra_info('sockname')[1]
    server_port = tab.ws.get_extra_info('peername')[1]
    with open('/proc/net/tcp') as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            local, remote, state, queues = fields[1], fields[2], fields[3], fields[4]
            if int(local.split(':')[1], 16) == server_port and int(remote.split(':')[1], 16) == client_port:
                return state == '01', int(queues.split(':')[0], 16)
    return False, 0
