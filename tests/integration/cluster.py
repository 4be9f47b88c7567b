"""Real services for the integration tests: a fresh PostgreSQL database, a Redis key prefix, app instances as
subprocesses (`python main.py --port P --data-dir D`), and a throwaway redis-server for the restart test."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import create_database, drop_database
from tests.ports import worker_range
from tests.waiting import until_sync

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get('CHAT_TEST_PG_URL', 'postgresql+psycopg://postgres@127.0.0.1:5432/postgres')
REDIS_URL = os.environ.get('CHAT_TEST_REDIS_URL', 'redis://127.0.0.1:6379/0')
PORTS = worker_range(8400, 8500)  # this worker's slice of the range
PASSWORD = 'integration-pass-1'


def unavailable_reason() -> str | None:
    """Why the real services cannot be used here, or None when PostgreSQL and Redis both answer."""
    import psycopg
    import redis
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database or 'postgres',
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        return f'PostgreSQL at {url.host}:{url.port or 5432} unreachable ({str(error).splitlines()[0]})'
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except (redis.RedisError, OSError) as error:
        return f'Redis at {REDIS_URL} unreachable ({error})'
    return None


def require_services() -> None:
    """Skips with a one-line reason; under CI=true missing services fail the run instead."""
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get('CI', '').lower() == 'true':
        pytest.fail(f'integration services missing under CI: {reason}', pytrace=False)
    pytest.skip(reason)


_handed_out: set[int] = set()


def free_port(candidates: range = PORTS) -> int:
    """A port nobody listens on and this process has not handed out yet (instances started together bind later); tried
    from a random start, so that test runs of others on the same machine, probing at the same time, rarely pick the
    same port before their instances bind it."""
    start = random.randrange(len(candidates))
    for port in [*candidates[start:], *candidates[:start]]:
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(('127.0.0.1', port))
            except OSError:
                continue
            _handed_out.add(port)
            return port
    raise RuntimeError(f'no free port in {candidates}')


class Instance:
    """One `python main.py` process; its output goes to a log file shown when a test fails."""

    def __init__(self, name: str, workdir: Path, env: dict[str, str]) -> None:
        self.name, self.env = name, env
        self.data_dir = workdir / name
        self.log_path = workdir / f'{name}.log'
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def start(self) -> None:
        self.port = free_port()
        log = self.log_path.open('ab')
        self.process = subprocess.Popen(
            [sys.executable, 'main.py', '--port', str(self.port), '--data-dir', str(self.data_dir)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def wait_ready(self, timeout: float = 40.0) -> None:
        import urllib.request

        def answers() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f'{self.name} exited with {self.process.returncode}:\n{self.log_tail()}')
            try:
                with urllib.request.urlopen(self.url + '/login', timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        until_sync(answers, timeout, what=lambda: f'{self.name} ready:\n{self.log_tail()}', step=0.2)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no presence cleanup."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ''
        return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-lines:])


class Cluster:
    """One fresh database and Redis prefix; instances share them, with one storage secret between them."""

    def __init__(self, workdir: Path, redis_url: str = REDIS_URL, extra_env: dict[str, str] | None = None) -> None:
        self.workdir, self.redis_url = workdir, redis_url
        self.extra_env = extra_env or {}
        self.prefix = f'itest-{uuid.uuid4().hex[:10]}'
        self.database_url = ''
        self.instances: list[Instance] = []
        self.secret = uuid.uuid4().hex + uuid.uuid4().hex

    def create_database(self) -> None:
        self.database_url = create_database(PG_URL, prefix='chat_itest')

    def env(self, redis_url: str | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(('CHAT_', 'NICEGUI_', 'PYTEST_'))}
        env.update(
            {
                'CHAT_DATABASE_URL': self.database_url,
                'CHAT_REDIS_URL': redis_url or self.redis_url,
                'CHAT_REDIS_PREFIX': self.prefix,
                'CHAT_STORAGE_SECRET': self.secret,
                'CHAT_RECONNECT_TIMEOUT': '2',
                'PYTHONUNBUFFERED': '1',
                **self.extra_env,
            }
        )
        return env

    def start(self, count: int, redis_url: str | None = None) -> list[Instance]:
        """Starts instances together (they migrate the same database at once: the migration lock is tested too)."""
        started = []
        for _ in range(count):
            instance = Instance(f'instance{len(self.instances) + 1}', self.workdir, self.env(redis_url))
            instance.start()
            self.instances.append(instance)
            started.append(instance)
        for instance in started:
            instance.wait_ready()
        return started

    def register(self, *usernames: str) -> None:
        """Accounts created through the real service against the shared database, before or while serving."""
        from chat.services import build
        from chat.settings import Settings

        async def work() -> None:
            services = build(Settings(data_dir=self.workdir / 'admin', database_url=self.database_url, redis_url=None))
            services.migrate()
            try:
                for username in usernames:
                    await services.accounts.register(username, PASSWORD, username.capitalize())
            finally:
                services.db.close()

        asyncio.run(work())

    def logs(self) -> str:
        return '\n'.join(f'--- {i.name} ({i.url}) ---\n{i.log_tail()}' for i in self.instances)

    def close(self) -> None:
        for instance in self.instances:
            instance.stop()
        if self.database_url:
            drop_database(PG_URL, self.database_url)
        delete_prefix(self.redis_url, self.prefix)


def delete_prefix(redis_url: str, prefix: str) -> None:
    """Removes only this run's keys (never a flush: other people share this Redis)."""
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        keys = list(client.scan_iter(match=f'{prefix}:*', count=500))
        if keys:
            client.delete(*keys)
        client.close()
    except (redis.RedisError, OSError):
        pass


class ThrowawayRedis:
    """A private redis-server (no persistence) on a free port in 6390-6399, for stopping and restarting."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port(range(6390, 6400))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f'redis://127.0.0.1:{self.port}/0'

    def start(self) -> None:
        binary = shutil.which('redis-server')
        if binary is None:
            pytest.skip('redis-server binary not found for the restart test')
        self.process = subprocess.Popen(
            [
                binary,
                '--port',
                str(self.port),
                '--bind',
                '127.0.0.1',
                '--save',
                '',
                '--appendonly',
                'no',
                '--dir',
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        def answers() -> bool:
            try:
                return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
            except (redis.RedisError, OSError):
                return False

        until_sync(answers, timeout=10, what='the throwaway redis-server answering', step=0.05)

    def stop(self) -> None:
        """SIGKILL, like a crash: clients see their connections drop."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
