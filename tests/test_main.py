"""The admin commands of main.py, run as a person would run them (password from the environment)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from chat import services as service_factory
from chat.settings import Settings
from tests.server import ROOT


def _run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, 'CHAT_DATA_DIR': str(data_dir), **env}
    return subprocess.run(
        [sys.executable, 'main.py', *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_create_admin_then_set_password(tmp_path: Path) -> None:
    created = _run(tmp_path, 'create-admin', 'root_admin', CHAT_ADMIN_PASSWORD='first-password')
    assert created.returncode == 0, created.stderr
    assert 'Created admin root_admin' in created.stdout
    promoted = _run(tmp_path, 'create-admin', 'root_admin', CHAT_ADMIN_PASSWORD='first-password')
    assert 'Promoted admin root_admin' in promoted.stdout
    reset = _run(tmp_path, 'set-password', 'root_admin', CHAT_NEW_PASSWORD='second-password')
    assert reset.returncode == 0, reset.stderr

    async def check() -> None:
        services = service_factory.build(Settings(data_dir=tmp_path))
        try:
            user = await services.accounts.authenticate('root_admin', 'second-password')
            assert user.is_admin
            assert user.session_version == 1  # the reset ended the old sessions
        finally:
            services.db.close()

    asyncio.run(check())


def test_set_password_for_unknown_user_fails_clearly(tmp_path: Path) -> None:
    _run(tmp_path, 'create-admin', 'someone', CHAT_ADMIN_PASSWORD='first-password')
    result = _run(tmp_path, 'set-password', 'nobody', CHAT_NEW_PASSWORD='second-password')
    assert result.returncode != 0
    assert 'No such user.' in result.stderr
