"""Backup and restore of a SQLite data folder: one .tar.gz with the database, the media, the attachments' files, the
storage secret and a manifest, made while the server runs.

The database is copied with SQLite's online backup API from inside one read transaction held for the whole copy. In
WAL mode (storage/db.py sets it) writers keep committing meanwhile (they append to the WAL, which the checkpoint
leaves alone until the copy ends), the copy is the database exactly as it was when the transaction began, and it never
starts over: without that transaction every write by another connection restarts a stepped backup, which under steady
posting might never finish. The copy goes in steps of pages only to report progress.

The manifest comes first in the archive, so a restore refuses an archive of an unknown format before unpacking it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from storage.progress import QUIET, Advance, Progress

FORMAT = 'chat-backup'
FORMAT_VERSION = 1  # raise when the layout changes; restore refuses versions it does not know
MANIFEST = 'manifest.json'
DATABASE = 'chat.db'
SECRET = 'storage_secret'
# avatars; NiceGUI's per-browser storage (language choice before signing in); attachments (`files/ab/<sha256>`)
FOLDERS = ('media', 'sessions', 'files')
PAGES_PER_STEP = 1024  # 4 MB at SQLite's default page size between progress reports
TABLES = {'users': 'user', 'rooms': 'room', 'messages': 'message'}
_SAFE_NAME = re.compile(r'[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}')
_FILE_NAME = re.compile(r'([0-9a-f]{2})/\1[0-9a-f]{62}(?:\.thumb\.webp)?')  # files/: content-addressed, one level down
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do instead."""


@dataclass
class Manifest:
    format_version: int
    created_at: str
    alembic_revision: str
    counts: dict[str, int]  # users, rooms, messages in the copied database
    files: dict[str, int]  # media and sessions files in the archive
    database_bytes: int
    database_sha256: str
    storage_secret: bool  # whether the archive holds data_dir/storage_secret
    bytes: int  # everything the archive holds, unpacked (for the restore's progress)
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
        except ValueError:
            raise BackupError('The archive has an unreadable manifest: it was not made by `main.py backup`.') from None
        if not isinstance(raw, dict) or raw.get('format') != FORMAT:
            raise BackupError('The archive is not a backup made by `main.py backup` (unknown manifest).')
        version = raw.get('format_version')
        if version != FORMAT_VERSION:
            raise BackupError(
                f'The archive has backup format version {version!r}; this version of the app reads version '
                f'{FORMAT_VERSION} only. Restore it with the version of the app that made it.'
            )
        try:
            return cls(**raw)
        except TypeError:
            raise BackupError('The archive has a damaged manifest (fields missing or unknown).') from None


@dataclass
class Restored:
    manifest: Manifest
    data_dir: Path
    notes: list[str] = field(default_factory=list)  # things the operator should know (an older or newer schema)


# --- backup ---------------------------------------------------------------------------------------------------------


def backup(
    data_dir: Path,
    database: Path,
    media_dir: Path,
    target: Path,
    progress: Progress = QUIET,
    files_dir: Path | None = None,
) -> tuple[Manifest, Path]:
    """Writes the archive to `target` (atomically: a `.part` file renamed at the end); returns its manifest and path.
    `files_dir`: the attachments' folder (default: `data_dir / 'files'`)."""
    if not database.is_file():
        raise BackupError(f'No database at {database}: point --data-dir (or CHAT_DATA_DIR) at the data folder.')
    target = target.resolve()
    if target.is_dir():
        raise BackupError(f'{target} is a folder: name the archive file to write, e.g. {target / "chat.tar.gz"}.')
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix='.chat-backup-') as work:
        copy = Path(work) / DATABASE
        revision, counts = copy_database(database, copy, progress)
        digest = _sha256(copy)
        extra = _extra_files(data_dir, media_dir, files_dir or data_dir / 'files')
        secret = data_dir / SECRET
        members = [(DATABASE, copy), *([(SECRET, secret)] if secret.is_file() else []), *extra]
        total = sum(_size(path) for _, path in members)
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            created_at=datetime.now(UTC).isoformat(timespec='seconds'),
            alembic_revision=revision,
            counts=counts,
            files={folder: sum(1 for name, _ in extra if name.startswith(f'{folder}/')) for folder in FOLDERS},
            database_bytes=copy.stat().st_size,
            database_sha256=digest,
            storage_secret=secret.is_file(),
            bytes=total,
        )
        part = target.with_name(f'{target.name}.part')
        try:
            _write_archive(part, manifest, members, total, progress)
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
    return manifest, target


def copy_database(source: Path, target: Path, progress: Progress = QUIET) -> tuple[str, dict[str, int]]:
    """A consistent copy of `source` while others write to it; returns its Alembic revision and row counts, read in
    the same snapshot as the copy."""
    reader = sqlite3.connect(source, isolation_level=None, timeout=30)
    try:
        reader.execute('BEGIN')  # deferred: the snapshot starts with the first read below and lasts until COMMIT
        try:
            row = reader.execute('SELECT version_num FROM alembic_version').fetchone()
        except sqlite3.OperationalError:
            row = None
        if row is None:
            raise BackupError(f'{source} has no schema yet (start the server once, or check the data folder).')
        counts = {key: reader.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for key, table in TABLES.items()}
        pages = reader.execute('PRAGMA page_count').fetchone()[0]
        writer = sqlite3.connect(target)
        try:
            with progress.step('Copying the database', pages, unit='pages') as advance:
                copied = 0

                def report(_status: int, remaining: int, total: int) -> None:
                    nonlocal copied
                    advance(total - remaining - copied)
                    copied = total - remaining

                reader.backup(writer, pages=PAGES_PER_STEP, progress=report)
            check = writer.execute('PRAGMA quick_check').fetchone()[0]
        finally:
            writer.close()
        reader.execute('COMMIT')
    finally:
        reader.close()
    if check != 'ok':
        raise BackupError(f'The copy of the database failed its check ({check}); the source may be damaged.')
    return row[0], counts


def _extra_files(data_dir: Path, media_dir: Path, files: Path) -> list[tuple[str, Path]]:
    """Regular files of the media, sessions and files folders (never symlinks, never files still being written)."""
    found: list[tuple[str, Path]] = []
    for folder, path in (('media', media_dir), ('sessions', data_dir / 'sessions')):
        if not path.is_dir():
            continue
        for entry in sorted(os.scandir(path), key=lambda e: e.name):
            if entry.is_file(follow_symlinks=False) and _SAFE_NAME.fullmatch(entry.name) and not _temporary(entry.name):
                found.append((f'{folder}/{entry.name}', Path(entry.path)))
    if files.is_dir():  # attachments: files/ab/abcdef... (chat/files.py)
        for bucket in sorted(os.scandir(files), key=lambda e: e.name):
            if not bucket.is_dir(follow_symlinks=False):
                continue
            for entry in sorted(os.scandir(bucket.path), key=lambda e: e.name):
                name = f'{bucket.name}/{entry.name}'
                if entry.is_file(follow_symlinks=False) and _FILE_NAME.fullmatch(name):
                    found.append((f'files/{name}', Path(entry.path)))
    return found


def _temporary(name: str) -> bool:
    """Files being written: media.write's `.part` files, NiceGUI's `.tmp` files (both renamed when complete)."""
    return name.endswith(('.part', '.tmp'))


def _write_archive(
    part: Path, manifest: Manifest, members: list[tuple[str, Path]], total: int, progress: Progress
) -> None:
    with tarfile.open(part, 'w:gz', compresslevel=6) as archive, progress.step('Writing the archive', total) as advance:
        data = manifest.to_json()
        archive.addfile(_info(MANIFEST, len(data), 0o644), io.BytesIO(data))
        for name, path in members:
            mode = 0o644 if name.startswith('media/') else 0o600
            if name == DATABASE:  # the copy: nobody else writes to it
                with path.open('rb') as handle:
                    size = os.fstat(handle.fileno()).st_size
                    archive.addfile(_info(name, size, mode), _Counting(handle, advance))
                continue
            try:  # small files, read at once: a file replaced meanwhile is archived whole, old or new
                data = path.read_bytes()
            except FileNotFoundError:  # a session file NiceGUI removed meanwhile: nothing to keep
                continue
            archive.addfile(_info(name, len(data), mode), io.BytesIO(data))
            advance(len(data))


def _info(name: str, size: int, mode: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, int(datetime.now(UTC).timestamp())
    return info


class _Counting(io.RawIOBase):
    """A file being archived that reports each chunk read (tarfile reads exactly `size` bytes)."""

    def __init__(self, handle: IO[bytes], advance: Advance) -> None:
        super().__init__()
        self.handle, self.advance = handle, advance

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.advance(len(data))
        return data


# --- restore --------------------------------------------------------------------------------------------------------


def restore(archive_path: Path, data_dir: Path, progress: Progress = QUIET) -> Restored:
    """Unpacks into a new folder beside `data_dir`, checks the database, then renames it into place: a failed restore
    leaves nothing behind."""
    data_dir = data_dir.resolve()
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(f'{data_dir} is not empty: restore only into a new or empty folder (nothing was changed).')
    if not archive_path.is_file():
        raise BackupError(f'No file at {archive_path}.')
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    work = data_dir.parent / f'.{data_dir.name}.restoring-{uuid.uuid4().hex[:8]}'
    work.mkdir(mode=0o700)
    try:
        manifest = _unpack(archive_path, work, progress)
        _check_database(work / DATABASE, manifest)
        if data_dir.exists():
            data_dir.rmdir()
        os.replace(work, data_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Restored(manifest, data_dir, _schema_notes(manifest.alembic_revision))


def read_manifest(archive_path: Path) -> Manifest:
    with _open(archive_path) as archive:
        first = archive.next()
        return _manifest_of(archive, first)


@contextlib.contextmanager
def _open(archive_path: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(archive_path, 'r:gz')  # noqa: SIM115 - closed below, after the error check
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f'{archive_path} is not a backup archive (a .tar.gz of `main.py backup`): {error}') from None
    with archive:
        yield archive


def _manifest_of(archive: tarfile.TarFile, first: tarfile.TarInfo | None) -> Manifest:
    if first is None or first.name != MANIFEST or not first.isfile() or first.size > 1024 * 1024:
        raise BackupError('The archive does not start with a backup manifest: it was not made by `main.py backup`.')
    handle = archive.extractfile(first)
    assert handle is not None
    return Manifest.from_json(handle.read())


def _unpack(archive_path: Path, work: Path, progress: Progress) -> Manifest:
    with _open(archive_path) as archive:
        manifest = _manifest_of(archive, archive.next())
        seen: set[str] = set()
        with progress.step('Unpacking the archive', manifest.bytes) as advance:
            try:
                while (member := archive.next()) is not None:  # on from the manifest: iterating starts over
                    target = work / _checked_name(member, seen)
                    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    source = archive.extractfile(member)
                    assert source is not None
                    with source, _create(target, member.mode & 0o777) as handle:
                        while chunk := source.read(_CHUNK):
                            handle.write(chunk)
                            advance(len(chunk))
            except (tarfile.TarError, EOFError, OSError) as error:
                raise BackupError(f'The archive is damaged or cut short ({error}).') from None
    if DATABASE not in seen:
        raise BackupError('The archive holds no database.')
    return manifest


def _checked_name(member: tarfile.TarInfo, seen: set[str]) -> str:
    """Only the names a backup writes: no paths outside the folder, links or devices, nothing twice."""
    name = member.name
    folder, _, rest = name.partition('/')
    pattern = _FILE_NAME if folder == 'files' else _SAFE_NAME
    valid = name in (DATABASE, SECRET) or (folder in FOLDERS and pattern.fullmatch(rest) is not None)
    if not valid or not member.isfile() or name in seen:
        raise BackupError(f'The archive holds an unexpected entry ({name!r}): it was not made by `main.py backup`.')
    seen.add(name)
    return name


def _create(path: Path, mode: int) -> IO[bytes]:
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode & 0o666), 'wb')


def _check_database(path: Path, manifest: Manifest) -> None:
    if _sha256(path) != manifest.database_sha256:
        raise BackupError('The database in the archive does not match its manifest: the archive is damaged.')
    db = sqlite3.connect(path)
    try:
        result = db.execute('PRAGMA integrity_check').fetchone()[0]
    finally:
        db.close()
    if result != 'ok':
        raise BackupError(f'The restored database failed its integrity check ({result}).')


def _schema_notes(revision: str) -> list[str]:
    """Whether the server here can open the restored schema (it upgrades an older one when it starts)."""
    from alembic.script import ScriptDirectory

    from storage.migrate import MIGRATIONS

    scripts = ScriptDirectory(str(MIGRATIONS))
    head = scripts.get_current_head()
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        return [
            f'The database is at schema revision {revision}, newer than this version of the app knows ({head}): '
            'run the version of the app that made the backup, or a newer one.'
        ]
    if revision != head:
        return [f'The database is at schema revision {revision}; the server upgrades it to {head} when it starts.']
    return []


# --- helpers --------------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
