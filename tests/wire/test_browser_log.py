"""The socket.io `log` event (nicegui.js reports browser errors through it) cannot forge or flood the server log:
each message is one escaped line of bounded length, at a bounded rate per socket, and only a page's own socket may
log for it (pages/security.py)."""

from __future__ import annotations

import asyncio

import pytest

from bench.client import Tab, new_http
from tests.wire.conftest import Site
from tests.wire.helpers import token, tracebacks, until

pytestmark = pytest.mark.wire


async def _inject(site: Site, marker: str) -> None:
    async with new_http() as http:
        login, other = Tab(http, site.url), Tab(http, site.url)  # signed out: the login page
        await login.get('/login')
        await other.get('/login')
        await login.connect(timeout=10)
        forged = f'{marker}-first\n2026-01-01 00:00:00 - nicegui - ERROR - {marker}-FORGED admin signed in'
        login.emit('log', {'client_id': login.client_id, 'level': 'error', 'message': forged})
        long = f'{marker}-long' + 'x' * 50_000
        login.emit('log', {'client_id': login.client_id, 'level': 'warning', 'message': long})
        login.emit('log', {'client_id': login.client_id, 'level': 'bogus', 'message': f'{marker}-bogus'})
        login.emit('log', {'client_id': login.client_id, 'level': 'error'})
        login.emit('log', ['not', 'a', 'dict'])
        login.emit('log', {'client_id': other.client_id, 'level': 'error', 'message': f'{marker}-for-another-page'})
        for index in range(200):
            login.emit('log', {'client_id': login.client_id, 'level': 'error', 'message': f'{marker}-flood {index}'})
        # time for the server to read all of them before the socket closes (a limited flood leaves no sign of its
        # end to wait for): what the log keeps of them is the test
        await asyncio.sleep(1.5)
        await login.close()
        await other.close()


def test_browser_log_messages_cannot_forge_or_flood_the_server_log(shared: Site) -> None:
    marker = token()
    asyncio.run(_inject(shared, marker))
    log_path = shared.server.log_path
    asyncio.run(until(lambda: f'{marker}-first' in log_path.read_text(errors='replace'), 5))
    lines = [line for line in log_path.read_text(errors='replace').splitlines() if marker in line]
    assert any(f'{marker}-first' in line for line in lines), 'a browser error is still logged'
    forged = [line for line in lines if line.startswith('2026-01-01')]
    assert not forged, f'a message made a log line of its own: {forged}'
    assert all(len(line) < 1200 for line in lines), 'a browser message is cut to a bounded length'
    assert not any(f'{marker}-for-another-page' in line for line in lines), "only a page's own socket logs for it"
    assert not any(f'{marker}-bogus' in line for line in lines)
    flood = [line for line in lines if f'{marker}-flood' in line]
    assert len(flood) <= 20, f'{len(flood)} of 200 flood messages were logged: the rate is bounded'
    assert not tracebacks(log_path)
