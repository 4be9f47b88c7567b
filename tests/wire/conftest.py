"""Wire tests: the real server (`python main.py` subprocess) driven by bench/client.py tabs over HTTP and socket.io.

Users and rooms are prepared once per session through the service layer (bench/server.py, into a template folder no
server touches). Starting a server costs seconds of CPU on this machine, so the tests that only need a room and users
of their own share one server (`shared`) on a copy of the template, where every user signs in once through the real
login page; each of those tests uses its own room and users, so none sees another's messages, presence or rate
counters. A test that stops its server gets its own copy and signs in only the users it needs (`launch`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench import server as srv
from bench.client import new_http
from bench.crowd import sign_in_all
from tests.ports import worker_range

# On the shared server, users 0-29 are the crowd, 0-3 also A, B, C, D of the private test, 4, 5 the blip test and
# 11 the metrics test: each user's posts over all tests (3 + 3 at most) stay within the app's default rate (10 per
# 10 s) whatever order the tests run in.
N_USERS = 30
ROOMS = ['crowd', 'stall', 'cycles', 'restart', 'whisper', 'elsewhere', 'blip', 'ending', 'metrics']
PORTS = worker_range(8600, 8700)  # this worker's slice of the range these tests use

# bench/server.py raises the message rate and sign-in limits for benchmarks; these tests run with the app's own
# defaults (chat/settings.py), and a test raises a limit only as far as its scenario needs, saying why.
APP_LIMITS = {
    'CHAT_MESSAGE_RATE': '10',
    'CHAT_MESSAGE_RATE_WINDOW': '10',
    'CHAT_LOGIN_MAX_FAILURES': '5',
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line('markers', 'wire: real server subprocess driven by raw socket.io clients (slower)')


@dataclass(frozen=True)
class Prepared:
    """The template data folder: users (all with bench's password) and rooms by name."""

    template: Path
    users: list[str]
    rooms: dict[str, int]


@dataclass
class Site:
    """A running server and the session cookies of the users signed in to it."""

    server: srv.Server
    rooms: dict[str, int]
    users: list[str]
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def path(self, room: str) -> str:
        return f'/room/{self.rooms[room]}'

    def sign_in(self, users: list[str]) -> None:
        """Each user signs in once through the login page (one argon2 verification each on the server)."""
        cookies = asyncio.run(_sign_in(self.url, users))
        self.cookies.update(zip(users, cookies, strict=True))


async def _sign_in(url: str, users: list[str]) -> list[str]:
    async with new_http() as http:
        return await sign_in_all(http, url, users, srv.PASSWORD)


@pytest.fixture(scope='session')
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    data = srv.prepare(tmp_path_factory.mktemp('wire') / 'template', N_USERS, ROOMS)
    return Prepared(data.data_dir, data.users, data.rooms)


def start_site(prepared: Prepared, work: Path, env: dict[str, str]) -> Site:
    """A server on a fresh copy of the template, with the app's limits plus `env`; nobody signed in yet.

    Other test runs on this machine pick ports from the same range: when one takes the port between the probe and
    the server's bind, the server exits with "address already in use" and starts again on another port."""
    srv.copy_data(prepared.template, work / 'data')
    log_path = work / 'server.log'
    for attempt in range(3):
        server = srv.Server(
            work / 'data', port=srv.free_port(PORTS.start, PORTS.stop - 1), env={**APP_LIMITS, **env}, log_path=log_path
        )
        logged = log_path.stat().st_size if log_path.exists() else 0
        try:
            server.start()
        except RuntimeError:
            with log_path.open('rb') as log:
                log.seek(logged)
                taken = b'address already in use' in log.read().lower()
            if not taken or attempt == 2:
                raise
            continue
        return Site(server, prepared.rooms, prepared.users)
    raise AssertionError('unreachable')


@pytest.fixture(scope='session')
def shared(prepared: Prepared, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server with the app's own settings and limits, every user signed in, for the tests that never stop it."""
    site = start_site(prepared, tmp_path_factory.mktemp('shared'), {})
    try:
        site.sign_in(prepared.users)
        yield site
    finally:
        site.server.stop()


@pytest.fixture
def launch(prepared: Prepared, tmp_path: Path) -> Iterator[Callable[..., Site]]:
    """`launch(name, users, **env)`: a server of the test's own on a fresh copy, `users` signed in; stopped after."""
    sites: list[Site] = []

    def start(name: str, users: list[str], **env: str) -> Site:
        site = start_site(prepared, tmp_path / name, env)
        sites.append(site)
        site.sign_in(users)
        return site

    yield start
    for site in sites:
        site.server.stop()
