"""The server under test: a data folder prepared through the service layer, and `main.py` run as a subprocess.

Users are created with `accounts.register` before the server starts (argon2 hashing is memoised to one real hash of
the shared bench password, so preparing 500 users takes seconds, not a minute). Rooms are created with
`rooms.create`. Old history is bulk-inserted straight into SQLite, which is how a long-lived room looks to the server.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = 'bench-password-1'

# Benchmarks post far faster than a person: the per-user message rate limit is raised for the server under test.
BENCH_ENV = {
    'CHAT_MESSAGE_RATE': '1000000',
    'CHAT_MESSAGE_RATE_WINDOW': '1',
    'CHAT_LOGIN_MAX_FAILURES': '1000000',
}


def username(index: int) -> str:
    return f'bench{index:04d}'


@dataclass
class Prepared:
    """What a data folder holds: user names (all with PASSWORD) and room ids by name."""

    data_dir: Path
    users: list[str]
    rooms: dict[str, int] = field(default_factory=dict)


def prepare(data_dir: Path, n_users: int, rooms: list[str]) -> Prepared:
    """Creates users and rooms through the service layer (the same rules the UI applies)."""
    return asyncio.run(_prepare(data_dir, n_users, rooms))


async def _prepare(data_dir: Path, n_users: int, rooms: list[str]) -> Prepared:
    sys.path.insert(0, str(ROOT))
    import chat.accounts
    from chat import services as service_factory
    from chat.passwords import hash_password
    from chat.settings import Settings

    one_hash = await hash_password(PASSWORD)

    async def cached_hash(_password: str) -> str:
        return one_hash

    original = chat.accounts.hash_password
    chat.accounts.hash_password = cached_hash  # type: ignore[assignment]
    services = service_factory.build(Settings(data_dir=data_dir))
    await asyncio.to_thread(services.migrate)
    await services.start()
    try:
        users = []
        for index in range(n_users):
            user = await services.accounts.register(username(index), PASSWORD)
            users.append(user)
        room_ids = {}
        for name in rooms:
            room_ids[name] = (await services.rooms.create(users[0], name)).id
    finally:
        chat.accounts.hash_password = original  # type: ignore[assignment]
        await services.stop()
    return Prepared(data_dir, [u.username for u in users], room_ids)


def bulk_insert_history(data_dir: Path, room_id: int, count: int, n_authors: int = 10) -> float:
    """Inserts `count` old messages straight into SQLite (one transaction); returns the seconds it took."""
    started = time.perf_counter()
    db = sqlite3.connect(data_dir / 'chat.db')
    try:
        authors = [row[0] for row in db.execute('SELECT id FROM user ORDER BY id LIMIT ?', (n_authors,))]
        start = datetime.now(UTC) - timedelta(days=365)
        rows = (
            (
                room_id,
                authors[i % len(authors)],
                f'history message {i} ' + 'lorem ipsum ' * 3,
                (start + timedelta(seconds=i * 10)).strftime('%Y-%m-%d %H:%M:%S.%f'),
            )
            for i in range(count)
        )
        db.execute('BEGIN')
        db.executemany('INSERT INTO message (room_id, author_id, body, created_at) VALUES (?, ?, ?, ?)', rows)
        db.commit()
    finally:
        db.close()
    return time.perf_counter() - started


def copy_data(source: Path, target: Path) -> None:
    """A fresh data folder for one server run, holding the prepared users, rooms and signed-in sessions."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)


def free_port(low: int = 8300, high: int = 8399) -> int:
    """A free port in the bench's range, tried in random order so that concurrent bench runs rarely pick the same."""
    ports = list(range(low, high + 1))
    random.shuffle(ports)
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(('127.0.0.1', port))
            except OSError:
                continue
            return port
    raise RuntimeError(f'no free port in {low}-{high}')


class Server:
    """`python main.py --port P --data-dir D` with the bench environment; stopped by its own pid."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.data_dir, self.port = data_dir, port or free_port()
        self.command = command or [str(ROOT / 'main.py'), '--port', str(self.port), '--data-dir', str(data_dir)]
        self.env = {**os.environ, **BENCH_ENV, **(env or {})}
        for name in list(self.env):  # a server of its own, even when started from a test run
            if name.startswith(('NICEGUI_', 'PYTEST_')) or name in (
                'CHAT_DATA_DIR',
                'CHAT_REDIS_URL',
                'CHAT_DATABASE_URL',
            ):
                del self.env[name]
        self.log_path = log_path or data_dir.parent / f'server-{self.port}.log'
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def start(self, timeout: float = 30.0) -> None:
        log = open(self.log_path, 'ab')  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(
            [sys.executable, *self.command],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'server exited with {self.process.returncode}; see {self.log_path}')
            with socket.socket() as probe:
                if probe.connect_ex(('127.0.0.1', self.port)) == 0 and self._listening_is_ours():
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f'server did not listen on {self.port} within {timeout} s; see {self.log_path}')

    def _listening_is_ours(self) -> bool:
        """Someone else may hold the port: then our process exits with a bind error instead of serving."""
        assert self.process is not None
        try:
            return any(
                c.laddr and c.laddr.port == self.port and c.status == psutil.CONN_LISTEN
                for c in psutil.Process(self.process.pid).net_connections()
            )
        except psutil.Error:
            return False

    def rss(self) -> int:
        """Resident memory of the server process in bytes."""
        assert self.process is not None
        return psutil.Process(self.process.pid).memory_info().rss

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class FloorServer(Server):
    """The bare socket.io server of bench/floor.py, started the same way as the real one."""

    def __init__(self, work_dir: Path, size: int) -> None:
        port = free_port()
        super().__init__(
            work_dir,
            port,
            log_path=work_dir / f'floor-{port}.log',
            command=['-m', 'bench.floor', '--port', str(port), '--size', str(size)],
        )
