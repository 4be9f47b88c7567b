"""The load generator against the real server: 5 signed-in clients, 10 messages typed and sent through the UI.

Only delivery is asserted (every message reaches every client, each is stored once); never a time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench import scenarios
from bench.client import new_http
from bench.crowd import Crowd, conversation


async def _talk(url: str, cookies: list[str], path: str) -> tuple[int, int, int, list[str], int, int]:
    async with new_http() as http:
        crowd = Crowd(http, url, first_visits=True)  # each tab also loads what its page names, as the memory bench
        await crowd.open(cookies, path)
        await crowd.settle(quiet=0.5, timeout=30)
        recorder = await conversation(crowd, 0, 10, 20, drain=20)
        # every frame in order: message ids without a gap, on the connection each tab opened with
        disorder = sum(tab.skipped_ids + tab.reconnects for tab in crowd.tabs)
        files = min(tab.files_loaded for tab in crowd.tabs)
        await crowd.close()
    texts = [recorder.text(s) for s in recorder.sent]
    return len(recorder.sent), recorder.delivered(), recorder.lost(), texts, disorder, files


def test_every_message_reaches_every_client(tmp_path: Path) -> None:
    fixture = scenarios.prepare_fixture(tmp_path / 'bench', 5, {})
    assert len(fixture.cookies) == 5
    server = fixture.server('smoke')
    with server:
        sent, delivered, lost, texts, disorder, files = asyncio.run(
            _talk(server.url, fixture.cookies, f'/room/{fixture.room("fanout")}')
        )
    assert sent == 10
    assert lost == 0
    assert delivered == 5 * 10
    assert disorder == 0
    assert files > 20  # NiceGUI's scripts and styles, every one answered 200
    check = scenarios.stored_once(server.data_dir, texts)
    assert check == {'stored_once': 10, 'missing': 0, 'duplicated': 0}
