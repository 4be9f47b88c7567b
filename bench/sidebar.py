"""The `sidebar` scenario: the "My rooms" drawer of room pages, live and at opening.

1. Updates. N reader tabs, each of a different user who has joined M of R rooms, all sit in one more room (`lobby`),
   so every room they joined is listed as another room, with an unread badge. Senders (R more users, none a reader,
   each with one tab in one of the R rooms) post at a fixed total rate, round robin over the R rooms, typing into the
   room's input and pressing Enter, as the other scenarios post. For every message and every reader that has
   joined its room, the latency runs from the Enter's emit to the arrival of the `update` frame that changes that
   reader's badge of that room: the badge is found by its `data-testid` (`unread-<room id>`) in the frame's element
   dicts, also when the frame makes it (the first unread message), and followed by its element id after that. The
   badge's text is the count, so the n-th message posted in a room is delivered by the first frame showing a count
   of n or more (a frame may carry two messages' counts at once); a message whose count a member never sees within
   `drain` seconds is missed. Memberships are bulk-inserted into SQLite before the server starts.
2. Opening. One user has joined `open_rooms` rooms holding `open_messages` messages in all (bulk-inserted, rooms
   interleaved in time), with some unread in every room (1 to 120: some beyond the counted cap). The time to open
   one of them: the signed-in GET of its page until the response is in (the page is built with the room list and its
   counts), then also until its socket is connected; and, after that server stopped, `services.unread.summary` for
   that user called in this process on the same database.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import server as srv
from bench.client import Tab, new_http, parse_elements, parse_query
from bench.crowd import Crowd, percentile, send_ui, summary_ms
from bench.scenarios import CLOSED_PAGE_GONE, Fixture, cpu_seconds, stored_once

TESTID_PREFIX = 'unread-'
MAX_PER_ROOM = 98  # messages per room in one run: the badge counts to 99, then says "99+"
UNREAD_SPREAD = 120  # unread messages per room in the opening data: 1 .. this (beyond the cap of 100 too)


def _stamp(when: datetime) -> str:
    return when.strftime('%Y-%m-%d %H:%M:%S.%f')


def _user_ids(db: sqlite3.Connection, names: list[str]) -> list[int]:
    ids = dict(db.execute(f'SELECT username, id FROM user WHERE username IN ({",".join("?" * len(names))})', names))
    return [ids[name] for name in names]


def _add_rooms(db: sqlite3.Connection, names: list[str], owner: int) -> list[int]:
    now = _stamp(datetime.now(UTC))
    db.executemany(
        'INSERT INTO room (name, name_key, owner_id, created_at) VALUES (?, ?, ?, ?)',
        [(name, name.casefold(), owner, now) for name in names],
    )
    ids = dict(db.execute(f'SELECT name, id FROM room WHERE name IN ({",".join("?" * len(names))})', names))
    return [ids[name] for name in names]


def joined(index: int, n_rooms: int, n_joined: int) -> list[int]:
    """The room numbers (0 .. n_rooms-1) reader `index` has joined: a window that moves by one per reader, so every
    room has about the same number of members."""
    return [(index + k) % n_rooms for k in range(n_joined)]


def seed_updates(data_dir: Path, readers: list[str], n_rooms: int, n_joined: int) -> tuple[int, list[int]]:
    """The lobby and R empty rooms, and each reader's memberships, in one transaction. Returns (lobby, room ids)."""
    db = sqlite3.connect(data_dir / 'chat.db')
    try:
        db.execute('BEGIN')
        users = _user_ids(db, readers)
        lobby, *rooms = _add_rooms(db, ['sidebar lobby', *(f'side{i:03d}' for i in range(n_rooms))], users[0])
        now = _stamp(datetime.now(UTC))
        db.executemany(
            'INSERT INTO membership (user_id, room_id, joined_at, last_read_message_id) VALUES (?, ?, ?, NULL)',
            [(user, rooms[k], now) for i, user in enumerate(users) for k in joined(i, n_rooms, n_joined)],
        )
        db.commit()
    finally:
        db.close()
    return lobby, rooms


class BadgeTracker:
    """Recorder-compatible (the Crowd hands it each reader tab's raw frames): counts shown per tab and room."""

    def __init__(self, tabs: list[Tab], members: list[set[int]], rooms: list[int]) -> None:
        self.members = members
        self.token = 'bm' + uuid.uuid4().hex[:10]
        self.sent: dict[int, list[float]] = {room: [] for room in rooms}
        self.texts: list[str] = []
        self.badges: list[dict[str, int]] = [{} for _ in tabs]  # element id -> room, per tab
        self.base: list[dict[int, int]] = [{} for _ in tabs]  # the count each badge showed before the run
        self.seen: list[dict[int, int]] = [{} for _ in tabs]  # messages of this run delivered, per room
        self.latencies: list[float] = []
        self.strays = 0  # counts beyond what was posted, or badges of rooms the tab has not joined
        for index, tab in enumerate(tabs):
            for element_id, element in tab.elements.items():
                room = self._badge(index, element_id, element)
                if room is not None:
                    self.base[index][room] = _count(element)

    def _badge(self, index: int, element_id: str, element: dict) -> int | None:
        testid = (element.get('props') or {}).get('data-testid')
        if isinstance(testid, str) and testid.startswith(TESTID_PREFIX):
            room = int(testid[len(TESTID_PREFIX) :])
            self.badges[index][element_id] = room
            return room
        return self.badges[index].get(element_id)

    def frame(self, index: int, data: str, arrived: float) -> None:
        if not data.startswith('42["update"'):
            return
        payload = json.loads(data[2:])[1]
        for element_id, element in payload.items():
            if not isinstance(element, dict):
                continue
            room = self._badge(index, element_id, element)
            if room is None:
                continue
            if room not in self.members[index] or room not in self.sent:
                self.strays += 1
                continue
            count = _count(element) - self.base[index].get(room, 0)
            before = self.seen[index].get(room, 0)
            sent = self.sent[room]
            for n in range(before, count):
                if n < len(sent):
                    self.latencies.append(arrived - sent[n])
                else:
                    self.strays += 1
            self.seen[index][room] = max(before, count)

    def expected(self) -> int:
        return sum(len(self.sent[room]) for members in self.members for room in members)

    def delivered(self) -> int:
        return len(self.latencies)

    def missed(self) -> int:
        return sum(
            max(0, len(self.sent[room]) - self.seen[index].get(room, 0))
            for index, members in enumerate(self.members)
            for room in members
        )


def _count(element: dict) -> int:
    text = str(element.get('text') or '0').rstrip('+')
    return int(text) if text.isdecimal() else 0


async def _open_senders(http, url: str, cookies: list[str], rooms: list[int], pid: int | None) -> Crowd:
    """One sender per room, each a user of its own in that room only (a room page posts into its own room, and a
    sender's own room list then holds nothing to update), four opening at a time."""
    crowd = Crowd(http, url, server_pid=pid)
    gate = asyncio.Semaphore(4)

    async def one(cookie: str, room: int) -> None:
        async with gate:
            await crowd.open([cookie], f'/room/{room}', concurrency=1)

    await asyncio.gather(*(one(cookie, room) for cookie, room in zip(cookies, rooms, strict=True)))
    return crowd


async def _updates_run(
    server: srv.Server,
    fixture: Fixture,
    n_tabs: int,
    n_joined: int,
    lobby: int,
    rooms: list[int],
    rate: float,
    count: int,
) -> dict:
    pid = server.process.pid if server.process else None
    async with new_http() as http:
        senders = await _open_senders(http, server.url, fixture.cookies[n_tabs : n_tabs + len(rooms)], rooms, pid)
        by_room = {int(tab.path.rsplit('/', 1)[1]): tab for tab in senders.tabs}
        readers = Crowd(http, server.url, server_pid=pid)
        open_s = await readers.open(fixture.cookies[:n_tabs], f'/room/{lobby}')
        await readers.settle()
        members = [{rooms[k] for k in joined(i, len(rooms), n_joined)} for i in range(n_tabs)]
        listed = min(sum(1 for e in t.elements.values() if _testid(e).startswith('room-entry-')) for t in readers.tabs)
        tracker = BadgeTracker(readers.tabs, members, rooms)
        readers.recorder = tracker  # type: ignore[assignment]
        cpu_before = cpu_seconds(server)
        start = time.perf_counter() + 0.05
        for seq in range(count):
            delay = start + seq / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            room = rooms[seq % len(rooms)]
            text = f'{tracker.token}-{seq:06d}'
            tracker.texts.append(text)
            tracker.sent[room].append(time.perf_counter())
            send_ui(by_room[room], text)
        sent_s = time.perf_counter() - start
        deadline = time.perf_counter() + 15.0
        while tracker.delivered() < tracker.expected() and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        cpu = cpu_seconds(server) - cpu_before
        readers.recorder = None
        result = {
            **summary_ms(tracker.latencies),
            'deliveries': tracker.delivered(),
            'expected': tracker.expected(),
            'missed': tracker.missed(),
            'strays': tracker.strays,
            'sent_per_s': round(count / sent_s, 1) if sent_s > 0 else float(count),
            'listed_min': listed,
            'open_s': round(open_s, 1),
            'open_retries': readers.retries + senders.retries,
            'reconnects': sum(t.reconnects for t in readers.tabs),
            'skipped_ids': sum(t.skipped_ids for t in readers.tabs),
            'server_cpu_us_per_delivery': round(cpu * 1e6 / max(1, tracker.delivered()), 1),
            'server_cpu_ms_per_msg': round(cpu * 1000 / count, 1),
            'texts': tracker.texts,
        }
        await readers.close()
        await senders.close()
    return result


def _testid(element: dict) -> str:
    value = (element.get('props') or {}).get('data-testid')
    return value if isinstance(value, str) else ''


def updates(fixture: Fixture, n_tabs: int, n_rooms: int, n_joined: int, rate: float, count: int) -> dict:
    """Measurement 1: badge update latency of N readers × M joined rooms of R while a sender per room posts."""
    if count > n_rooms * MAX_PER_ROOM:
        raise SystemExit(f'sidebar: at most {n_rooms * MAX_PER_ROOM} messages over {n_rooms} rooms (badges say 99+)')
    if n_joined > n_rooms or len(fixture.cookies) < n_tabs + n_rooms:
        raise SystemExit('sidebar: needs joined <= rooms, and a user per tab and per room (the senders)')
    server = fixture.server(f'sidebar-{n_tabs}')
    lobby, rooms = seed_updates(server.data_dir, fixture.prepared.users[:n_tabs], n_rooms, n_joined)
    with server:
        result = asyncio.run(_updates_run(server, fixture, n_tabs, n_joined, lobby, rooms, rate, count))
    texts = result.pop('texts')
    check = stored_once(server.data_dir, texts)
    return {
        'scenario': 'sidebar',
        'tabs': n_tabs,
        'rooms': n_rooms,
        'joined': n_joined,
        'rate': rate,
        'messages': count,
        'senders': n_rooms,
        **result,
        'stored_once': check['stored_once'],
        'load_avg': round(os.getloadavg()[0], 1),
    }


# --- 2. opening with many rooms ------------------------------------------------------------------------------------


def seed_opening(data_dir: Path, opener: str, n_rooms: int, n_messages: int, n_authors: int = 10) -> dict:
    """`n_rooms` rooms the opener has joined holding `n_messages` messages (others', interleaved over the rooms, every
    25th with an @-mention), and read marks leaving 1 .. UNREAD_SPREAD unread per room; one transaction."""
    started = time.perf_counter()
    db = sqlite3.connect(data_dir / 'chat.db')
    try:
        db.execute('BEGIN')
        (me,) = _user_ids(db, [opener])
        others = db.execute('SELECT id FROM user WHERE id != ? ORDER BY id LIMIT ?', (me, n_authors))
        authors = [row[0] for row in others]
        mention = db.execute('SELECT username FROM user WHERE id = ?', (authors[0],)).fetchone()[0]
        rooms = _add_rooms(db, [f'many{i:04d}' for i in range(n_rooms)], me)
        start = datetime.now(UTC) - timedelta(days=365)
        rows = (
            (
                rooms[i % n_rooms],
                authors[i % len(authors)],
                (f'@{mention} ' if i % 25 == 0 else '') + f'history message {i} ' + 'lorem ipsum ' * 3,
                _stamp(start + timedelta(seconds=i * 10)),
            )
            for i in range(n_messages)
        )
        db.executemany('INSERT INTO message (room_id, author_id, body, created_at) VALUES (?, ?, ?, ?)', rows)
        marks = []
        for k, room in enumerate(rooms):
            unread = 1 + k % UNREAD_SPREAD
            row = db.execute(
                'SELECT id FROM message WHERE room_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?', (room, unread)
            ).fetchone()
            marks.append((me, room, _stamp(start), row[0] if row else 0))
        db.executemany(
            'INSERT INTO membership (user_id, room_id, joined_at, last_read_message_id) VALUES (?, ?, ?, ?)', marks
        )
        db.commit()
        total = db.execute('SELECT COUNT(*) FROM message').fetchone()[0]
    finally:
        db.close()
    return {'rooms': rooms, 'seconds': time.perf_counter() - started, 'messages_in_db': total}


async def _opening_run(url: str, cookie: str, room: int, n_rooms: int, opens: int) -> dict:
    """`opens` page loads of one room (after one not counted): GET until the response is in, then the socket."""
    path = f'/room/{room}'
    gets, connects = [], []
    badges = entries = 0
    async with new_http() as http:
        for attempt in range(opens + 1):
            started = time.perf_counter()
            async with http.get(url + path, headers={'Cookie': cookie}, allow_redirects=False) as response:
                page = await response.text()
            got = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f'GET {path}: {response.status}')
            tab = Tab(http, url, cookie)
            tab.elements = parse_elements(page)
            tab.client_id, tab.next_message_id = parse_query(page)
            tab.path = path
            await tab.connect()
            connected = time.perf_counter() - started
            testids = [_testid(e) for e in tab.elements.values()]
            entries = sum(1 for t in testids if t.startswith('room-entry-'))
            badges = sum(1 for t in testids if t.startswith(TESTID_PREFIX))
            await tab.close()
            await asyncio.sleep(CLOSED_PAGE_GONE)  # the closed page is gone before the next is measured
            if attempt:
                gets.append(got)
                connects.append(connected)
    if entries != n_rooms or badges != n_rooms - 1:
        raise RuntimeError(f'the opened page lists {entries} rooms with {badges} badges, not {n_rooms} / {n_rooms - 1}')
    return {
        'get_median_ms': round(statistics.median(gets) * 1000, 1),
        'get_p95_ms': round(percentile(gets, 95) * 1000, 1),
        'connected_median_ms': round(statistics.median(connects) * 1000, 1),
        'connected_p95_ms': round(percentile(connects, 95) * 1000, 1),
        'listed': entries,
        'badges': badges,
    }


async def _summary_in_process(data_dir: Path, username: str, repeats: int) -> dict:
    """`services.unread.summary` in this process, on the database the server used (the server stopped)."""
    sys.path.insert(0, str(srv.ROOT))
    from chat import services as service_factory
    from chat.settings import Settings

    services = service_factory.build(Settings(data_dir=data_dir))
    await services.start()
    try:
        user = await services.accounts.authenticate(username, srv.PASSWORD)
        times = []
        rooms = []
        for attempt in range(repeats + 1):
            started = time.perf_counter()
            rooms = await services.unread.summary(user)
            if attempt:
                times.append(time.perf_counter() - started)
    finally:
        await services.stop()
    return {
        'summary_median_ms': round(statistics.median(times) * 1000, 1),
        'summary_p95_ms': round(percentile(times, 95) * 1000, 1),
        'summary_rooms': len(rooms),
        'summary_unread': sum(r.unread for r in rooms),
    }


def opening(fixture: Fixture, n_rooms: int, n_messages: int, opens: int) -> dict:
    """Measurement 2: open a room page as a user who has joined `n_rooms` rooms holding `n_messages` messages."""
    server = fixture.server(f'sidebar-open-{n_rooms}')
    opener = fixture.prepared.users[0]
    seeded = seed_opening(server.data_dir, opener, n_rooms, n_messages)
    print(f'  bulk-inserted {n_messages:,} messages into {n_rooms} rooms in {seeded["seconds"]:.1f} s', flush=True)
    with server:
        result = asyncio.run(_opening_run(server.url, fixture.cookies[0], seeded['rooms'][0], n_rooms, opens))
    result |= asyncio.run(_summary_in_process(server.data_dir, opener, opens))
    return {
        'scenario': 'sidebar-open',
        'rooms': n_rooms,
        'messages': n_messages,
        'messages_in_db': seeded['messages_in_db'],
        'opens': opens,
        **result,
        'load_avg': round(os.getloadavg()[0], 1),
    }


def sidebar(
    fixture: Fixture,
    n_tabs: int,
    n_rooms: int,
    n_joined: int,
    rate: float,
    count: int,
    open_rooms: int,
    open_messages: int,
    opens: int = 20,
) -> list[dict]:
    live = updates(fixture, n_tabs, n_rooms, n_joined, rate, count)
    print(
        f'  sidebar {n_tabs} tabs x {n_joined}/{n_rooms} rooms @{rate}/s: p50 {live["p50"]} p95 {live["p95"]} '
        f'p99 {live["p99"]} max {live["max"]} ms, {live["deliveries"]}/{live["expected"]} badge updates, '
        f'missed {live["missed"]}, strays {live["strays"]}, server CPU {live["server_cpu_us_per_delivery"]} '
        f'µs/update, {live["server_cpu_ms_per_msg"]} ms/message',
        flush=True,
    )
    opened = opening(fixture, open_rooms, open_messages, opens)
    print(
        f'  sidebar open with {open_rooms} rooms, {open_messages:,} messages: GET median {opened["get_median_ms"]} '
        f'p95 {opened["get_p95_ms"]} ms (socket up: {opened["connected_median_ms"]} ms); summary in-process median '
        f'{opened["summary_median_ms"]} p95 {opened["summary_p95_ms"]} ms',
        flush=True,
    )
    return [live, opened]
