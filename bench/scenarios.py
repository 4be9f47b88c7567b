"""The benchmark scenarios. Each starts its own server on a fresh copy of a prepared data folder.

Preparation (once per run): users and rooms through the service layer, then every user signs in once through the
real login page of a running server; the signed-in session cookies stay valid for every later server started on a
copy of that folder (same storage secret, same session files), exactly as they would after a server restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psutil

from bench import server as srv
from bench.client import Tab, new_http
from bench.crowd import Crowd, Recorder, conversation, sign_in_all, summary_ms

ROOMS = ['fanout', 'saturation', 'memory', 'cycles', 'talk', 'h0', 'h10k', 'h100k', 'h1m', 'browsers', 'conversation']


@dataclass
class Fixture:
    """A prepared, signed-in data folder to copy for each server run."""

    work: Path
    prepared: srv.Prepared
    cookies: list[str]

    def room(self, name: str) -> int:
        return self.prepared.rooms[name]

    def server(self, name: str, env: dict[str, str] | None = None) -> srv.Server:
        data = self.work / f'data-{name}'
        srv.copy_data(self.prepared.data_dir, data)
        return srv.Server(data, env=env, log_path=self.work / f'server-{name}.log')


def prepare_fixture(work: Path, n_users: int, history: dict[str, int]) -> Fixture:
    """Users, rooms and history first (server stopped), then one real sign-in per user."""
    work.mkdir(parents=True, exist_ok=True)
    base = work / 'base'
    started = time.perf_counter()
    prepared = srv.prepare(base, n_users, ROOMS)
    for name, count in history.items():
        if count:
            seconds = srv.bulk_insert_history(base, prepared.rooms[name], count)
            print(f'  bulk-inserted {count:,} messages into {name} in {seconds:.1f} s', flush=True)
    server = srv.Server(base, log_path=work / 'server-signin.log')
    with server:
        cookies = asyncio.run(_sign_in(server.url, prepared.users))
    print(f'  prepared {n_users} users, signed in through /login, in {time.perf_counter() - started:.1f} s', flush=True)
    return Fixture(work, prepared, cookies)


async def _sign_in(url: str, users: list[str]) -> list[str]:
    async with new_http() as http:
        return await sign_in_all(http, url, users, srv.PASSWORD)


# --- 1. fan-out ------------------------------------------------------------------------------------------------------


def cpu_seconds(server: srv.Server) -> float:
    """CPU time the server process has used: unlike latency, not inflated by other load on the machine."""
    assert server.process is not None
    times = psutil.Process(server.process.pid).cpu_times()
    return times.user + times.system


async def _fanout_run(
    server: srv.Server, cookies: list[str], path: str | None, rates: list[float], count: int, floor: bool
) -> dict:
    url = server.url
    async with new_http() as http:
        crowd = Crowd(http, url, server_pid=server.process.pid if server.process else None)
        open_seconds = await crowd.open(cookies, path)
        settle_seconds = await crowd.settle()
        results = {
            'open_s': round(open_seconds, 2),
            'settle_s': round(settle_seconds, 2),
            'rates': {},
            'open_retries': crowd.retries,
        }
        for rate in rates:
            cpu_before = cpu_seconds(server)
            recorder = await conversation(crowd, 0, count, rate, floor=floor)
            cpu = cpu_seconds(server) - cpu_before
            lat = recorder.latencies()
            results['rates'][str(rate)] = {
                **summary_ms(lat),
                'lost': recorder.lost(),
                'delivered': recorder.delivered(),
                'frame_bytes': int(statistics.median(recorder.frame_sizes)) if recorder.frame_sizes else 0,
                'reconnects': sum(t.reconnects for t in crowd.tabs),
                'reloads': sum(t.reloads for t in crowd.tabs),
                'skipped_ids': sum(t.skipped_ids for t in crowd.tabs),
                'server_cpu_ms_per_msg': round(cpu * 1000 / count, 1),
                'server_cpu_us_per_delivery': round(cpu * 1e6 / max(1, recorder.delivered()), 1),
            }
            await crowd.settle(quiet=0.5)
        await crowd.close()
    return results


def fanout(fixture: Fixture, sizes: list[int], rates: list[float], count: int) -> list[dict]:
    """Scenario 1: one sender, N clients in one room, `count` messages at each rate; plus the transport floor."""
    rows = []
    for n in sizes:
        server = fixture.server(f'fanout-{n}')
        with server:
            real = asyncio.run(
                _fanout_run(server, fixture.cookies[:n], f'/room/{fixture.room("fanout")}', rates, count, floor=False)
            )
        frame = max(r['frame_bytes'] for r in real['rates'].values()) or 1000
        floor_server = srv.FloorServer(fixture.work, frame)
        with floor_server:
            floor = asyncio.run(_fanout_run(floor_server, [''] * n, None, rates, count, floor=True))
        for rate in rates:
            r, f = real['rates'][str(rate)], floor['rates'][str(rate)]
            rows.append(
                {
                    'scenario': 'fanout',
                    'clients': n,
                    'rate': rate,
                    'messages': count,
                    **r,
                    'floor': {k: f[k] for k in ('p50', 'p95', 'p99', 'max', 'lost', 'server_cpu_us_per_delivery')},
                    'ratio_p50': round(r['p50'] / f['p50'], 1) if f['p50'] else None,
                    'ratio_p99': round(r['p99'] / f['p99'], 1) if f['p99'] else None,
                    'open_s': real['open_s'],
                    'settle_s': real['settle_s'],
                    'open_retries': real['open_retries'],
                    'load_avg': round(os.getloadavg()[0], 1),
                }
            )
            print(
                f'  fan-out N={n} {rate}/s: p50 {r["p50"]} p99 {r["p99"]} max {r["max"]} ms, lost {r["lost"]}, '
                f'server CPU {r["server_cpu_us_per_delivery"]} µs/delivery; floor p50 {f["p50"]} p99 {f["p99"]} ms, '
                f'{f["server_cpu_us_per_delivery"]} µs/delivery; load avg {os.getloadavg()[0]:.1f}',
                flush=True,
            )
    return rows


# --- 2. saturation ---------------------------------------------------------------------------------------------------


async def _saturate(server: srv.Server, cookies: list[str], path: str, senders: int, seconds: float) -> dict:
    async with new_http() as http:
        crowd = Crowd(http, server.url, server_pid=server.process.pid if server.process else None)
        await crowd.open(cookies, path)
        await crowd.settle()
        recorder = Recorder(len(crowd.tabs))
        crowd.recorder = recorder
        stop_at = time.perf_counter() + seconds
        counter = iter(range(10**9))

        async def sender(index: int) -> int:
            """Closed loop: the next message as soon as the sender sees its previous one in its own feed."""
            tab, mine = crowd.tabs[index], recorder.seen[index]
            posted = 0
            while time.perf_counter() < stop_at:
                seq = next(counter)
                recorder.sent[seq] = time.perf_counter()
                tab.type_into('message-input', recorder.text(seq))
                tab.press_enter('message-input')
                while seq not in mine:
                    await asyncio.sleep(0.002)
                    if time.perf_counter() > stop_at + 30:
                        return posted
                posted += 1
            return posted

        started = time.perf_counter()
        await asyncio.gather(*(sender(i) for i in range(senders)))
        elapsed = time.perf_counter() - started
        delivered_in_window = sum(1 for seen in recorder.seen for t in seen.values() if t <= started + elapsed)
        expected = len(recorder.sent) * len(crowd.tabs)
        deadline = time.perf_counter() + 30
        while recorder.delivered() < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        crowd.recorder = None
        await crowd.close()
    return {
        'accepted': len(recorder.sent),
        'seconds': round(elapsed, 2),
        'accepted_per_s': round(len(recorder.sent) / elapsed, 1),
        'delivered_per_s': round(delivered_in_window / elapsed, 1),
        'lost': recorder.lost(),
        'texts': [recorder.text(seq) for seq in recorder.sent],
        **summary_ms(recorder.latencies()),
    }


def stored_once(data_dir: Path, texts: list[str]) -> dict:
    """How many of the accepted texts are in the database exactly once (and how many are missing or doubled)."""
    db = sqlite3.connect(data_dir / 'chat.db')
    try:
        counts: dict[str, int] = {}
        for (body,) in db.execute("SELECT body FROM message WHERE body LIKE 'bm%'"):
            counts[body] = counts.get(body, 0) + 1
    finally:
        db.close()
    once = sum(1 for text in texts if counts.get(text) == 1)
    return {
        'stored_once': once,
        'missing': sum(1 for t in texts if t not in counts),
        'duplicated': sum(1 for t in texts if counts.get(t, 0) > 1),
    }


def saturation(fixture: Fixture, sizes: list[int], seconds: float) -> list[dict]:
    """Scenario 2: up to 10 closed-loop senders as fast as the server accepts; accepted and delivered messages/s."""
    rows = []
    for n in sizes:
        senders = min(n, 10)
        server = fixture.server(f'saturation-{n}')
        with server:
            result = asyncio.run(
                _saturate(server, fixture.cookies[:n], f'/room/{fixture.room("saturation")}', senders, seconds)
            )
        texts = result.pop('texts')
        check = stored_once(server.data_dir, texts)
        rows.append({'scenario': 'saturation', 'clients': n, 'senders': senders, **result, **check})
        print(
            f'  saturation N={n}: accepted {result["accepted_per_s"]}/s, delivered {result["delivered_per_s"]}/s, '
            f'lost {result["lost"]}, stored once {check["stored_once"]}/{len(texts)}',
            flush=True,
        )
    return rows


# --- 3. room opening vs history --------------------------------------------------------------------------------------


CLOSED_PAGE_GONE = 0.3  # seconds the server is given to delete a closed tab's page


async def open_once(http, url: str, cookie: str, room_id: int, newest: str | None) -> float:
    """Page request until the HTML (with the newest messages in its element tree) is in and the socket is up; then
    the tab closes."""
    started = time.perf_counter()
    tab = Tab(http, url, cookie)
    page = await tab.get(f'/room/{room_id}')
    await tab.connect()
    elapsed = time.perf_counter() - started
    if newest is not None and newest not in page:
        raise RuntimeError(f'newest message {newest!r} not on the opened page')
    await tab.close()
    return elapsed


def newest_body(data_dir: Path, room_id: int) -> str | None:
    db = sqlite3.connect(data_dir / 'chat.db')
    try:
        row = db.execute('SELECT body FROM message WHERE room_id = ? ORDER BY id DESC LIMIT 1', (room_id,)).fetchone()
    finally:
        db.close()
    return row[0] if row else None


async def _opening(
    fixture: Fixture, url: str, data_dir: Path, repeats: int, talk_count: int, history: list[int]
) -> dict:
    rooms = {str(count): name for count, name in zip(history, ['h0', 'h10k', 'h100k', 'h1m'], strict=False)}
    opener = fixture.cookies[-1]
    results: dict = {'open_ms': {}}
    async with new_http() as http:
        for label, name in rooms.items():
            room_id = fixture.room(name)
            newest = newest_body(data_dir, room_id)
            times = []
            for attempt in range(repeats + 1):  # the first is a warm-up, not counted
                elapsed = await open_once(http, url, opener, room_id, newest)
                # a closed tab's page is deleted at once: not while the next opening is measured
                await asyncio.sleep(CLOSED_PAGE_GONE)
                if attempt:
                    times.append(elapsed)
            results['open_ms'][label] = round(statistics.median(times) * 1000, 1)
            print(f'  open room with {label} messages: median {results["open_ms"][label]} ms', flush=True)
        largest = fixture.room(list(rooms.values())[-1])
        crowd = Crowd(http, url)
        await crowd.open(fixture.cookies[:10], f'/room/{fixture.room("talk")}')
        await crowd.settle()
        base = await conversation(crowd, 0, talk_count, 5)
        stop = asyncio.Event()
        opened = 0

        async def keep_opening() -> None:
            """Someone opens the largest room about once a second (each a fresh page, then the tab closes)."""
            nonlocal opened
            while not stop.is_set():
                await open_once(http, url, opener, largest, None)
                opened += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)

        opener_task = asyncio.create_task(keep_opening())
        during = await conversation(crowd, 0, talk_count, 5)
        stop.set()
        await opener_task
        await crowd.close()
    results['talk_p99_ms'] = summary_ms(base.latencies())['p99']
    results['talk_p99_while_opening_ms'] = summary_ms(during.latencies())['p99']
    results['talk_lost'] = base.lost() + during.lost()
    results['opens_during_talk'] = opened
    return results


def opening(fixture: Fixture, repeats: int, talk_count: int, history: list[int]) -> list[dict]:
    """Scenario 3: open rooms of 0 to 1,000,000 stored messages; a 10-client conversation while the big one opens."""
    server = fixture.server('opening')
    with server:
        result = asyncio.run(_opening(fixture, server.url, server.data_dir, repeats, talk_count, history))
    print(
        f'  10-client talk p99 {result["talk_p99_ms"]} ms alone, {result["talk_p99_while_opening_ms"]} ms while '
        f'the largest room opened {result["opens_during_talk"]} times',
        flush=True,
    )
    return [{'scenario': 'opening', **result}]


# --- 4. memory -------------------------------------------------------------------------------------------------------


# The server hands freed memory back to the system every 5 s (pages/fastpath/collector.py, `malloc_trim`): a reading
# taken at once may still count pages a finished burst freed (0-30 KB per tab here). Each reading is taken at once and
# again after one such interval; the settled one is the figure, the other is kept beside it.
TRIM_INTERVAL = 6.0


async def _memory(fixture: Fixture, server: srv.Server, n: int, more: int) -> dict:
    room = f'/room/{fixture.room("memory")}'

    async def rss() -> tuple[int, int]:
        at_once = server.rss()
        await asyncio.sleep(TRIM_INTERVAL)
        return at_once, server.rss()

    async with new_http() as http:
        # Every tab here is a first visit: it also loads the page's scripts, styles and avatars, as a browser without
        # a cache does.
        await _warm_up(http, server, fixture.cookies[n], f'/room/{fixture.room("cycles")}')
        crowd = Crowd(http, server.url, server_pid=server.process.pid if server.process else None, first_visits=True)
        await crowd.open(fixture.cookies[:1], room)
        await crowd.settle()
        await conversation(crowd, 0, 50, 50)  # 50 messages on screen for everyone who opens now
        await crowd.settle()
        base_at_once, base = await rss()
        await crowd.open(fixture.cookies[1:n], room)
        await crowd.settle()
        with_clients_at_once, with_clients = await rss()
        more_sent = await conversation(crowd, 0, more, 10, drain=120)
        await crowd.settle()
        _, after_more = await rss()
        files_per_visit = min(tab.files_loaded for tab in crowd.tabs)
        await crowd.close()
    return {
        'clients': n,
        'rss_base_mb': round(base / 2**20, 1),
        'rss_clients_mb': round(with_clients / 2**20, 1),
        'kb_per_client': round((with_clients - base) / (n - 1) / 1024, 1),
        'kb_per_client_at_once': round((with_clients_at_once - base_at_once) / (n - 1) / 1024, 1),
        'kb_per_client_after_more': round((after_more - base) / (n - 1) / 1024, 1),
        'more_messages': more,
        'more_lost': more_sent.lost(),
        'files_per_visit': files_per_visit,
    }


async def _warm_up(http: aiohttp.ClientSession, server: srv.Server, cookie: str, path: str) -> None:
    """One first visit, so that lazily imported code and the static-file cache are in place before a baseline."""
    warm = Crowd(http, server.url, first_visits=True)
    await warm.open([cookie], path)
    await warm.close()
    await asyncio.sleep(server_reconnect_window())


async def _cycles(fixture: Fixture, server: srv.Server, n: int, cycles: int, first_visits: bool, key: str) -> dict:
    """RSS before and after `cycles` visits by one tab at a time (open the page, connect, close the tab)."""
    path = f'/room/{fixture.room("cycles")}'
    pid = server.process.pid if server.process else None
    async with new_http() as http:
        await _warm_up(http, server, fixture.cookies[n], path)
        await Crowd(http, server.url, server_pid=pid).settle()
        before = server.rss()
        cycler = Crowd(http, server.url, server_pid=pid, first_visits=first_visits)
        for _ in range(cycles):
            await cycler.open([fixture.cookies[n + 1]], path, concurrency=1)
            await cycler.close()
        await asyncio.sleep(server_reconnect_window())
        after = server.rss()
    return {
        f'{key}cycle_growth_mb': round((after - before) / 2**20, 2),
        f'{key}rss_before_cycles_mb': round(before / 2**20, 1),
        f'{key}rss_after_cycles_mb': round(after / 2**20, 1),
    }


def server_reconnect_window() -> float:
    """A closed bench tab's page goes at once (it closes with 1001); any other end waits for NiceGUI's
    reconnect_timeout (3 s). A little slack on top."""
    return 5.0


def memory(fixture: Fixture, n: int, more: int, cycles: int) -> list[dict]:
    """Scenario 4: server RSS per client with 50 messages shown, after `more` messages, and over connect cycles.

    The cycles run twice, each on a fresh server of its own (a high-water mark left by the clients, or by one kind of
    visit, would hide another's growth): first visits (a browser without a cache: HTML, the page's files, the
    socket) and returning visits (a browser with NiceGUI's files cached: HTML and the socket only)."""
    result: dict = {'cycles': cycles}
    server = fixture.server('memory')
    with server:
        result |= asyncio.run(_memory(fixture, server, n, more))
    for key, first_visits in (('', True), ('returning_', False)):
        cycling = fixture.server(f'memory-{key or "first_"}cycles')
        with cycling:
            result |= asyncio.run(_cycles(fixture, cycling, n, cycles, first_visits, key))
    print(
        f'  memory: {result["kb_per_client"]} KB/client ({result["kb_per_client_at_once"]} read at once), '
        f'{result["kb_per_client_after_more"]} KB/client after '
        f'{more} more messages; {cycles} connect cycles grew RSS by {result["cycle_growth_mb"]} MB (first visits), '
        f'{result["returning_cycle_growth_mb"]} MB (returning visits)',
        flush=True,
    )
    return [{'scenario': 'memory', **result}]


# --- beyond the issue: page requests that never connect ----------------------------------------------------------


def flood(fixture: Fixture, count: int, concurrency: int = 8, after: float = 75.0) -> list[dict]:
    """`count` cookie-less GETs of /login that never connect (a crawler, a script, a flood), `concurrency` at a time:
    the server's RSS growth at its peak and `after` seconds later, when every such page is gone (NiceGUI's own limit
    is 60 s, checked every 10 s)."""
    server = fixture.server('flood')
    with server:
        result = asyncio.run(_flood(server, count, concurrency, after))
    print(
        f'  flood: {count} page requests at {result["requests_per_s"]}/s: RSS peak +{result["peak_growth_mb"]} MB, '
        f'+{result["growth_after_mb"]} MB {after:.0f} s later',
        flush=True,
    )
    return [{'scenario': 'flood', **result}]


async def _flood(server: srv.Server, count: int, concurrency: int, after: float) -> dict:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def one() -> None:
            async with http.get(server.url + '/login') as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f'GET /login: {response.status}')

        for _ in range(20):  # what the first requests load once
            await one()
        await asyncio.sleep(5)
        before = peak = server.rss()
        gate = asyncio.Semaphore(concurrency)

        async def gated() -> None:
            async with gate:
                await one()

        started = time.perf_counter()
        requests = asyncio.gather(*(gated() for _ in range(count)))
        while not requests.done():
            await asyncio.wait([requests], timeout=0.5)
            peak = max(peak, server.rss())
        await requests
        seconds = time.perf_counter() - started
        deadline = time.perf_counter() + after
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.5)
            peak = max(peak, server.rss())
        end = server.rss()
    return {
        'requests': count,
        'concurrency': concurrency,
        'requests_per_s': round(count / seconds, 1),
        'rss_before_mb': round(before / 2**20, 1),
        'peak_growth_mb': round((peak - before) / 2**20, 1),
        'growth_after_mb': round((end - before) / 2**20, 1),
        'after_s': after,
    }


# --- 5. persistence --------------------------------------------------------------------------------------------------


def persistence(work: Path, count: int, concurrency: int) -> list[dict]:
    """Scenario 5: messages stored per second through `Messages.post` (no UI), each stored exactly once."""
    result = asyncio.run(_persistence(work / 'persistence', count, concurrency))
    print(
        f'  persistence: {result["stored_per_s"]} messages/s stored, {result["stored_once"]}/{count} exactly once',
        flush=True,
    )
    return [{'scenario': 'persistence', **result}]


async def _persistence(data_dir: Path, count: int, concurrency: int) -> dict:
    import sys

    sys.path.insert(0, str(srv.ROOT))
    for key, value in srv.BENCH_ENV.items():
        os.environ.setdefault(key, value)
    prepared = await srv._prepare(data_dir, concurrency, ['persist'])
    from chat import services as service_factory
    from chat.settings import Settings

    services = service_factory.build(Settings(data_dir=data_dir))
    await asyncio.to_thread(services.migrate)
    await services.start()
    users = [await services.accounts.authenticate(name, srv.PASSWORD) for name in prepared.users]
    room_id = prepared.rooms['persist']
    texts = [f'bm-persist-{i:07d}' for i in range(count)]
    queue = iter(texts)
    accepted: list[str] = []

    async def writer(user) -> None:
        for text in queue:
            await services.messages.post(user, room_id, text)
            accepted.append(text)

    started = time.perf_counter()
    await asyncio.gather(*(writer(user) for user in users))
    elapsed = time.perf_counter() - started
    await services.stop()
    gc.collect()
    check = stored_once(data_dir, accepted)
    return {
        'messages': count,
        'writers': concurrency,
        'seconds': round(elapsed, 2),
        'stored_per_s': round(len(accepted) / elapsed, 1),
        'accepted': len(accepted),
        **check,
    }


def machine() -> dict:
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as info:
            for line in info:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        'cpu': cpu,
        'cores': os.cpu_count(),
        'ram_gb': round(psutil.virtual_memory().total / 2**30, 1),
        'python': platform.python_version(),
        'os': platform.platform(),
    }
