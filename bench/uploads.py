"""`python -m bench.uploads`: the server's memory while 16 people upload a worst-case avatar at the same moment.

    python -m bench.uploads                       # 16 concurrent PNGs at 16 megapixels (the proposed default limit)
    python -m bench.uploads --pixels 25000000     # at another limit (the server is started with it)
    python -m bench.uploads --format webp         # another format (a WebP may have a quarter of the limit)

The worst case is a tiny file (tens of KB) of one colour that declares as many pixels as the limit allows: it passes
the size check and decodes to the largest image the server accepts (PNG RGBA: 4 bytes per pixel). The real server
(`main.py`) runs in a subprocess on a prepared data folder (bench/server.py); each user signs in through the login
page, opens the control panel and posts the file to its upload element as the browser does. The script samples the
server's resident memory every 10 ms and reports it before (after one small warm-up upload), at the peak, and after
the last avatar is stored and a few seconds have passed. Target: peak - before < 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import math
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
from PIL import Image

from bench import server as srv
from bench.client import Tab, new_http
from bench.crowd import sign_in_all
from chat.settings import Settings

MB = 1024 * 1024
DEFAULT_PIXELS = Settings().max_avatar_pixels  # the default; pass --pixels to try another


def worst_case(image_format: str, max_pixels: int) -> bytes:
    """The largest square image of one colour the limit allows, as small a file as the format makes it."""
    pixels = max_pixels // 4 if image_format == 'webp' else max_pixels
    side = math.isqrt(pixels)
    mode = {'png': 'RGBA', 'webp': 'RGBA', 'gif': 'P', 'jpeg': 'RGB'}[image_format]
    options = {'lossless': True} if image_format == 'webp' else {}
    buffer = io.BytesIO()
    Image.new(mode, (side, side)).save(buffer, image_format.upper(), **options)
    return buffer.getvalue()


class Uploader:
    """One signed-in control-panel page: posts files to its upload element and counts the avatars it saved."""

    def __init__(self, http: aiohttp.ClientSession, url: str, cookie: str) -> None:
        self.url = url
        self.saved = 0
        self.refused: list[str] = []
        self.tab = Tab(http, url, cookie, on_frame=self._frame)

    def _frame(self, data: str, _arrived: float) -> None:
        if not data.startswith('42'):
            return
        packet = json.loads(data[2:])
        if packet[0] == 'notify' and isinstance(packet[1], dict):
            if packet[1].get('type') == 'positive':
                self.saved += 1
            else:
                self.refused.append(str(packet[1].get('message')))

    async def open(self) -> None:
        await self.tab.get('/panel')
        await self.tab.connect()

    async def upload(self, data: bytes, name: str) -> None:
        element_id, _ = self.tab.find('avatar-upload')
        form = aiohttp.FormData()
        form.add_field('file', data, filename=name, content_type='application/octet-stream')
        headers = {'Cookie': self.tab.cookie, 'Origin': self.url}
        path = f'/_nicegui/client/{self.tab.client_id}/upload/{element_id}'
        async with self.tab.http.post(self.url + path, data=form, headers=headers) as response:
            response.raise_for_status()


async def _measure(server: srv.Server, users: list[str], data: bytes, image_format: str) -> dict[str, float]:
    async with new_http() as http:
        cookies = await sign_in_all(http, server.url, users, srv.PASSWORD)
        pages = [Uploader(http, server.url, cookie) for cookie in cookies]
        await asyncio.gather(*(page.open() for page in pages))
        small = io.BytesIO()
        Image.new('RGB', (300, 300), 'teal').save(small, 'PNG')
        await pages[0].upload(small.getvalue(), 'warm-up.png')  # Pillow's decoders and the WebP encoder loaded
        await _until(lambda: pages[0].saved == 1, 30)
        await asyncio.sleep(2)
        before = server.rss()
        peak = before
        started = time.perf_counter()
        sampling = True

        async def sample() -> None:
            nonlocal peak
            while sampling:
                peak = max(peak, server.rss())
                await asyncio.sleep(0.01)

        sampler = asyncio.create_task(sample())
        await asyncio.gather(*(page.upload(data, f'worst.{image_format}') for page in pages))
        stored = await _until(
            lambda: sum(p.saved for p in pages) + sum(len(p.refused) for p in pages) >= len(pages) + 1, 120
        )
        elapsed = time.perf_counter() - started
        await asyncio.sleep(3)
        sampling = False
        await sampler
        after = server.rss()
        refused = [message for page in pages for message in page.refused]
        for page in pages:
            await page.tab.close()
    return {
        'before_mb': before / MB,
        'peak_mb': peak / MB,
        'after_mb': after / MB,
        'rise_mb': (peak - before) / MB,
        'seconds': elapsed,
        'saved': sum(p.saved for p in pages) - 1,
        'refused': len(refused),
        'all_answered': stored,
        'refusals': sorted(set(refused)),
    }


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def run(uploads: int, pixels: int, image_format: str) -> dict[str, float]:
    data = worst_case(image_format, pixels)
    with tempfile.TemporaryDirectory(prefix='bench-uploads-') as work:
        prepared = srv.prepare(Path(work) / 'data', uploads, [])
        server = srv.Server(
            prepared.data_dir, env={'CHAT_MAX_AVATAR_PIXELS': str(pixels)}, log_path=Path(work) / 'server.log'
        )
        with server:
            result = asyncio.run(_measure(server, prepared.users, data, image_format))
        log = (Path(work) / 'server.log').read_text(errors='replace')
    result.update(file_kb=len(data) / 1024, tracebacks=log.count('Traceback'))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog='python -m bench.uploads', description=__doc__.split('\n')[0])
    parser.add_argument('--uploads', type=int, default=16, help='concurrent uploads, one user each (default 16)')
    parser.add_argument(
        '--pixels',
        type=int,
        default=DEFAULT_PIXELS,
        help=f'CHAT_MAX_AVATAR_PIXELS for the server (default {DEFAULT_PIXELS:,})',
    )
    parser.add_argument('--format', default='png', choices=['png', 'webp', 'gif', 'jpeg'])
    args = parser.parse_args(argv)
    result = run(args.uploads, args.pixels, args.format)
    print(
        f'{args.uploads} concurrent uploads of a {result["file_kb"]:.1f} KB {args.format.upper()} declaring '
        f'{args.pixels / 1e6:g} MP (limit {args.pixels:,} pixels)'
    )
    print(
        f'server RSS  before {result["before_mb"]:.1f} MB   peak {result["peak_mb"]:.1f} MB   '
        f'after {result["after_mb"]:.1f} MB   rise {result["rise_mb"]:+.1f} MB (target < +150 MB)'
    )
    print(
        f'stored {result["saved"]}, refused {result["refused"]} {result["refusals"] or ""}, all answered: '
        f'{result["all_answered"]}, in {result["seconds"]:.1f} s; tracebacks in the server log: '
        f'{result["tracebacks"]}'
    )


if __name__ == '__main__':
    main()
