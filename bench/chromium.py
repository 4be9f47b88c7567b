"""The Chromium the bench's real-browser scenarios and the browser tests (tests/e2e) drive: Debian's, through
Playwright, never a browser build of Playwright's own."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get('CHAT_E2E_CHROMIUM', '/usr/bin/chromium'))
CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
]
