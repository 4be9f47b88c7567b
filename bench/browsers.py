"""Server memory per real Chromium tab (not part of `python -m bench`): the load generator's tabs are aiohttp
clients, and this checks what a browser's tab costs the server beside them.

Run as `python -m bench.browsers` (needs Debian's chromium and the dev requirements' playwright). One server per
setting of `CHAT_WS_COMPRESSION`; a room with 50 messages; one Chromium tab opened and closed first (lazily loaded
code, static files), then three batches of 15 tabs (each its own browser context, i.e. its own signed-in user), RSS
read 8 s after each batch (HTTP keep-alive connections of the page loads closed) and a few live messages. The first
batch also pays what the server grows once (worker threads for the burst of requests); later batches show the cost
per tab that stays.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, async_playwright

from bench import scenarios
from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.client import new_http
from bench.crowd import Crowd, conversation

BATCH = 15
BATCHES = 3


async def _open_tab(browser: Browser, url: str, cookie: str, path: str) -> BrowserContext:
    name, _, value = cookie.split(';')[0].partition('=')
    context = await browser.new_context()
    await context.add_cookies([{'name': name, 'value': value, 'url': url}])
    page = await context.new_page()
    await page.goto(url + path, wait_until='domcontentloaded', timeout=90_000)
    await page.get_by_test_id('message-input').wait_for(timeout=90_000)
    return context


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
                browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                          args=CHROMIUM_ARGS)
                warm = await _open_tab(browser, server.url, fixture.cookies[-2], room)
                await warm.close()
                await asyncio.sleep(8)
                rss = [server.rss()]
                for first in range(0, BATCHES * BATCH, BATCH):
                    for cookie in fixture.cookies[first:first + BATCH]:
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
        print(f'CHAT_WS_COMPRESSION={compression}: server RSS per Chromium tab {batches}; {overall} KB over all '
              f'{BATCHES * BATCH}', flush=True)


if __name__ == '__main__':
    main()
