"""Start the real app (`python main.py`) on a free port with its own data folder, for tests over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.waiting import until_sync

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@contextmanager
def running_app(data_dir: Path, **env: str) -> Iterator[str]:
    port = free_port()
    environment = {**os.environ, 'CHAT_DATA_DIR': str(data_dir), 'CHAT_PORT': str(port), **env}
    environment.pop('NICEGUI_USER_SIMULATION', None)
    environment.pop('NICEGUI_STORAGE_PATH', None)
    environment.pop('PYTEST_CURRENT_TEST', None)  # NiceGUI would take it for its own screen test
    process = subprocess.Popen(
        [sys.executable, 'main.py'], cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f'http://127.0.0.1:{port}'

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f'app exited with {process.returncode}:\n{output()}')
        try:
            return httpx.get(f'{url}/login', timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def output() -> str:
        return process.stdout.read().decode() if process.stdout and process.poll() is not None else '(still running)'

    try:
        until_sync(answers, timeout=30, what=lambda: f'app answering on {url}: {output()}')
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
