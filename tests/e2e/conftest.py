"""Real-browser fixtures: one app subprocess shared by the journeys that allow it, headless Chromium, and people.

The tests are plain `def` functions using Playwright's sync API, so they never touch pytest-asyncio's loop or
NiceGUI's `user` fixture. Without Chromium they skip (with how to install it), except under CI=true, where that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, Person, Server, app_environment, ci

APP_ERRORS = pytest.StashKey[list[tuple[str, str]]]()


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


@pytest.fixture(scope='module')
def own(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server for one test module alone: its people's names, rooms and screenshots meet nobody else's. The module
    may set `OWN_ENV` (settings its scenario needs, given to `app_environment`)."""
    env = getattr(request.module, 'OWN_ENV', None)
    name = request.module.__name__.rsplit('.', 1)[-1]
    app = Server(tmp_path_factory.mktemp(name) / 'data', env=app_environment(**env) if env else None).start()
    yield app
    app.stop()


@pytest.fixture
def people(browser, server: Server) -> Iterator[Callable[..., Person]]:
    """`person('anna', 'Anna')` opens a browser context for a new person on the shared server (not yet registered)."""
    opened: list[Person] = []

    def person(username: str, display_name: str = '', *, on: Server | None = None, locale: str = 'en-US') -> Person:
        someone = Person(browser, on or server, username, display_name=display_name, locale=locale)
        opened.append(someone)
        return someone

    yield person
    for someone in opened:
        someone.close()


def _servers(item: pytest.Item) -> dict[str, Server]:
    return {name: value for name, value in getattr(item, 'funcargs', {}).items() if isinstance(value, Server)}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Like NiceGUI's `user` fixture, a journey fails when the app logs an exception while it runs."""
    servers = _servers(item)
    offsets = {name: server.log_size() for name, server in servers.items()}
    yield
    errors = []
    for name, server in servers.items():
        errors += [(name, block) for block in server.tracebacks(since=offsets[name])]
    item.stash[APP_ERRORS] = errors


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != 'call':
        return
    errors = item.stash.get(APP_ERRORS, [])
    if report.passed and errors:
        report.outcome = 'failed'
        report.longrepr = 'the app logged an exception during the journey:\n\n' + '\n\n'.join(
            f'[{name}]\n{block}' for name, block in errors
        )
    if report.failed:
        for name, server in _servers(item).items():
            report.sections.append((f'app log ({name})', server.log_tail()))
