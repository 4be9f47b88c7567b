"""The app as a subprocess (started like the README starts it) and people driving it in their own browser context."""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from PIL import Image, ImageChops
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bench.chromium import CHROMIUM as CHROMIUM  # re-exported: the browser tests launch the bench's Chromium
from bench.chromium import CHROMIUM_ARGS as CHROMIUM_ARGS
from tests.hashing import CHEAP_HASHING
from tests.ports import worker_range
from tests.waiting import Timeout, until_sync

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / 'docs' / 'screenshots'
VIEWPORT = {'width': 1280, 'height': 800}
PASSWORD = 'correct-horse-battery'
PORTS = worker_range(8500, 8600)  # this worker's slice of the range
WAIT_MS = 10_000  # how long a person waits for something to show up
expect.set_options(timeout=WAIT_MS)

# What the browser shows when the message body is not a child element of q-chat-message (met twice: f688331 and
# 8407227): the `user` fixture cannot see it, so sees_message() names it when it fails that way.
FEED_TEXT_BUG = (
    'the text reached the browser, but no message in the feed shows any text: the body must be a child element of '
    'q-chat-message (Quasar ignores its `text` prop because NiceGUI always passes a default slot, and its slot '
    "normaliser drops a bare text node, i.e. the element's own text)"
)


def ci() -> bool:
    return os.environ.get('CI') == 'true'


def free_port() -> int:
    """A free port of `PORTS` (8500-8599, the range these tests use), tried from a random start."""
    start = random.randrange(len(PORTS))
    for offset in range(len(PORTS)):
        port = PORTS[(start + offset) % len(PORTS)]
        with socket.socket() as probe:
            try:
                probe.bind(('127.0.0.1', port))
            except OSError:
                continue
            return port
    raise RuntimeError(f'no free port in {PORTS}')


def app_environment(**extra: str) -> dict[str, str]:
    """The shell's environment without anything that would point the app elsewhere (other data, Redis, a test mode).

    CHAT_FASTPATH is kept: CI runs these journeys a second time against servers with the speed layer off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('CHAT_', 'NICEGUI_', 'PYTEST_'))}
    if 'CHAT_FASTPATH' in os.environ:
        env['CHAT_FASTPATH'] = os.environ['CHAT_FASTPATH']
    env['PYTHONUNBUFFERED'] = '1'
    env['CHAT_REGISTER_RATE'] = '1000'  # every person registers from 127.0.0.1
    env.update(CHEAP_HASHING)  # registrations and sign-ins: argon2id at small parameters
    env.update(extra)
    return env


class Server:
    """`python main.py --port P --data-dir D` in a subprocess; stop() and start() again keep port and data."""

    def __init__(
        self, data_dir: Path, port: int | None = None, *, native: bool = False, env: dict[str, str] | None = None
    ) -> None:
        self.data_dir, self.native = data_dir, native
        self.port = port or free_port()
        self.env = env or app_environment()
        self.log_path = data_dir.parent / f'server-{self.port}.log'
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def start(self, timeout: float = 30.0) -> Server:
        command = [sys.executable, 'main.py', '--port', str(self.port), '--data-dir', str(self.data_dir)]
        if self.native:
            command.append('--native')
        log = self.log_path.open('a')
        log.write(f'--- {" ".join(command)}\n')
        log.flush()
        # its own process group: the native window runs in child processes, and stop() ends them all
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        process = self.process

        def answers() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f'the app exited with {process.returncode}:\n{self.log_tail()}')
            try:
                with urllib.request.urlopen(f'{self.url}/login', timeout=2) as response:
                    return response.status == 200
            except (urllib.error.URLError, OSError):
                return False

        try:
            until_sync(answers, timeout, what=lambda: f'the app answering on {self.url}:\n{self.log_tail()}')
        except Timeout:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        with contextlib.suppress(ProcessLookupError):  # stragglers of the group (native window helpers)
            os.killpg(process.pid, signal.SIGKILL)

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def tracebacks(self, since: int = 0) -> list[str]:
        """Each exception the app logged after byte `since`: the line before it, the traceback, the error line."""
        if not self.log_path.exists():
            return []
        with self.log_path.open('rb') as log:
            log.seek(since)
            lines = log.read().decode('utf-8', 'replace').splitlines()
        blocks = []
        for number, line in enumerate(lines):
            if line.startswith('Traceback (most recent call last)'):
                end = number + 1
                while end < len(lines) and (lines[end].startswith((' ', '\t')) or not lines[end].strip()):
                    end += 1
                blocks.append('\n'.join(lines[max(0, number - 1) : end + 1]))
        return blocks

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ''
        return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-lines:])


class Person:
    """One person: their own browser context (cookies), a page, and every websocket frame their pages received."""

    def __init__(
        self, browser: Browser, server: Server, username: str, *, display_name: str = '', locale: str = 'en-US'
    ) -> None:
        self.server, self.username = server, username
        self.display_name = display_name or username
        self.context: BrowserContext = browser.new_context(
            viewport=VIEWPORT, locale=locale, base_url=server.url, timezone_id='UTC'
        )
        self.context.set_default_timeout(WAIT_MS)
        self.frames_of: dict[Page, list[str]] = {}
        self.page = self.new_page()

    @property
    def frames(self) -> list[str]:
        """Every websocket frame any of this person's pages received."""
        return [frame for frames in self.frames_of.values() for frame in frames]

    def new_page(self) -> Page:
        page = self.context.new_page()
        frames = self.frames_of[page] = []

        def on_websocket(ws) -> None:
            ws.on(
                'framereceived',
                lambda payload: frames.append(
                    payload if isinstance(payload, str) else payload.decode('utf-8', 'replace')
                ),
            )

        page.on('websocket', on_websocket)
        return page

    def received(self, text: str, page: Page) -> bool:
        """The text reached this page: in a websocket frame or in its HTML as served."""
        return any(text in frame for frame in self.frames_of.get(page, ())) or text in page.content()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()

    # --- journeys ---------------------------------------------------------------------------------------------

    def register(self) -> Person:
        page = self.page
        page.goto('/register')
        page.locator('input[data-testid=username]').fill(self.username)
        if self.display_name != self.username:
            page.locator('input[data-testid=display-name]').fill(self.display_name)
        page.locator('input[data-testid=password]').fill(PASSWORD)
        page.locator('[data-testid=submit]').click()
        expect(page.locator('[data-testid=room-list]')).to_be_visible()
        expect(page.locator('[data-testid=me]')).to_have_text(self.display_name)
        return self

    def create_room(self, name: str) -> int:
        """Through the room list's "join or create a room by name" field; returns the new room's id."""
        page = self.page
        if page.locator('input[data-testid=room-name]').count() == 0:
            page.goto('/')
        connected(page)
        page.locator('input[data-testid=room-name]').fill(name)
        page.locator('input[data-testid=room-name]').press('Enter')
        page.wait_for_url('**/room/*')
        self.wait_in_room()
        return int(page.url.rsplit('/', 1)[1])

    def enter(self, room_id: int, page: Page | None = None) -> Page:
        page = page or self.page
        page.goto(f'/room/{room_id}')
        self.wait_in_room(page)
        return page

    def wait_in_room(self, page: Page | None = None) -> None:
        """The room is shown and its page connected: NiceGUI holds back what is typed before the handshake, each
        event on its own 10 ms timer, so an Enter pressed then may reach the server before the text it sends."""
        page = page or self.page
        expect(page.locator('textarea[data-testid=message-input]')).to_be_visible()
        expect(page.locator(f'[data-testid=online-{self.username}]')).to_be_visible()
        connected(page)

    def say(self, text: str, page: Page | None = None) -> None:
        """Types and sends once no dialog is open, as a person types after the menu they chose from has closed: a
        closing Quasar dialog gives the focus back to the button that opened it, which could take it from the field
        between the typing and the Enter."""
        page = page or self.page
        expect(page.locator('.q-dialog')).to_have_count(0)
        field = page.locator('textarea[data-testid=message-input]')
        field.fill(text)
        field.press('Enter')
        try:
            expect(field).to_have_value('')  # the input empties once the server has stored the message
        except AssertionError as error:  # what a person would look at next: the reason shown, where the focus went
            state = page.evaluate(
                '() => ({handshake: window.did_handshake, connected: window.socket?.connected,'
                ' focus: document.activeElement?.outerHTML.slice(0, 120),'
                " dialogs: document.querySelectorAll('.q-dialog').length})"
            )
            reason = page.locator('[data-testid=send-error]').all_inner_texts()
            raise AssertionError(f'{text!r} not sent; shown under the field: {reason}; page: {state}') from error


def connected(page: Page) -> None:
    """The page's socket has finished NiceGUI's handshake: what is typed now reaches this page on the server (a page
    whose handshake fails reloads itself, and would lose what was typed before)."""
    page.wait_for_function('window.did_handshake === true')


def open_user_menu(page: Page) -> None:
    """Opens the header's user menu once the page is connected: the menu's items are made on the server when it
    first opens, and a click before the handshake (plain NiceGUI) may open it before they can arrive."""
    connected(page)
    page.locator('[data-testid=user-menu]').click()
    expect(page.locator('[data-testid=user-menu-items]')).to_be_visible()


def sees_message(person: Person, text: str, page: Page | None = None, timeout_ms: int = WAIT_MS) -> None:
    """The person sees `text` as the text of a chat message in the room's feed (first: it reached the page)."""
    page = page or person.page
    feed = page.locator('[data-testid=feed]')
    bubble = feed.locator('.q-message-text-content').filter(has_text=text).first
    deadline = time.monotonic() + timeout_ms / 1000
    until_sync(
        lambda: person.received(text, page),
        timeout_ms / 1000,
        step=0.1,
        what=f'the message {text!r} received by {person.username}',
        pause=lambda seconds: page.wait_for_timeout(seconds * 1000),
    )  # Playwright handles page events meanwhile
    try:
        expect(bubble).to_be_visible(timeout=2000)
    except AssertionError:
        if feed.locator('.q-message').count() and not feed.locator('.q-message-text-content').count():
            raise AssertionError(f'{person.username} does not see {text!r}: {FEED_TEXT_BUG}') from None
        expect(bubble).to_be_visible(timeout=max(1000, (deadline - time.monotonic()) * 1000))


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Writes docs/screenshots/<name>, unless the picture there differs only in details such as message times (under
    0.5 % of its pixels), so that running the tests does not rewrite the pictures each time."""
    page.wait_for_timeout(300)  # let transitions (notifications, avatars) settle
    return keep_picture(name, page.screenshot(full_page=full_page))


def keep_picture(name: str, png: bytes) -> Path:
    """A changed word or two can stay under the threshold (a phone's shorter placeholder did):
    `SCREENSHOTS=rewrite` writes every picture."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    if os.environ.get('SCREENSHOTS') == 'rewrite' or not _nearly_same(path, png):
        path.write_bytes(png)
    return path


def _nearly_same(path: Path, png: bytes) -> bool:
    if not path.exists():
        return False
    with Image.open(path) as old, Image.open(io.BytesIO(png)) as new:
        if old.size != new.size:
            return False
        difference = ImageChops.difference(old.convert('RGB'), new.convert('RGB')).convert('L')
        changed = sum(difference.histogram()[16:])
        return changed < 0.005 * old.width * old.height
