"""Settings refuse nonsense at start-up with a message naming the variable, instead of failing later."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from chat.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ('name', 'value'),
    [
        ('max_message_length', 0),
        ('message_burst', 0),
        ('message_rate', 0),
        ('message_rate_window', 0),
        ('history_page_size', -1),
        ('port', 70000),
        ('db_threads', 0),
        ('max_avatar_bytes', 10),
        ('password_memory_kib', 8),
        ('password_time_cost', 0),
        ('default_language', 'de'),
        ('reconnect_timeout', -1),
        ('page_build_timeout', 0),
        ('page_build_timeout', 121),
        ('feed_window', 0),
        ('log_format', 'xml'),
        ('log_level', 'loud'),
        ('trusted_proxies', ['not-an-address']),
        ('typing_interval', 0),
        ('typing_expiry', -1),
    ],
)
def test_out_of_bounds_values_are_refused(name: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(**{name: value})
    assert refused.value.errors()[0]['loc'] == (name,)


def test_defaults_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv('CHAT_FASTPATH', raising=False)  # CI runs the suite with the speed layer off too
    settings = Settings()
    assert settings.max_message_length == 4000 and settings.fastpath is True


def test_the_server_refuses_to_start_with_a_clear_message(tmp_path: Path) -> None:
    env = {'PATH': '/usr/bin:/bin', 'CHAT_DATA_DIR': str(tmp_path), 'CHAT_MESSAGE_RATE': '0', 'CHAT_PORT': 'x'}
    done = subprocess.run([sys.executable, 'main.py'], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        'Invalid setting: CHAT_PORT: Input should be a valid integer, unable to parse string as an integer; '
        'CHAT_MESSAGE_RATE: Input should be greater than or equal to 1'
    )


def test_a_dot_env_file_is_read_unless_another_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / '.env').write_text('CHAT_MAX_MESSAGE_LENGTH=1234\n')
    (tmp_path / 'other.env').write_text('CHAT_MAX_MESSAGE_LENGTH=567\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv('CHAT_MAX_MESSAGE_LENGTH', raising=False)
    monkeypatch.delenv('CHAT_ENV_FILE')
    assert Settings().max_message_length == 1234  # the working folder's .env, as an operator expects
    monkeypatch.setenv('CHAT_ENV_FILE', str(tmp_path / 'other.env'))
    assert Settings().max_message_length == 567
    monkeypatch.setenv('CHAT_ENV_FILE', os.devnull)  # what the tests use
    assert Settings().max_message_length == 4000
