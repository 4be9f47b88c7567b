"""Make the simulated users behave like separate browsers, and patient enough for a busy 2-core machine.

NiceGUI's `User` retargets the global `ui.navigate` / `ui.notify` to whichever simulated user was touched last, so a
navigation or notification triggered for one person (e.g. an update arriving on their page) can land on another.
Browsers have no such thing: here both are dispatched to the user whose page the call is made for (the current UI
context's client), exactly like NiceGUI does for real clients.
"""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import context, ui
from nicegui.testing import User

# attempts of should_see, 0.1 s apart (should_not_see's are 0.05 s apart: twice as many): 10 s, like tests/waiting.py,
# as a page may wait for argon2 runs (real cost here) and other tests' servers share the two cores
PATIENCE = 100


@pytest.fixture(autouse=True)
def patient_should_see(monkeypatch: pytest.MonkeyPatch) -> None:
    """NiceGUI gives up after 3 attempts (0.3 s to appear, 0.15 s to go away); here both wait up to 10 s. Waiting longer
    for something to go away costs nothing when it is already gone: should_not_see returns at its first attempt."""
    original_see, original_not_see = User.should_see, User.should_not_see

    async def should_see(self: User, *args: Any, retries: int = PATIENCE, **kwargs: Any) -> None:
        await original_see(self, *args, retries=max(retries, PATIENCE), **kwargs)

    async def should_not_see(self: User, *args: Any, retries: int = 2 * PATIENCE, **kwargs: Any) -> None:
        await original_not_see(self, *args, retries=max(retries, 2 * PATIENCE), **kwargs)

    monkeypatch.setattr(User, 'should_see', should_see)
    monkeypatch.setattr(User, 'should_not_see', should_not_see)


@pytest.fixture(autouse=True)
def per_client_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    users: list[User] = []
    original_init = User.__init__

    def init(self: User, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        users.append(self)

    def owner() -> User:
        try:
            client = context.client
        except Exception:  # no UI context: the most recent user, as NiceGUI's simulation would pick
            return users[-1]
        return next((u for u in users if object.__getattribute__(u, 'client') is client), users[-1])

    class Dispatch:
        def __init__(self, attribute: str) -> None:
            self.attribute = attribute

        def __getattr__(self, name: str) -> Any:
            return getattr(object.__getattribute__(owner(), self.attribute), name)

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return object.__getattribute__(owner(), self.attribute)(*args, **kwargs)

    monkeypatch.setattr(User, '__init__', init)
    monkeypatch.setattr(User, '__getattribute__', object.__getattribute__)  # no global retargeting on access
    monkeypatch.setattr(ui, 'navigate', Dispatch('navigate'))
    monkeypatch.setattr(ui, 'notify', Dispatch('notify'))
