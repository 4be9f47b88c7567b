"""Cheap password hashing for tests that are not about hashing: argon2id at the settings' small parameters.

The real cost (~0.1-0.3 s of CPU per registration and per sign-in) is most of what a screen test computes; the
tests of hashing itself (tests/unit/test_accounts.py, tests/test_hashing.py) keep the defaults."""

from __future__ import annotations

import pytest

from chat import passwords

CHEAP_HASHING = {'CHAT_PASSWORD_MEMORY_KIB': '256', 'CHAT_PASSWORD_TIME_COST': '1'}


def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """For this test: settings read from the environment hash cheaply, and so does the password module at once."""
    for name, value in CHEAP_HASHING.items():
        monkeypatch.setenv(name, value)
    passwords.configure(int(CHEAP_HASHING['CHAT_PASSWORD_MEMORY_KIB']), int(CHEAP_HASHING['CHAT_PASSWORD_TIME_COST']))
