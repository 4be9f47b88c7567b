"""Many tabs in one load process, and the measurement of one conversation across them.

A message's text carries a run token and a sequence number; each tab's raw frames are searched for the token, so a
message counts as delivered to a tab when the first frame carrying its text arrives there, whatever element the page
renders it into.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import statistics
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import psutil

from bench.client import PageError, Tab, sign_in


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float('nan')
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max of latencies given in seconds, as milliseconds."""
    return {
        'p50': round(percentile(values, 50) * 1000, 1),
        'p95': round(percentile(values, 95) * 1000, 1),
        'p99': round(percentile(values, 99) * 1000, 1),
        'max': round(max(values) * 1000, 1) if values else float('nan'),
        'mean': round(statistics.fmean(values) * 1000, 1) if values else float('nan'),
    }


class Recorder:
    """Send times by sequence number, first arrival per (tab, sequence), and the sizes of the frames carrying them."""

    def __init__(self, n_tabs: int) -> None:
        self.token = 'bm' + uuid.uuid4().hex[:10]
        self._pattern = re.compile(self.token + r'-(\d{6})')
        self.sent: dict[int, float] = {}
        self.seen: list[dict[int, float]] = [{} for _ in range(n_tabs)]
        self.frame_sizes: list[int] = []
        self.accepted = asyncio.Event()

    def text(self, seq: int) -> str:
        return f'{self.token}-{seq:06d}'

    def frame(self, index: int, data: str, arrived: float) -> None:
        if self.token not in data:
            return
        seen = self.seen[index]
        for match in self._pattern.finditer(data):
            seq = int(match.group(1))
            if seq not in seen:
                seen[seq] = arrived
                self.frame_sizes.append(len(data))

    def latencies(self, tabs: range | list[int] | None = None) -> list[float]:
        indices = range(len(self.seen)) if tabs is None else tabs
        return [arrived - self.sent[seq] for i in indices for seq, arrived in self.seen[i].items() if seq in self.sent]

    def lost(self, tabs: range | list[int] | None = None) -> int:
        indices = range(len(self.seen)) if tabs is None else tabs
        return sum(1 for i in indices for seq in self.sent if seq not in self.seen[i])

    def delivered(self) -> int:
        return sum(len(s) for s in self.seen)


@dataclass
class Crowd:
    """N open tabs; every frame marks activity and goes to the current recorder."""

    http: aiohttp.ClientSession
    base_url: str
    tabs: list[Tab] = field(default_factory=list)
    recorder: Recorder | None = None
    last_activity: float = 0.0
    retries: int = 0
    server_pid: int | None = None
    first_visits: bool = False  # each tab also loads the files its page names, as a browser without a cache does

    def _hook(self, index: int):
        def on_frame(data: str, arrived: float) -> None:
            self.last_activity = arrived
            if self.recorder is not None:
                self.recorder.frame(index, data, arrived)

        return on_frame

    async def open(self, cookies: list[str], path: str | None, concurrency: int = 2) -> float:
        """Opens one tab per cookie (page GET + socket); returns seconds until all are connected.

        A page the server could not build in time (NiceGUI answers 500 after its 3 s response timeout, which happens
        while a crowd joins: every join updates every open page) is requested again, as a person would reload it;
        `self.retries` counts those.
        """
        started = time.perf_counter()
        gate = asyncio.Semaphore(concurrency)
        offset = len(self.tabs)
        new_tabs = [
            Tab(self.http, self.base_url, cookie, on_frame=self._hook(offset + i), first_visit=self.first_visits)
            for i, cookie in enumerate(cookies)
        ]
        self.tabs.extend(new_tabs)

        async def one(tab: Tab) -> None:
            async with gate:
                for attempt in range(10):
                    try:
                        if path is not None:
                            await tab.get(path)
                        await tab.connect()
                        return
                    except (PageError, TimeoutError, aiohttp.ClientError):
                        if attempt == 9:
                            raise
                        self.retries += 1
                        await tab.close()
                        tab.connected.clear()
                        await asyncio.sleep(1 + attempt)

        await asyncio.gather(*(one(tab) for tab in new_tabs))
        return time.perf_counter() - started

    async def settle(self, quiet: float = 1.0, timeout: float = 600.0) -> float:
        """Waits until no tab has received anything for `quiet` seconds and, when the server's pid is known, the
        server has been (nearly) idle for a second: a join storm can keep it busy without sending for a while.
        Collects this process's garbage first: `python -m bench` keeps its collector off while it measures."""
        gc.collect()
        started = time.perf_counter()
        self.last_activity = time.perf_counter()
        process = psutil.Process(self.server_pid) if self.server_pid else None
        while time.perf_counter() - started < timeout:
            if time.perf_counter() - self.last_activity >= quiet:
                if process is None:
                    break
                before = sum(process.cpu_times()[:2])
                await asyncio.sleep(1.0)
                if sum(process.cpu_times()[:2]) - before < 0.15 and time.perf_counter() - self.last_activity >= quiet:
                    break
                continue
            await asyncio.sleep(0.1)
        return time.perf_counter() - started - quiet

    async def close(self) -> None:
        await asyncio.gather(*(tab.close() for tab in self.tabs))
        self.tabs.clear()


def send_ui(tab: Tab, text: str) -> None:
    """What a person does: type the text into the message input, press Enter."""
    tab.type_into('message-input', text)
    tab.press_enter('message-input')


def send_floor(tab: Tab, text: str) -> None:
    tab.emit('event', {'text': text})


async def conversation(
    crowd: Crowd, sender: int, count: int, rate: float, *, floor: bool = False, drain: float = 15.0
) -> Recorder:
    """One sender posts `count` messages at `rate` per second on a fixed schedule; waits for the fan-out to drain."""
    recorder = Recorder(len(crowd.tabs))
    crowd.recorder = recorder
    tab = crowd.tabs[sender]
    send = send_floor if floor else send_ui
    start = time.perf_counter() + 0.05
    for seq in range(count):
        due = start + seq / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        recorder.sent[seq] = time.perf_counter()
        send(tab, recorder.text(seq))
    expected = count * len(crowd.tabs)
    deadline = time.perf_counter() + drain
    while recorder.delivered() < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    crowd.recorder = None
    return recorder


async def sign_in_all(
    http: aiohttp.ClientSession, base_url: str, users: list[str], password: str, concurrency: int = 4
) -> list[str]:
    """Real sign-ins through the login page, a few at a time (each costs one argon2 verification on the server)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(name: str) -> str:
        async with gate:
            return await sign_in(http, base_url, name, password)

    return list(await asyncio.gather(*(one(name) for name in users)))


def dump(path: str, data: object) -> None:
    with open(path, 'w') as out:
        json.dump(data, out, indent=1)
