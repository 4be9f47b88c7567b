"""The `conversation` scenario: a room where messages are not only posted but edited, reacted to and deleted.

N tabs in one room. Tab 0 acts at a fixed total rate; every fifth action is an edit, a reaction or a delete (in turn)
of one of its own messages posted a few seconds before, still on every page. It acts as a person does, through the
page: the bubble's menu button, then the menu's entry (and for an edit the editor and its Save button); nothing is
called behind the page's back. The latency of an action runs from the emit of its final click (Enter for a post) to
the arrival at each tab of the first frame that shows it:

* a post or an edit: a frame carrying its text (each text carries the run's token and its own sequence number);
* a reaction: a frame carrying the reaction's label (`<emoji> 1`: each reaction is the first on its message, and
  one reaction is under way at a time);
* a delete: a frame naming the bubble or its text element on that page (the speed layer re-sends the bubble's new
  tree under the same ids; plain NiceGUI sends the old ids as removed).

An action not seen by a tab within `drain` seconds counts as lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field

from bench import server as srv
from bench.client import PageError, Tab, new_http
from bench.crowd import Crowd, Recorder, send_ui, summary_ms
from bench.scenarios import Fixture, cpu_seconds

KINDS = ('post', 'edit', 'react', 'delete')
EMOJI = ('👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀')
MIN_AGE = 2.0  # seconds: a message is acted on once every page surely shows it
MAX_AGE_POSTS = 30  # ... and while it is still in every page's window (50 items)
STEP_TIMEOUT = 10.0  # seconds for the menu or the editor to appear on the actor's page


@dataclass
class Action:
    kind: str
    seq: int  # the message acted on (for a post: the message posted)
    sent: float = 0.0
    needles: tuple[str, ...] = ()  # what a frame must carry to show it (per tab for deletes: see `per_tab`)
    per_tab: dict[int, tuple[str, ...]] = field(default_factory=dict)
    seen: dict[int, float] = field(default_factory=dict)
    failed: str = ''


class Tracker:
    """Matches frames to actions under way; Recorder-compatible, so the Crowd hands it every frame."""

    def __init__(self, n_tabs: int) -> None:
        self.n_tabs = n_tabs
        self.texts = Recorder(n_tabs)  # token and sequence numbers of posted and edited texts
        self.actions: list[Action] = []
        self.open: list[Action] = []  # actions not yet seen by every tab

    def frame(self, index: int, data: str, arrived: float) -> None:
        for action in self.open:
            if index in action.seen:
                continue
            needles = action.per_tab.get(index, action.needles)
            if any(needle in data for needle in needles):
                action.seen[index] = arrived
        if self.open and any(len(a.seen) == self.n_tabs for a in self.open):
            self.open = [a for a in self.open if len(a.seen) < self.n_tabs]

    def start(self, action: Action) -> None:
        action.sent = time.perf_counter()
        self.actions.append(action)
        self.open.append(action)

    def rows(self) -> dict[str, dict]:
        out = {}
        for kind in KINDS:
            done = [a for a in self.actions if a.kind == kind]
            latencies = [t - a.sent for a in done if not a.failed for t in a.seen.values()]
            out[kind] = {
                'actions': len(done),
                **summary_ms(latencies),
                'lost': sum(self.n_tabs - len(a.seen) for a in done if not a.failed),
                'failed': sum(1 for a in self.actions if a.kind == kind and a.failed),
            }
        return out


def _json_forms(text: str) -> tuple[str, ...]:
    """A text as it may appear in a frame: raw UTF-8 (orjson) or ASCII-escaped (json.dumps)."""
    escaped = json.dumps(text)[1:-1]
    return (text,) if escaped == text else (text, escaped)


def _text_element(tab: Tab, text: str) -> str | None:
    """The id of the element on this tab whose own text is `text` (a bubble's body)."""
    for element_id, element in tab.elements.items():
        if element.get('text') == text:
            return element_id
    return None


def _children(element: dict) -> list[int]:
    """The ids of an element's children as NiceGUI sends them (its default slot's)."""
    return element.get('children', [])


def _parent(tab: Tab, child_id: str) -> str | None:
    child = int(child_id)
    for element_id, element in tab.elements.items():
        if child in _children(element):
            return element_id
    return None


def _child_with(tab: Tab, parent_id: str, testid: str) -> str | None:
    for child in _children(tab.elements.get(parent_id, {})):
        if tab.elements.get(str(child), {}).get('props', {}).get('data-testid') == testid:
            return str(child)
    return None


def _ids_with(tab: Tab, testid: str) -> set[str]:
    return {i for i, e in tab.elements.items() if e.get('props', {}).get('data-testid') == testid}


async def _fresh(tab: Tab, testid: str, before: set[str]) -> str:
    """Waits for an element with `testid` that was not on the page before (the menu rebuilds its content)."""
    deadline = time.perf_counter() + STEP_TIMEOUT
    while time.perf_counter() < deadline:
        new = _ids_with(tab, testid) - before
        if new:
            return max(new, key=int)
        await asyncio.sleep(0.005)
    raise PageError(f'{testid} did not appear')


def _click(tab: Tab, element_id: str) -> None:
    tab.event(element_id, tab._listener(tab.elements[element_id], 'click'), ['{"isTrusted":true}'])


async def _open_menu(tab: Tab, text: str, entry: str) -> str:
    """Clicks the menu button of the bubble showing `text`; returns the id of the menu's `entry`."""
    leaf = _text_element(tab, text)  # the bubble's one child: the text, holding the quote and the menu button
    menu = _child_with(tab, leaf, 'message-menu') if leaf else None
    if menu is None:
        raise PageError(f'no menu button on the bubble of {text}')
    before = _ids_with(tab, entry)
    _click(tab, menu)
    return await _fresh(tab, entry, before)


async def _act(crowd: Crowd, tracker: Tracker, action: Action, texts: dict[int, str], emoji: str) -> None:
    """The person's clicks for one action; the latency starts at the last one."""
    tab = crowd.tabs[0]
    text = texts[action.seq]
    try:
        if action.kind == 'react':
            button = await _open_menu(tab, text, f'react-{emoji}')
            action.needles = _json_forms(f'{emoji} 1')
            tracker.start(action)
            _click(tab, button)
        elif action.kind == 'edit':
            entry = await _open_menu(tab, text, 'action-edit')
            before = _ids_with(tab, 'edit-save')
            _click(tab, entry)
            save = await _fresh(tab, 'edit-save', before)
            new_text = tracker.texts.text(100_000 + action.seq)
            tab.type_into('edit-input', new_text)
            texts[action.seq] = new_text
            action.needles = (new_text,)
            tracker.start(action)
            _click(tab, save)
        elif action.kind == 'delete':
            entry = await _open_menu(tab, text, 'action-delete')
            before = _ids_with(tab, 'delete-confirm')
            _click(tab, entry)
            confirm = await _fresh(tab, 'delete-confirm', before)
            for index, reader in enumerate(crowd.tabs):
                leaf = _text_element(reader, text)
                bubble = _parent(reader, leaf) if leaf else None
                action.per_tab[index] = tuple(f'"{i}":' for i in (leaf, bubble) if i) or ('\x00never',)
            tracker.start(action)
            _click(tab, confirm)
    except PageError as error:
        action.failed = str(error)
        if action not in tracker.actions:  # failed before its last click: counted, never seen
            tracker.actions.append(action)


async def run(crowd: Crowd, count: int, rate: float, drain: float = 15.0) -> Tracker:
    """`count` actions at `rate` per second from tab 0; 80 % posts, then edit, react, delete in turn."""
    tracker = Tracker(len(crowd.tabs))
    crowd.recorder = tracker  # type: ignore[assignment]
    tab = crowd.tabs[0]
    texts: dict[int, str] = {}
    posted_at: dict[int, float] = {}
    acted: set[int] = set()
    tasks: list[asyncio.Task] = []
    others = 0
    posts = 0
    start = time.perf_counter() + 0.05
    for n in range(count):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        now = time.perf_counter()
        candidates = [
            seq
            for seq in sorted(posted_at, reverse=True)[:MAX_AGE_POSTS]
            if seq not in acted and now - posted_at[seq] >= MIN_AGE
        ]
        if n % 5 == 4 and candidates:
            kind = ('edit', 'react', 'delete')[others % 3]
            seq = candidates[len(candidates) // 2]
            acted.add(seq)
            tasks.append(asyncio.create_task(_act(crowd, tracker, Action(kind, seq), texts, EMOJI[others % 8])))
            others += 1
            continue
        text = tracker.texts.text(posts)
        texts[posts] = text
        action = Action('post', posts, needles=(text,))
        tracker.start(action)
        posted_at[posts] = action.sent
        send_ui(tab, text)
        posts += 1
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + drain
    while tracker.open and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    crowd.recorder = None
    return tracker


async def _run(server: srv.Server, cookies: list[str], path: str, count: int, rate: float) -> dict:
    async with new_http() as http:
        crowd = Crowd(http, server.url, server_pid=server.process.pid if server.process else None)
        await crowd.open(cookies, path)
        await crowd.settle()
        cpu_before = cpu_seconds(server)
        tracker = await run(crowd, count, rate)
        cpu = cpu_seconds(server) - cpu_before
        deliveries = sum(len(a.seen) for a in tracker.actions)
        result = {
            'kinds': tracker.rows(),
            'server_cpu_us_per_delivery': round(cpu * 1e6 / max(1, deliveries), 1),
            'skipped_ids': sum(t.skipped_ids for t in crowd.tabs),
            'reconnects': sum(t.reconnects for t in crowd.tabs),
            'failures': sorted({f'{a.kind}: {a.failed}' for a in tracker.actions if a.failed})[:5],
        }
        await crowd.close()
    return result


def conversation(fixture: Fixture, sizes: list[int], rate: float, count: int) -> list[dict]:
    rows = []
    for n in sizes:
        server = fixture.server(f'conversation-{n}')
        with server:
            result = asyncio.run(
                _run(server, fixture.cookies[:n], f'/room/{fixture.room("conversation")}', count, rate)
            )
        row = {'scenario': 'conversation', 'clients': n, 'rate': rate, 'actions': count, **result}
        row['load_avg'] = round(os.getloadavg()[0], 1)
        rows.append(row)
        worst = max(k['p99'] for k in result['kinds'].values() if k['actions'])
        lost = sum(k['lost'] for k in result['kinds'].values())
        print(
            f'  conversation N={n} {rate}/s: '
            + '; '.join(
                f'{kind} x{k["actions"]} p50 {k["p50"]} p99 {k["p99"]} ms lost {k["lost"]}'
                for kind, k in result['kinds'].items()
            )
            + f'; worst p99 {worst} ms, lost {lost}, server CPU {result["server_cpu_us_per_delivery"]} µs/delivery'
            + (f'; failed: {result["failures"]}' if result['failures'] else ''),
            flush=True,
        )
    return rows
