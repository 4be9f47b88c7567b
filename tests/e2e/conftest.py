"""Real-browser fixtures: one app subprocess shared by the journeys that allow it, headless Chromium, and people.

The tests are plain `def` functions using Playwright's sync API, so they never touch pytest-asyncio's loop or
NiceGUI's `user` fixture. Without Chromium they skip (with how to install it), except under CI=true, where that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, Person, Server, ci

KNOWN_BUGS = pytest.StashKey[list[str]]()


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` when `condition` is false, or fail under CI=true, where every journey must run."""
    if condition:
        return
    if ci():
        pytest.fail(f'{reason} (CI=true: required)', pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope='session')
def browser() -> Iterator:
    require(CHROMIUM.exists(), f'Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`')
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope='session')
def server(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One app for the journeys that don't restart it; every test uses its own usernames and rooms."""
    app = Server(tmp_path_factory.mktemp('e2e-shared') / 'data').start()
    yield app
    app.stop()


@pytest.fixture
def people(browser, server: Server) -> Iterator[Callable[..., Person]]:
    """`person('anna')` opens a browser context for a new person on the shared server (not yet registered)."""
    opened: list[Person] = []

    def person(username: str, *, on: Server | None = None, locale: str = 'en-US') -> Person:
        someone = Person(browser, on or server, username, locale=locale)
        opened.append(someone)
        return someone

    yield person
    for someone in opened:
        someone.close()


@pytest.fixture
def known_bug(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Records a known app bug met on the way; a test that otherwise passes then reports as xfail with the reason,
    so the rest of the journey still runs and nothing is silently weakened."""
    bugs = request.node.stash.setdefault(KNOWN_BUGS, [])
    return bugs.append


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    bugs = item.stash.get(KNOWN_BUGS, [])
    if report.when == 'call' and report.passed and bugs:
        report.outcome = 'skipped'
        report.wasxfail = 'known app bug: ' + ' | '.join(dict.fromkeys(bugs))
    if report.failed:
        for name, value in getattr(item, 'funcargs', {}).items():
            if isinstance(value, Server):
                report.sections.append((f'app log ({name})', value.log_tail()))
