"""Real Chromium tabs (Playwright, Debian's Chromium; each tab its own browser context, i.e. its own signed-in user).

Two measurements the load generator's aiohttp tabs cannot make:

* `python -m bench --scenarios browsers` (not in the default run: it needs Chromium and Playwright, and 16 tabs take
  some 2.7 GB of memory and 1.3 of a 2-core machine's cores at 5 msg/s): what people see. N tabs in one room, some
  of them sending at a fixed total rate; the latency from the sender's Enter to the text appearing in each reader's
  page. About a minute for 16 tabs and 100 messages.
* `python -m bench.browsers`: server memory per real Chromium tab. One server per setting of
  `CHAT_WS_COMPRESSION`; a room with 50 messages; one Chromium tab opened and closed first (lazily loaded code, static
  files), then three batches of 15 tabs, RSS read 8 s after each batch (HTTP keep-alive connections of the page loads
  closed) and a few live messages. The first batch also pays what the server grows once (worker threads for the burst
  of requests); later batches show the cost per tab that stays.

How the latency is taken: every tab gets OBSERVER before any of the page's own scripts (`add_init_script`). Both
moments are read inside the pages as `performance.timeOrigin + performance.now()` (absolute milliseconds; all tabs
run on this machine's one clock), never in Python, so Playwright's round trips add nothing to them: the send moment in
a capturing `keydown` listener, when Enter reaches the sender's message input holding the text (before the page's own
handler sends anything); the arrival when a MutationObserver sees a node carrying the text added to the reader's DOM
(it runs in the microtask right after the page's update, before the next frame). Each text carries the run's token and
a sequence number. A message a reader has not shown within LOST_AFTER seconds of its Enter counts as lost.

Beside the latency: when the reader's page ran the message event of the WebSocket frame carrying the text (a listener
added to every WebSocket the page opens), which splits it into "frame in" (the sender's page, the server, the wire and
the reader's main thread getting round to the frame) and "page work" (the reader's update of its DOM); and the cores
kept busy by the server, the Chromium processes, the harness (this process and Playwright's driver) and everything
else on the machine: on 2 shared cores the browsers' own CPU, not the server's, sets most of the latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import tempfile
import time
import uuid
from pathlib import Path

import psutil
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from bench import scenarios
from bench import server as srv
from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.client import new_http
from bench.crowd import Crowd, conversation, summary_ms

BATCH = 15
BATCHES = 3
LOST_AFTER = 10.0  # seconds after its Enter by which every reader must show a message
WARM_UP = 5  # messages sent (and waited for) before measuring: the first ones pay for lazily loaded code
# Messages in the room before the tabs open: a full feed window (settings.feed_window), so that every page is as large
# as it gets from the first measured message on, as in a room with a past. On a quiet machine it changes little (16
# tabs: p50 64.8 ms and 19.0 ms of Chromium CPU per page update from an empty room, 64.7-64.9 ms and 19.4-20.2 ms with
# 50; bench/results/browsers-latency-20261206.log).
HISTORY = 50

# Injected into every tab before the page's own scripts. window.__bench.start(token) arms it for one run.
OBSERVER = r"""
(() => {
  const bench = window.__bench = {token: '', pattern: null, sent: {}, seen: {}, arrived: {}};
  const now = () => performance.timeOrigin + performance.now();
  const note = (text, into, at) => {
    for (const match of text.matchAll(bench.pattern)) if (!(match[1] in into)) into[match[1]] = at;
  };
  bench.start = token => {
    bench.token = token;
    bench.pattern = new RegExp(token + '-(\\d{6})', 'g');
    bench.sent = {};
    bench.seen = {};
    bench.arrived = {};
    bench.emptyEnters = 0;
  };
  const Native = window.WebSocket;  // the frame's arrival too, to tell the wire from the page's own work
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        if (bench.token && typeof event.data === 'string' && event.data.includes(bench.token)) {
          note(event.data, bench.arrived, now());
        }
      });
    }
  };
  new MutationObserver(records => {
    if (!bench.token) return;
    const at = now();
    for (const record of records) {
      if (record.type === 'characterData') {
        if (record.target.data.includes(bench.token)) note(record.target.data, bench.seen, at);
        continue;
      }
      for (const node of record.addedNodes) {
        const text = node.textContent;
        if (text && text.includes(bench.token)) note(text, bench.seen, at);
      }
    }
  }).observe(document, {childList: true, characterData: true, subtree: true});
  addEventListener('keydown', event => {  // capturing: before the input's own handler sends anything
    const value = event.target && event.target.value;
    if (!bench.token || event.key !== 'Enter') return;
    if (typeof value === 'string' && value.includes(bench.token)) note(value, bench.sent, now());
    else bench.emptyEnters += 1;  // the input lost its text before Enter: that message is never sent
  }, true);
})();
"""


async def _open_tab(browser: Browser, url: str, cookie: str, path: str, script: str | None = None) -> Page:
    name, _, value = cookie.split(';')[0].partition('=')
    context = await browser.new_context()
    await context.add_cookies([{'name': name, 'value': value, 'url': url}])
    if script:
        await context.add_init_script(script)
    page = await context.new_page()
    await page.goto(url + path, wait_until='domcontentloaded', timeout=90_000)
    await page.get_by_test_id('message-input').wait_for(timeout=90_000)
    return page


# --- what people see: latency from Enter to the text in every reader's page -----------------------------------------


def text(token: str, seq: int) -> str:
    return f'{token}-{seq:06d}'


async def _talk(pages: list[Page], senders: int, count: int, rate: float) -> dict:
    """`count` messages at `rate` per second in all, round robin over the first `senders` tabs, each typed into the
    message input and sent with Enter; then waits until every tab shows every message (or LOST_AFTER has passed)."""
    token = 'bm' + uuid.uuid4().hex[:10]
    await asyncio.gather(*(page.evaluate('token => window.__bench.start(token)', token) for page in pages))
    locks = [asyncio.Lock() for _ in range(senders)]

    async def send(index: int, seq: int) -> None:
        async with locks[index]:  # one sender's next message never overtakes its previous one
            page = pages[index]
            field = page.locator('textarea[data-testid=message-input]')
            # The server empties the input once it has stored the previous message: text typed before that would be
            # emptied with it (and its Enter would send nothing), so a sender starts on an empty input, as a person.
            with contextlib.suppress(PlaywrightTimeoutError):
                await page.wait_for_function(
                    '() => !document.querySelector("textarea[data-testid=message-input]").value',
                    timeout=LOST_AFTER * 1000,
                )
            await field.fill(text(token, seq))
            await field.press('Enter')

    tasks = []
    start = time.perf_counter() + 0.1
    for seq in range(count):
        delay = start + seq / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(seq % senders, seq)))
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + LOST_AFTER
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
        counts = await asyncio.gather(
            *(page.evaluate('() => Object.keys(window.__bench.seen).length') for page in pages)
        )
        if min(counts) >= count:
            break
    states = await asyncio.gather(
        *(page.evaluate('() => [__bench.sent, __bench.seen, __bench.arrived]') for page in pages)
    )
    empty_enters = sum(await asyncio.gather(*(page.evaluate('() => __bench.emptyEnters') for page in pages)))
    await asyncio.gather(*(page.evaluate("() => { window.__bench.token = '' }") for page in pages))
    return {**_latencies(states, senders, count), 'empty_enters': empty_enters}


def _latencies(states: list[list[dict[str, float]]], senders: int, count: int) -> dict:
    """From each tab's [sent, seen, arrived] (absolute ms by sequence number): latencies from each message's Enter in
    its sender's tab to each reader's DOM, what was lost, and where the time went (frame in, then page work)."""
    readers: list[float] = []  # seconds, as summary_ms takes them
    frame_in: list[float] = []  # Enter to the frame's arrival in the reader (sender, server, wire)
    page_work: list[float] = []  # the frame's arrival to the text in the DOM
    own: list[float] = []  # Enter to the text in the sender's own feed
    lost = unsent = lost_deliveries = 0
    enters = []
    for seq in range(count):
        key, sender = f'{seq:06d}', seq % senders
        sent_at = states[sender][0].get(key)
        if sent_at is None:
            unsent += 1
            lost += 1
            lost_deliveries += len(states) - 1
            continue
        enters.append(sent_at)
        missing = 0
        for index, (_sent, seen, arrived) in enumerate(states):
            shown = seen.get(key)
            in_time = shown is not None and shown - sent_at <= LOST_AFTER * 1000
            if index == sender:
                if in_time:
                    own.append((shown - sent_at) / 1000)
            elif in_time:
                readers.append((shown - sent_at) / 1000)
                if key in arrived:
                    frame_in.append((arrived[key] - sent_at) / 1000)
                    page_work.append((shown - arrived[key]) / 1000)
            else:
                missing += 1
        lost += bool(missing)
        lost_deliveries += missing
    enters.sort()
    sent_per_s = (len(enters) - 1) / ((enters[-1] - enters[0]) / 1000) if len(enters) > 1 else 0.0
    return {
        **summary_ms(readers),
        'min': round(min(readers) * 1000, 1) if readers else float('nan'),
        'lost': lost,
        'lost_deliveries': lost_deliveries,
        'unsent': unsent,
        'deliveries': len(readers),
        'sent_per_s': round(sent_per_s, 2),
        'own_p50': summary_ms(own)['p50'],
        'frame_in': summary_ms(frame_in),
        'page_work': summary_ms(page_work),
    }


class CpuSplit:
    """CPU time from its start to `seconds()` of the server, the Chromium processes, the harness (this process and
    Playwright's driver) and anything else on the machine (other people's work on a shared one); `cores()` makes it
    cores kept busy on average. Processes that end in between are missed."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        t = psutil.cpu_times()
        seconds = {
            'wall': time.perf_counter(),
            'server': 0.0,
            'chromium': 0.0,
            'harness': 0.0,
            'machine': sum(t) - t.idle - t.iowait - getattr(t, 'guest', 0) - getattr(t, 'guest_nice', 0),
        }
        me = psutil.Process()
        for process in [me, *me.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                if process.pid == self.server_pid or self.server_pid in {p.pid for p in process.parents()}:
                    key = 'server'
                elif 'chrom' in process.name():
                    key = 'chromium'
                else:
                    key = 'harness'
                seconds[key] += times.user + times.system
        return seconds

    def seconds(self) -> dict[str, float]:
        """CPU seconds since the start by server, chromium, harness and others; 'wall' the seconds passed."""
        end = self._read()
        spent = {key: end[key] - self.start[key] for key in end}
        ours = spent['server'] + spent['chromium'] + spent['harness']
        spent['others'] = max(0.0, spent.pop('machine') - ours)
        return spent

    @staticmethod
    def cores(seconds: dict[str, float]) -> dict[str, float]:
        return {key: round(value / seconds['wall'], 2) for key, value in seconds.items() if key != 'wall'}


async def _see(
    fixture: scenarios.Fixture, server: srv.Server, n: int, rates: list[float], count: int, senders: int, history: int
) -> dict:
    room = f'/room/{fixture.room("browsers")}'
    results: dict = {}
    if history:  # posted through the load generator's tab (typed and sent like the rest), closed before any measuring
        async with new_http() as http:
            crowd = Crowd(http, server.url, server_pid=server.process.pid)
            await crowd.open(fixture.cookies[:1], room)
            await crowd.settle()
            posted = await conversation(crowd, 0, history, 50)
            await crowd.close()
            if posted.lost():
                raise RuntimeError(f'{posted.lost()} of the {history} history messages did not come back')
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            started = time.perf_counter()
            pages = [await _open_tab(browser, server.url, cookie, room, OBSERVER) for cookie in fixture.cookies[:n]]
            await asyncio.gather(
                *(
                    page.wait_for_function('() => window.did_handshake && window.socket.connected', timeout=60_000)
                    for page in pages
                )
            )
            results['open_s'] = round(time.perf_counter() - started, 1)
            async with new_http() as http:  # every join updates every open page: wait until the server is idle
                await Crowd(http, server.url, server_pid=server.process.pid).settle()
            await _talk(pages, senders, WARM_UP, rates[0])
            for rate in rates:
                split = CpuSplit(server.process.pid)
                results[str(rate)] = await _talk(pages, senders, count, rate)
                spent = split.seconds()
                results[str(rate)]['cores'] = split.cores(spent)
                # what one page's update costs the browser, whatever waits for the CPU (all tabs show every message)
                results[str(rate)]['chromium_ms_per_update'] = round(spent['chromium'] * 1000 / (count * n), 1)
                await asyncio.sleep(1)
        finally:
            await browser.close()
    return results


def browsers(
    fixture: scenarios.Fixture, sizes: list[int], rates: list[float], count: int, senders: int, history: int = HISTORY
) -> list[dict]:
    """N real Chromium tabs in one room, `senders` of them sending `count` messages at each total rate: latency from
    the sender's Enter to the text in every other tab's DOM (p50/p95/p99/max) and messages lost."""
    if min(sizes) < 2:
        raise ValueError('the browsers scenario needs at least 2 tabs: a sender and a reader')
    rows = []
    for n in sizes:
        k = max(1, min(senders, n))
        server = fixture.server(f'browsers-{n}')
        with server:
            result = asyncio.run(_see(fixture, server, n, rates, count, k, history))
        for rate in rates:
            r = result[str(rate)]
            rows.append(
                {
                    'scenario': 'browsers',
                    'row': f'browsers {n} tabs @{rate:g}/s',
                    'tabs': n,
                    'senders': k,
                    'rate': rate,
                    'messages': count,
                    'history': history,
                    **r,
                    'open_s': result['open_s'],
                    'lost_after_s': LOST_AFTER,
                    'load_avg': round(os.getloadavg()[0], 1),
                }
            )
            frame_in, work = r['frame_in'], r['page_work']
            cores = ', '.join(f'{name} {value}' for name, value in r['cores'].items())
            print(
                f'  {rows[-1]["row"]} ({k} senders): p50 {r["p50"]} p95 {r["p95"]} p99 {r["p99"]} max {r["max"]} '
                f'ms, lost {r["lost"]}/{count}; frame in p50 {frame_in["p50"]} p99 {frame_in["p99"]}, then page work '
                f'p50 {work["p50"]} p99 {work["p99"]} ms; own echo p50 {r["own_p50"]} ms; Chromium CPU '
                f'{r["chromium_ms_per_update"]} ms per page update; sent '
                f'{r["sent_per_s"]}/s; cores busy: {cores}; load avg '
                f'{os.getloadavg()[0]:.1f}',
                flush=True,
            )
    return rows


# --- server memory per tab ----------------------------------------------------------------------------------------


async def _measure(fixture: scenarios.Fixture, compression: str) -> list[float]:
    room = f'/room/{fixture.room("memory")}'
    server = fixture.server(f'browsers-{compression}', env={'CHAT_WS_COMPRESSION': compression})
    with server:
        async with new_http() as http:
            crowd = Crowd(http, server.url)
            await crowd.open(fixture.cookies[-1:], room)
            await crowd.settle()
            await conversation(crowd, 0, 50, 50)  # 50 messages on screen for every tab that opens
            await crowd.settle()
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                warm = await _open_tab(browser, server.url, fixture.cookies[-2], room)
                await warm.context.close()
                await asyncio.sleep(8)
                rss = [server.rss()]
                for first in range(0, BATCHES * BATCH, BATCH):
                    for cookie in fixture.cookies[first : first + BATCH]:
                        await _open_tab(browser, server.url, cookie, room)
                    await asyncio.sleep(8)
                    await conversation(crowd, 0, 5, 5)
                    await asyncio.sleep(2)
                    rss.append(server.rss())
                await browser.close()
            await crowd.close()
    return [round((after - before) / BATCH / 1024, 1) for before, after in itertools.pairwise(rss)]


def main() -> None:
    fixture = scenarios.prepare_fixture(Path(tempfile.mkdtemp(prefix='chat-browsers-')), BATCHES * BATCH + 2, {})
    for compression in ('false', 'true'):
        per_tab = asyncio.run(_measure(fixture, compression))
        batches = ', '.join(f'{kb} KB (tabs {i * BATCH + 1}-{(i + 1) * BATCH})' for i, kb in enumerate(per_tab))
        overall = round(sum(per_tab) / len(per_tab), 1)  # the allocators grow in steps: one batch may pay another's
        print(
            f'CHAT_WS_COMPRESSION={compression}: server RSS per Chromium tab {batches}; {overall} KB over all '
            f'{BATCHES * BATCH}',
            flush=True,
        )


if __name__ == '__main__':
    main()
