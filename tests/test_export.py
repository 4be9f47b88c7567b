"""`main.py export-room`: a room's whole public history as JSON or as an HTML transcript, run as an operator runs it.

The data is made through the services; the commands read the database the suite uses (SQLite, or PostgreSQL with
CHAT_TEST_DATABASE_URL), with the data folder from the environment as the operator's shell would give it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tracemalloc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chat import export
from chat import services as service_factory
from chat.services import Services
from chat.settings import Settings
from chat.views import UserView
from storage.db import Database
from tests.server import ROOT

ROOM = 'Export Room'
SCRIPT = '<script>alert(1)</script>'
TEMPLATE = '{{ 1+1 }}'


@dataclass
class Posted:
    room_id: int
    bodies: list[str]
    authors: list[tuple[str, str]]  # username, display name of each message


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, 'main.py', *args],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _started() -> Services:
    services = service_factory.build(Settings(message_rate=1_000_000))
    await asyncio.to_thread(services.migrate)
    await services.start()
    return services


async def _fill() -> Posted:
    services = await _started()
    try:
        anna = await services.accounts.register('anna', 'password-123', SCRIPT)
        boris = await services.accounts.register('boris', 'password-123', TEMPLATE)
        room = await services.rooms.create(anna, ROOM)
        await services.rooms.create(boris, 'Elsewhere')
        bodies = [f'plain {i}' for i in range(25)] + [
            SCRIPT,
            TEMPLATE,
            'two\nlines',
            'Ünïcödé ✓ 漢字',
            '"quoted" & <b>',
        ]
        authors = []
        for i, body in enumerate(bodies):
            author = (anna, boris)[i % 2]
            await services.messages.post(author, room.id, body)
            authors.append((author.username, author.display_name))
        other = await services.rooms.open_by_name(boris, 'Elsewhere')
        await services.messages.post(boris, other[0].id, 'not in the export')
        return Posted(room.id, bodies, authors)
    finally:
        await services.stop()


@pytest.fixture
def posted() -> Posted:
    return asyncio.run(_fill())


def test_json_export_holds_the_whole_history(posted: Posted, tmp_path: Path) -> None:
    target = tmp_path / 'room.json'
    result = run_main('export-room', 'export room', '--format', 'json', '--output', str(target))  # any case
    assert result.returncode == 0, result.stderr
    assert f'Exported {len(posted.bodies)} messages' in result.stderr and result.stdout == ''
    assert not (tmp_path / 'room.json.part').exists()
    data = json.loads(target.read_text(encoding='utf-8'))
    assert data['room']['name'] == ROOM and data['room']['id'] == posted.room_id
    assert data['message_count'] == len(data['messages']) == len(posted.bodies)
    messages = data['messages']
    assert [m['body'] for m in messages] == posted.bodies
    assert [(m['author']['username'], m['author']['display_name']) for m in messages] == posted.authors
    assert [m['id'] for m in messages] == sorted(m['id'] for m in messages)
    for message in messages:
        moment = datetime.fromisoformat(message['created_at'])
        assert moment.utcoffset().total_seconds() == 0 and abs((datetime.now(UTC) - moment).total_seconds()) < 600

    to_stdout = run_main('export-room', ROOM)  # json is the default; standard output holds only the export
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert [m['body'] for m in json.loads(to_stdout.stdout)['messages']] == posted.bodies


def test_html_export_escapes_every_name_and_message(posted: Posted, tmp_path: Path) -> None:
    target = tmp_path / 'room.html'
    result = run_main('export-room', ROOM, '--format', 'html', '--output', str(target))
    assert result.returncode == 0, result.stderr
    page = target.read_text(encoding='utf-8')
    assert page.startswith('<!DOCTYPE html>') and page.rstrip().endswith('</html>')
    assert page.count('<article') == len(posted.bodies)
    assert '<script' not in page.lower(), 'no name or message became markup'
    escaped = '&lt;script&gt;alert(1)&lt;/script&gt;'
    assert f'<span class="name">{escaped}</span>' in page  # anna's display name
    assert f'<p class="body">{escaped}</p>' in page  # the message
    assert f'<span class="name">{TEMPLATE}</span>' in page and f'<p class="body">{TEMPLATE}</p>' in page  # verbatim
    assert '&quot;quoted&quot; &amp; &lt;b&gt;' in page and 'two\nlines' in page and 'Ünïcödé ✓ 漢字' in page
    assert 'not in the export' not in page
    assert not re.search(r'<(link|img|iframe|object)\b', page), 'self-contained: nothing loaded from elsewhere'


def test_unknown_room_is_refused_with_exit_code_2(posted: Posted, tmp_path: Path) -> None:
    target = tmp_path / 'nothing.json'
    result = run_main('export-room', 'No Such Room', '--output', str(target))
    assert result.returncode == 2
    assert result.stderr.strip() == 'No room named “No Such Room”.'
    assert not target.exists() and not (tmp_path / 'nothing.json.part').exists()


async def test_pages_cover_the_history_once_and_stop_at_the_start(
    posted: Posted, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seven rows per query: every message once, in order; a post arriving during the export is left out, so the
    count in the header is the count of the body."""
    monkeypatch.setattr(export, 'PAGE_ROWS', 7)
    settings = Settings()
    db = Database(settings.sqlalchemy_url, threads=1)
    try:
        room = export.find_room(db, ROOM)
        services = await _started()
        try:
            anna = await services.accounts.authenticate('anna', 'password-123')
            await services.messages.post(anna, posted.room_id, 'after the export began')
        finally:
            await services.stop()
        out, seen = io.StringIO(), []
        written = await asyncio.to_thread(export.write, db, room, out, 'json', 'en', seen.append)
    finally:
        db.close()
    bodies = [m['body'] for m in json.loads(out.getvalue())['messages']]
    assert bodies == posted.bodies and written == room.count == len(posted.bodies)
    assert seen == [7, 7, 7, 7, 2]  # five queries for 30 messages


def test_a_big_room_is_streamed_not_loaded(tmp_path: Path) -> None:
    """60,000 messages exported with the memory traced: the peak stays that of a few pages, far below the rows'
    size (~20 MB as Python tuples)."""
    if Settings().database_url:
        pytest.skip('bulk insert through SQLite; the paging itself is tested on both databases above')
    from bench import server as srv

    data = srv.prepare(Settings().data_dir, 2, ['big'])
    srv.bulk_insert_history(data.data_dir, data.rooms['big'], 60_000)

    class Discard(io.TextIOBase):
        written = 0

        def write(self, text: str) -> int:
            self.written += len(text)
            return len(text)

    db = Database(Settings().sqlalchemy_url, threads=1)
    sink = Discard()
    try:
        room = export.find_room(db, 'big')
        tracemalloc.start()
        try:
            count = export.write(db, room, sink, 'html')
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        db.close()
    print(f'\nexported {count} messages ({sink.written / 1e6:.1f} MB of HTML), traced peak {peak / 1e6:.1f} MB')
    assert count == 60_000
    assert peak < 8e6


@contextlib.asynccontextmanager
async def _as_anna() -> AsyncIterator[tuple[Services, UserView]]:
    """The app's services on the test's data folder, and Anna signed in; stopped afterwards."""
    services = await _started()
    try:
        yield services, await services.accounts.authenticate('anna', 'password-123')
    finally:
        await services.stop()


async def _edit_and_delete(room_id: int) -> tuple[int, int]:
    """Anna edits her first message and deletes her second; returns their ids."""
    async with _as_anna() as (services, anna):
        history = await services.messages.history(room_id, limit=200)
        mine = [m for m in history if m.author.id == anna.id]
        await services.messages.edit(anna, room_id, mine[0].id, 'plain 0, corrected')
        await services.messages.delete(anna, room_id, mine[1].id)
        return mine[0].id, mine[1].id


def test_edited_and_deleted_messages_are_exported_as_the_room_shows_them(posted: Posted, tmp_path: Path) -> None:
    edited, deleted = asyncio.run(_edit_and_delete(posted.room_id))
    result = run_main('export-room', ROOM)
    assert result.returncode == 0, result.stderr
    messages = {m['id']: m for m in json.loads(result.stdout)['messages']}
    assert messages[edited]['body'] == 'plain 0, corrected' and messages[edited]['edited_at'] is not None
    assert messages[deleted]['body'] == '' and messages[deleted]['deleted'] is True
    assert not any(m['deleted'] for i, m in messages.items() if i != deleted)

    target = tmp_path / 'room.html'
    assert run_main('export-room', ROOM, '--format', 'html', '--output', str(target)).returncode == 0
    page = target.read_text(encoding='utf-8')
    assert f'<article id="m{deleted}">' in page
    assert '<p class="body deleted">message deleted</p>' in page
    assert page.count('<span class="user">edited</span>') == 1


async def _with_files(room_id: int) -> tuple[int, list[dict]]:
    async with _as_anna() as (services, anna):
        pdf = await services.files.upload(anna, room_id, '<b>plan.pdf', b'%PDF-1.4 ' + b'x' * 3000)
        note = await services.files.upload(anna, room_id, 'notes.txt', b'shopping list')
        posted = await services.messages.post(anna, room_id, 'the plan', attachments=[pdf.id, note.id])
        return posted.id, [
            {'name': pdf.name, 'size': pdf.size, 'mime': 'application/pdf', 'path': f'/files/{pdf.id}'},
            {'name': 'notes.txt', 'size': note.size, 'mime': 'text/plain', 'path': f'/files/{note.id}'},
        ]


def test_attachments_are_listed_with_their_messages(posted: Posted, tmp_path: Path) -> None:
    """Described (name, size, type, the permission-checked path), never their bytes; HTML names them as text."""
    message_id, described = asyncio.run(_with_files(posted.room_id))
    result = run_main('export-room', ROOM)
    assert result.returncode == 0, result.stderr
    messages = {m['id']: m for m in json.loads(result.stdout)['messages']}
    assert messages[message_id]['attachments'] == described
    assert all(m['attachments'] == [] for i, m in messages.items() if i != message_id)
    assert 'shopping list' not in result.stdout

    target = tmp_path / 'room.html'
    assert run_main('export-room', ROOM, '--format', 'html', '--output', str(target)).returncode == 0
    page = target.read_text(encoding='utf-8')
    assert (
        f'<article id="m{message_id}">' in page
        and '<li>📎 &lt;b&gt;plan.pdf · 2.9\u00a0KB</li><li>📎 notes.txt · 13\u00a0bytes</li>' in page
    )
    assert described[0]['name'] == '<b>plan.pdf'  # kept as typed, shown as text
    assert page.count('<ul class="files">') == 1 and '<b>plan' not in page
