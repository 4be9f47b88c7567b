"""Screen tests run beside other load on a 2-core machine: give `should_see` a few seconds, not 0.3 s."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui.testing import User

PATIENCE = 50  # attempts, 0.1 s apart


@pytest.fixture(autouse=True)
def patient_should_see(monkeypatch: pytest.MonkeyPatch) -> None:
    original = User.should_see

    async def should_see(self: User, *args: Any, retries: int = PATIENCE, **kwargs: Any) -> None:
        await original(self, *args, retries=max(retries, PATIENCE), **kwargs)

    monkeypatch.setattr(User, 'should_see', should_see)
