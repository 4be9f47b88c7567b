"""Make the simulated users behave like separate browsers, and patient enough for a busy 2-core machine.

NiceGUI's `User` retargets the global `ui.navigate` / `ui.notify` to whichever simulated user was touched last, so a
navigation or notification triggered for one person (e.g. an update arriving on their page) can land on another.
Browsers have no such thing: here both are dispatched to the user whose page the call is made for (the current UI
context's client), exactly like NiceGUI does for real clients.
"""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import background_tasks, context, ui
from nicegui.testing import User

from tests import hashing

# attempts of should_see, 0.1 s apart (should_not_see's are 0.05 s apart: twice as many): 10 s, like tests/waiting.py,
# as other tests' servers and browsers share the two cores
PATIENCE = 100


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations and sign-ins through the forms, with argon2id at small parameters (tests/hashing.py)."""
    hashing.cheap_hashing(monkeypatch)


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

    def owner() -> User | None:
        """The user whose page the call is made for; None for a page no user shows any more (one they navigated
        away from, still being closed: a browser would not show it either). With several users and no page to tell
        (a call outside any UI context), guessing would send one person's navigation to another: fail."""
        try:
            client = context.client
        except Exception:
            client = None
        found = next((u for u in users if object.__getattribute__(u, 'client') is client), None)
        if found is not None:
            return found
        if client is not None:
            return None
        if len(users) == 1:
            return users[0]
        raise AssertionError('ui.navigate/ui.notify called outside the page of any simulated user')

    def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    class Dispatch:
        def __init__(self, attribute: str) -> None:
            self.attribute = attribute

        def __getattr__(self, name: str) -> Any:
            user = owner()
            return nothing if user is None else getattr(object.__getattribute__(user, self.attribute), name)

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            user = owner()
            return None if user is None else object.__getattribute__(user, self.attribute)(*args, **kwargs)

    monkeypatch.setattr(User, '__init__', init)
    monkeypatch.setattr(User, '__getattribute__', object.__getattribute__)  # no global retargeting on access
    monkeypatch.setattr(ui, 'navigate', Dispatch('navigate'))
    monkeypatch.setattr(ui, 'notify', Dispatch('notify'))


@pytest.fixture(autouse=True)
def no_tasks_of_closed_loops() -> None:
    """Every test runs on an event loop of its own, but NiceGUI keeps its tasks in process-wide tables. A task still
    pending when an earlier test's loop closed (one made while the last pages were being deleted) never leaves them,
    and NiceGUI's shutdown then retries cancelling it for ever (a worker once hung logging tracebacks until it held
    5.8 GB). A server has one loop for its lifetime; this is the tests' own doing, so the tests clear it."""
    for task in [t for t in background_tasks.running_tasks if t.get_loop().is_closed()]:
        background_tasks.running_tasks.discard(task)
    for name, task in list(background_tasks.lazy_tasks_running.items()):
        if task.get_loop().is_closed():
            del background_tasks.lazy_tasks_running[name]
