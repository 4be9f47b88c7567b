"""The documented nginx configuration (scripts/nginx.conf) in front of two instances: sticky routing by cookie and
websocket upgrades, checked by people chatting through it from different instances."""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.integration.cluster import PASSWORD, ROOT, Cluster, free_port
from tests.integration.steps import create_room, open_room, say, unique
from tests.integration.wire import Browser
from tests.waiting import until_sync

pytestmark = pytest.mark.integration


@dataclass
class Balancer:
    url: str


@pytest.fixture
def nginx(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Balancer]:
    """scripts/nginx.conf with only its ports changed, in front of the cluster's first two instances."""
    binary = shutil.which('nginx') or ('/usr/sbin/nginx' if Path('/usr/sbin/nginx').exists() else None)
    if binary is None:
        pytest.skip('nginx not installed (apt-get install nginx-light) for the load-balancer test')
    prefix = tmp_path_factory.mktemp('nginx')
    (prefix / 'logs').mkdir()
    port = free_port()
    first, second = cluster.instances[:2]
    config = (ROOT / 'scripts' / 'nginx.conf').read_text()
    config = re.sub(r'listen \d+;', f'listen 127.0.0.1:{port};', config)
    config = config.replace('server 127.0.0.1:8081;', f'server 127.0.0.1:{first.port};')
    config = config.replace('server 127.0.0.1:8082;', f'server 127.0.0.1:{second.port};')
    (prefix / 'nginx.conf').write_text(config)
    process = subprocess.Popen(
        [binary, '-p', str(prefix), '-c', str(prefix / 'nginx.conf'), '-g', 'daemon off;'],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f'http://127.0.0.1:{port}'

    def answers() -> bool:
        try:
            urllib.request.urlopen(url + '/login', timeout=2).close()
            return True
        except OSError:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ''
                raise RuntimeError(f'nginx did not start: {error}') from None
            return False

    until_sync(answers, timeout=10, what=f'nginx answering on {url}')
    yield Balancer(url)
    process.terminate()
    process.wait(10)


async def browser_on(http: aiohttp.ClientSession, nginx: Balancer, username: str, upstream: int) -> Browser:
    """A fresh browser through the balancer, retried until its route cookie lands it on the wanted instance."""
    for _ in range(40):
        browser = Browser(http, username)
        async with http.get(nginx.url + '/login', allow_redirects=False) as response:
            if response.headers.get('X-Upstream', '').endswith(f':{upstream}'):
                browser.cookies = {name: morsel.value for name, morsel in response.cookies.items()}
                return browser
    raise AssertionError(f'no route to port {upstream} in 40 tries')


async def test_chat_through_nginx_with_sticky_sessions(
    cluster: Cluster, nginx: Balancer, http: aiohttp.ClientSession
) -> None:
    first, second = cluster.instances[:2]
    anna = await browser_on(http, nginx, 'anna', first.port)
    boris = await browser_on(http, nginx, 'boris', second.port)
    await anna.sign_in(nginx.url, 'anna', PASSWORD)
    await boris.sign_in(nginx.url, 'boris', PASSWORD)
    room_id = await create_room(anna, nginx, unique('Through nginx'))
    a = await open_room(anna, nginx, room_id)
    b = await open_room(boris, nginx, room_id)
    await a.wait_for_testid('online-boris')
    await say(a, 'one via the balancer')
    await b.wait_for_text('one via the balancer')
    await say(b, 'two via the balancer')
    await a.wait_for_text('two via the balancer')
    for browser in (anna, boris):
        await browser.close()
