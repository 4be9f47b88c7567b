"""Journey 8: `python main.py --native` opens a desktop window (pywebview with Qt) that shows the sign-in page.

Runs under a private Xvfb display started here. Needs apt `xvfb xdotool libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0
libxkbcommon-x11-0` and `pip install 'pywebview[qt]'`; skips without them, except under CI=true.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageGrab, ImageStat

from pages.theme import BRAND
from tests.e2e.conftest import require
from tests.e2e.helpers import Server, app_environment, keep_picture
from tests.waiting import Timeout, until_sync

pytestmark = pytest.mark.e2e

HEADER_BLUE = tuple(int(BRAND['primary'][i : i + 2], 16) for i in (1, 3, 5))  # the header and the "Sign in" button
INSTALL = (
    'apt-get install -y xvfb xdotool libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 && '
    "pip install 'pywebview[qt]'"
)


def native_requirements() -> None:
    missing = [tool for tool in ('Xvfb', 'xdotool') if shutil.which(tool) is None]
    missing += [module for module in ('webview', 'qtpy', 'PyQt6.QtWebEngineWidgets') if not _importable(module)]
    require(not missing, f'native window test needs {", ".join(missing)}: {INSTALL}')


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture
def display() -> Iterator[str]:
    native_requirements()
    xvfb = subprocess.Popen(
        ['Xvfb', '-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        number = xvfb.stdout.readline().strip() if xvfb.stdout else ''
        assert number.isdigit(), 'Xvfb did not report its display number'
        until_sync(lambda: answers(f':{number}', xvfb), 10, what=f'the display :{number} answering')
        yield f':{number}'
        assert xvfb.poll() is None, f'Xvfb exited during the test with {xvfb.returncode}'
    finally:
        xvfb.terminate()
        try:
            xvfb.wait(5)
        except subprocess.TimeoutExpired:
            xvfb.kill()
            xvfb.wait(5)


def answers(display: str, xvfb: subprocess.Popen) -> bool:
    """Whether a client connects to the display; fails at once when its Xvfb has exited."""
    assert xvfb.poll() is None, f'Xvfb exited with {xvfb.returncode}'
    probe = subprocess.run(
        ['xdotool', 'getdisplaygeometry'], env={'DISPLAY': display}, capture_output=True, timeout=10, check=False
    )
    return probe.returncode == 0


@pytest.fixture
def native_app(display: str, tmp_path: Path) -> Iterator[Server]:
    env = app_environment(DISPLAY=display, PYWEBVIEW_GUI='qt', QTWEBENGINE_CHROMIUM_FLAGS='--no-sandbox --disable-gpu')
    app = Server(tmp_path / 'data', native=True, env=env)  # its own process group, ended whole by stop()
    app.start(timeout=60)
    yield app
    app.stop()


def find_window(display: str, timeout: float = 120.0) -> tuple[int, int, int, int]:
    """The window titled "Messenger": (x, y, width, height) on the display."""

    def window() -> tuple[int, int, int, int] | None:
        found = subprocess.run(
            ['xdotool', 'search', '--onlyvisible', '--name', '^Messenger$'],
            env={'DISPLAY': display},
            capture_output=True,
            text=True,
        )
        for window in found.stdout.split():
            shape = subprocess.run(
                ['xdotool', 'getwindowgeometry', '--shell', window],
                env={'DISPLAY': display},
                capture_output=True,
                text=True,
            ).stdout
            values = dict(line.split('=', 1) for line in shape.split() if '=' in line)
            width, height = int(values.get('WIDTH', 0)), int(values.get('HEIGHT', 0))
            if width > 100 and height > 100:
                return int(values['X']), int(values['Y']), width, height
        return None

    return until_sync(window, timeout, what=f'a window named "Messenger" shown on {display}', step=0.5)


def blue_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Share of the pixels in `box` that have the primary colour."""
    region = image.crop(box).convert('RGB')
    pixels = list(region.getdata())
    close = sum(
        1 for r, g, b in pixels if abs(r - HEADER_BLUE[0]) + abs(g - HEADER_BLUE[1]) + abs(b - HEADER_BLUE[2]) < 30
    )
    return close / max(1, len(pixels))


def test_native_window_shows_the_sign_in_page(native_app: Server, display: str, browser) -> None:
    x, y, width, height = find_window(display)
    shots: list[Image.Image] = []

    def painted() -> bool:
        shots[:] = [ImageGrab.grab(xdisplay=display).crop((x, y, x + width, y + height))]
        return blue_share(shots[-1], (0, 0, width, 50)) > 0.6

    with contextlib.suppress(Timeout):  # the window appears first, the page paints into it a moment later
        until_sync(painted, timeout=60, what='the page painted into the window', step=0.5)
    (shot,) = shots  # the last one is kept, painted or not, before the verdict
    picture = io.BytesIO()
    shot.save(picture, 'PNG')
    keep_picture('native-window.png', picture.getvalue())
    assert blue_share(shot, (0, 0, width, 50)) > 0.6, 'the window shows no page header'

    # the same page in headless Chromium at the window's size: the window must look like it
    context = browser.new_context(viewport={'width': width, 'height': height}, base_url=native_app.url)
    try:
        page = context.new_page()
        page.goto('/')
        page.wait_for_url('**/login**')
        page.locator('[data-testid=submit]').wait_for()
        page.wait_for_timeout(500)  # like screenshot(): transitions have no end to await, the picture must be still
        path = native_app.data_dir.parent / 'chromium-login.png'
        page.screenshot(path=str(path))
    finally:
        context.close()
    reference = Image.open(path).convert('RGB')
    difference = ImageChops.difference(shot.convert('RGB'), reference).convert('L')
    same = sum(count for value, count in enumerate(difference.histogram()) if value < 40) / (width * height)

    assert same > 0.97, f'the native window differs from the sign-in page in Chromium ({same:.1%} alike)'
    assert ImageStat.Stat(difference).mean[0] < 10
