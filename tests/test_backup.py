"""`main.py backup` while a server runs and someone posts, `restore` into a new folder, and a server on the restored
folder: the history is there (everything committed before the backup started, nothing half-done), the database is
sound, and a browser signed in before the backup is still signed in (the storage secret came along).

Backups copy SQLite data folders, so these tests run on SQLite even when the suite runs on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bench import server as srv
from bench.client import Tab, new_http, sign_in
from chat import services as service_factory
from chat.settings import Settings
from storage import backup as backups
from storage.progress import Advance, Progress
from tests.server import ROOT, running_app
from tests.ui.images import png
from tests.waiting import until, until_sync
from tests.wire.helpers import feed_texts, token

ROOM = 'history'
HISTORY = 40_000  # old messages: the database (~6 MB) takes several backup steps


@pytest.fixture(autouse=True)
def sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv('CHAT_DATABASE_URL', raising=False)


def run_main(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    for name in ('CHAT_DATA_DIR', 'CHAT_DATABASE_URL', 'CHAT_STORAGE_SECRET'):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, 'main.py', *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def body(marker: str, sequence: int) -> str:
    return f'{marker}-{sequence}-end'  # the end mark: no body is a part of another


class Poster(threading.Thread):
    """Posts through the service layer, as fast as the database takes them, into the server's SQLite file (a second
    writer beside the server); keeps the id and the moment each post returned, i.e. after its commit."""

    def __init__(self, data_dir: Path, room_id: int, username: str, marker: str) -> None:
        super().__init__(daemon=True)
        self.data_dir, self.room_id, self.username, self.marker = data_dir, room_id, username, marker
        self.committed: list[tuple[int, float]] = []
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._post())
        except BaseException as error:  # reported by the test
            self.error = error

    async def _post(self) -> None:
        settings = Settings(data_dir=self.data_dir, database_url=None, message_rate=1_000_000)
        services = service_factory.build(settings)  # no migrate: the server did
        await services.start()
        try:
            actor = await services.accounts.authenticate(self.username, srv.PASSWORD)
            sequence = 0
            while not self.stopping.is_set():
                message = await services.messages.post(actor, self.room_id, body(self.marker, sequence))
                self.committed.append((message.id, time.monotonic()))
                sequence += 1
                await asyncio.sleep(0.002)  # a burst, but the machine is shared
        finally:
            await services.stop()

    def after(self, moment: float) -> int:
        return sum(1 for _, at in self.committed if at > moment)


async def _give_avatar(data_dir: Path, username: str) -> str:
    services = service_factory.build(Settings(data_dir=data_dir, database_url=None))
    await services.start()
    try:
        user = await services.accounts.authenticate(username, srv.PASSWORD)
        updated = await services.accounts.upload_avatar(user, png(64, 64, 'red'))
        assert updated.avatar is not None
        return updated.avatar
    finally:
        await services.stop()


def _stored(data_dir: Path, marker: str) -> tuple[list[tuple[int, str]], int, str]:
    db = sqlite3.connect(data_dir / 'chat.db')
    try:
        ids = list(db.execute('SELECT id, body FROM message WHERE body LIKE ? ORDER BY id', (f'{marker}%',)))
        total = db.execute('SELECT count(*) FROM message').fetchone()[0]
        check = db.execute('PRAGMA integrity_check').fetchone()[0]
        return ids, total, check
    finally:
        db.close()


def test_backup_while_posting_then_restore_and_sign_in(tmp_path: Path) -> None:
    data = srv.prepare(tmp_path / 'data', 2, [ROOM])
    room_id = data.rooms[ROOM]
    path = f'/room/{room_id}'
    srv.bulk_insert_history(data.data_dir, room_id, HISTORY)
    avatar = asyncio.run(_give_avatar(data.data_dir, data.users[0]))
    archive = tmp_path / 'backups' / 'chat.tar.gz'
    marker = token()

    with running_app(data.data_dir) as url:
        cookie = asyncio.run(_signed_in(url, data.users[0]))
        secret = (data.data_dir / 'storage_secret').read_text()
        poster = Poster(data.data_dir, room_id, data.users[1], marker)
        poster.start()
        until_sync(lambda: len(poster.committed) >= 20 or poster.error, timeout=30, what='posts before the backup')
        started = time.monotonic()
        made = run_main('backup', str(archive), '--data-dir', str(data.data_dir))
        ended = time.monotonic()
        until_sync(lambda: poster.after(ended) >= 5 or poster.error, timeout=30, what='posts after the backup')
        poster.stopping.set()
        poster.join(30)
    assert poster.error is None, repr(poster.error)
    assert made.returncode == 0, made.stderr
    during = [at for _, at in poster.committed if started < at < ended]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    print(
        f'\nbackup took {ended - started:.2f} s (a process start included); {len(during)} posts committed meanwhile, '
        f'longest pause between two {max(gaps, default=0) * 1000:.0f} ms; archive {archive.stat().st_size} bytes'
    )
    assert during, 'posts went on while the backup ran'
    assert 'Backup written to' in made.stdout and 'Copying the database' in made.stderr  # no terminal: plain lines
    assert '\r' not in made.stderr and '%|' not in made.stderr  # and no progress bar

    restored = tmp_path / 'restored'
    loaded = run_main('restore', str(archive), '--data-dir', str(restored))
    assert loaded.returncode == 0, loaded.stderr
    assert 'Restored 2 users, 1 rooms' in loaded.stdout

    rows, total, check = _stored(restored, marker)
    ids = [message_id for message_id, _ in rows]
    committed = [message_id for message_id, _ in poster.committed]
    before = [message_id for message_id, at in poster.committed if at < started]
    assert check == 'ok'
    assert set(before) <= set(ids), 'every message committed before the backup started is in it'
    assert ids == [i for i in committed if i <= ids[-1]], 'a snapshot: all messages up to its newest, none torn'
    assert total == HISTORY + len(ids)
    assert f'{total} messages' in made.stdout  # the manifest counted in the same snapshot
    assert (restored / 'storage_secret').read_text() == secret
    assert (restored / 'media' / avatar).read_bytes() == (data.data_dir / 'media' / avatar).read_bytes()

    with running_app(restored) as url:
        seen = asyncio.run(_after_restore(url, cookie, data.users[1], path, rows[-1][1]))
        avatar_answer = httpx.get(f'{url}/media/{avatar}', headers={'Cookie': cookie}, timeout=10)
    assert seen['old_cookie_path'] == path, 'signed in before the backup: still signed in after the restore'
    assert seen['old_cookie_sees_newest'], 'the newest backed-up message is on the room page'
    assert seen['new_sign_in_sees_newest'], 'signing in with the password works and shows the history too'
    assert avatar_answer.status_code == 200 and avatar_answer.content == (restored / 'media' / avatar).read_bytes()


async def _signed_in(url: str, username: str) -> str:
    async with new_http() as http:
        return await sign_in(http, url, username, srv.PASSWORD)


async def _after_restore(url: str, cookie: str, username: str, path: str, newest: str) -> dict[str, object]:
    seen: dict[str, object] = {}
    async with new_http() as http:
        old = Tab(http, url, cookie)
        await old.get(path)
        seen['old_cookie_path'] = old.path
        fresh_cookie = await sign_in(http, url, username, srv.PASSWORD)
        fresh = Tab(http, url, fresh_cookie)
        await fresh.get(path)
        tabs = [tab for tab in (old, fresh) if tab.path == path]
        for tab in tabs:
            await tab.connect()

        async def shows(tab: Tab) -> bool:
            if tab.path != path:
                return False
            try:
                await until(lambda: any(newest in text for text in feed_texts(tab)), timeout=20)
            except AssertionError:
                return False
            return True

        seen['old_cookie_sees_newest'] = await shows(old)
        seen['new_sign_in_sees_newest'] = await shows(fresh)
        await asyncio.gather(*(tab.close() for tab in tabs))
    return seen


# --- the copy itself ------------------------------------------------------------------------------------------------


def test_copy_never_starts_over_while_another_connection_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One page per step and another connection committing between the steps: the copy still goes straight through
    (it reads one snapshot) and holds exactly what was committed when it began."""
    data = srv.prepare(tmp_path / 'data', 1, [ROOM])
    srv.bulk_insert_history(data.data_dir, data.rooms[ROOM], 5_000)
    monkeypatch.setattr(backups, 'PAGES_PER_STEP', 1)
    database = data.data_dir / 'chat.db'
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute('PRAGMA journal_mode=WAL')
    inserted: list[int] = []

    steps: list[int] = []

    def step_then_write(delta: int) -> None:
        """Called between two steps of the copy: the other connection commits a row right then (only 50 times: a
        copy that started over after each would otherwise never end)."""
        steps.append(delta)
        if len(inserted) < 50:
            cursor = writer.execute(
                "INSERT INTO message (room_id, author_id, body, created_at) VALUES (?, 1, 'during', '2026-01-01')",
                (data.rooms[ROOM],),
            )
            inserted.append(cursor.lastrowid or 0)

    class Recording(Progress):
        @contextmanager
        def step(self, description: str, total: int, unit: str = 'B') -> Iterator[Advance]:
            yield step_then_write

    try:
        revision, counts = backups.copy_database(database, tmp_path / 'copy.db', Recording(bar=False))
    finally:
        writer.close()
    assert len(inserted) == 50, 'the other connection committed between the steps'
    assert all(delta >= 0 for delta in steps), 'the copy never started over'
    assert len(steps) > 50 and counts['messages'] == 5_000
    copy = sqlite3.connect(tmp_path / 'copy.db')
    assert copy.execute('SELECT count(*) FROM message').fetchone()[0] == 5_000
    assert copy.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
    copy.close()
    assert revision


# --- refusals -------------------------------------------------------------------------------------------------------


@pytest.fixture
def small_backup(tmp_path: Path) -> Iterator[Path]:
    data = srv.prepare(tmp_path / 'data', 1, [ROOM])
    (data.data_dir / 'storage_secret').write_text('secret')
    archive = tmp_path / 'small.tar.gz'
    backups.backup(data.data_dir, data.data_dir / 'chat.db', data.data_dir / 'media', archive)
    yield archive


def test_restore_refuses_a_folder_that_is_not_empty(small_backup: Path, tmp_path: Path) -> None:
    target = tmp_path / 'occupied'
    target.mkdir()
    (target / 'notes.txt').write_text('mine')
    result = run_main('restore', str(small_backup), '--data-dir', str(target))
    assert result.returncode == 2
    assert 'is not empty' in result.stderr and 'nothing was changed' in result.stderr
    assert [p.name for p in target.iterdir()] == ['notes.txt']
    empty = tmp_path / 'empty'
    empty.mkdir()
    assert run_main('restore', str(small_backup), '--data-dir', str(empty)).returncode == 0  # an empty one is fine
    assert (empty / 'chat.db').is_file() and (empty / 'storage_secret').read_text() == 'secret'


def _rewrite(archive: Path, target: Path, manifest: dict | None = None, extra: tuple[str, bytes] | None = None) -> None:
    """A copy of `archive` with another manifest, or one more entry after the manifest."""
    with tarfile.open(archive, 'r:gz') as source, tarfile.open(target, 'w:gz') as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == backups.MANIFEST and manifest is not None:
                data = json.dumps({**json.loads(data), **manifest}).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
            if member.name == backups.MANIFEST and extra is not None:
                info = tarfile.TarInfo(extra[0])
                info.size = len(extra[1])
                copy.addfile(info, io.BytesIO(extra[1]))


def test_restore_refuses_an_unknown_format_version(small_backup: Path, tmp_path: Path) -> None:
    future = tmp_path / 'future.tar.gz'
    _rewrite(small_backup, future, manifest={'format_version': 99})
    result = run_main('restore', str(future), '--data-dir', str(tmp_path / 'new'))
    assert result.returncode == 2
    assert 'format version 99' in result.stderr and 'reads version 1' in result.stderr
    assert not (tmp_path / 'new').exists()


def test_restore_refuses_entries_outside_the_folder_and_leaves_nothing(small_backup: Path, tmp_path: Path) -> None:
    evil = tmp_path / 'evil.tar.gz'
    _rewrite(small_backup, evil, extra=('../escaped.txt', b'x'))
    with pytest.raises(backups.BackupError, match='unexpected entry'):
        backups.restore(evil, tmp_path / 'new')
    assert not (tmp_path / 'escaped.txt').exists() and not (tmp_path / 'new').exists()
    assert not [p for p in tmp_path.iterdir() if 'restoring' in p.name]
    not_an_archive = tmp_path / 'notes.tar.gz'
    not_an_archive.write_text('hello')
    with pytest.raises(backups.BackupError, match='not a backup archive'):
        backups.restore(not_an_archive, tmp_path / 'new')


def test_backup_refuses_postgresql_and_points_to_the_docs(tmp_path: Path) -> None:
    result = run_main(
        'backup', str(tmp_path / 'x.tar.gz'), CHAT_DATABASE_URL='postgresql+psycopg://postgres@127.0.0.1:5432/nowhere'
    )
    assert result.returncode == 2
    assert 'pg_dump -Fc' in result.stderr and 'docs/operations.md' in result.stderr
    assert not (tmp_path / 'x.tar.gz').exists()
    assert 'pg_dump -Fc' in (ROOT / 'docs' / 'operations.md').read_text()


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    data = srv.prepare(tmp_path / 'data', 1, [ROOM])
    screen = io.StringIO()
    backups.backup(
        data.data_dir, data.data_dir / 'chat.db', data.data_dir / 'media', tmp_path / 'b.tar.gz', Progress(screen, True)
    )
    shown = screen.getvalue()
    assert 'Copying the database' in shown and 'Writing the archive' in shown and '100%' in shown


def test_attachments_files_are_backed_up_and_restored(tmp_path: Path) -> None:
    data = srv.prepare(tmp_path / 'data', 1, [ROOM])
    sha = hashlib.sha256(b'report').hexdigest()
    bucket = data.data_dir / 'files' / sha[:2]
    bucket.mkdir(parents=True)
    (bucket / sha).write_bytes(b'report')
    (bucket / f'{sha}.thumb.webp').write_bytes(b'thumb')
    (bucket / 'stray.part').write_bytes(b'half')  # still being written: left out
    archive = tmp_path / 'with-files.tar.gz'
    manifest, _ = backups.backup(data.data_dir, data.data_dir / 'chat.db', data.data_dir / 'media', archive)
    assert manifest.files['files'] == 2
    restored = backups.restore(archive, tmp_path / 'restored').data_dir
    assert (restored / 'files' / sha[:2] / sha).read_bytes() == b'report'
    assert (restored / 'files' / sha[:2] / f'{sha}.thumb.webp').read_bytes() == b'thumb'
    assert not (restored / 'files' / sha[:2] / 'stray.part').exists()
    # only content-addressed names in their own bucket
    evil = tmp_path / 'evil-files.tar.gz'
    _rewrite(archive, evil, extra=(f'files/00/{sha}', b'x'))
    with pytest.raises(backups.BackupError, match='unexpected entry'):
        backups.restore(evil, tmp_path / 'new')
