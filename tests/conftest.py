"""Every test gets a fresh data folder (database, sessions, media) through the environment main.py reads."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fresh_data_dir(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv('CHAT_DATA_DIR', str(tmp_path / 'data'))
    for name in ('CHAT_REDIS_URL', 'CHAT_STORAGE_SECRET'):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / 'data'
