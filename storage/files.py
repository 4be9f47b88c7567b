"""Attachments: their rows, and their bytes in the files folder, content-addressed (`files/ab/abcdef…`): a name is a
sha256 in hex, so no name can point outside the folder, and the same content is stored once."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from models import Attachment, Message, User

SHA_RE = re.compile(r'^[0-9a-f]{64}$')
THUMB_SUFFIX = '.thumb.webp'


def path_of(folder: Path, sha256: str, *, thumb: bool = False) -> Path:
    if not SHA_RE.fullmatch(sha256):
        raise ValueError('not a sha256')
    return folder / sha256[:2] / (sha256 + (THUMB_SUFFIX if thumb else ''))


def write(folder: Path, sha256: str, data: bytes, *, thumb: bool = False) -> bool:
    """Atomic write (a reader never sees half a file); False when the file was there already."""
    target = path_of(folder, sha256, thumb=thumb)
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix='.part')
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)
    os.replace(temporary, target)
    return True


def exists(folder: Path, sha256: str, *, thumb: bool = False) -> bool:
    return path_of(folder, sha256, thumb=thumb).is_file()


def remove(folder: Path, shas: list[str]) -> None:
    """The file and its thumbnail; gone already is fine."""
    for sha in shas:
        for thumb in (False, True):
            path_of(folder, sha, thumb=thumb).unlink(missing_ok=True)


def stale(folder: Path, before: float) -> dict[str, list[Path]]:
    """Files (and half-written `.part` files) last changed before `before` (a time stamp), by the sha they belong to
    (`''` for `.part` files): the candidates of a sweep, which keeps those an attachment still uses."""
    found: dict[str, list[Path]] = {}
    if not folder.is_dir():
        return found
    for bucket in os.scandir(folder):
        if not bucket.is_dir(follow_symlinks=False):
            continue
        for entry in os.scandir(bucket.path):
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime >= before:
                continue
            sha = '' if entry.name.endswith('.part') else entry.name.removesuffix(THUMB_SUFFIX)
            if sha and not SHA_RE.fullmatch(sha):
                continue
            found.setdefault(sha, []).append(Path(entry.path))
    return found


# --- rows ---------------------------------------------------------------------------------------------------------


def add(session: Session, attachment: Attachment) -> Attachment:
    session.add(attachment)
    session.commit()
    session.refresh(attachment)
    return attachment


def add_within_quota(session: Session, attachment: Attachment, since: datetime, quota: int) -> Attachment | None:
    """Stores the upload if the uploader's bytes since `since`, this one's included, stay within `quota`; None (and
    nothing stored) otherwise. The check and the row are one transaction begun by a write to the uploader's row, so
    two uploads of one person never both count the bytes before either is stored, on any instance: PostgreSQL holds
    that row locked until the commit, SQLite's one write lock is taken before the sum is read."""
    session.execute(update(User).where(col(User.id) == attachment.uploader_id).values(id=col(User.id)))
    if uploaded_since(session, attachment.uploader_id, since) + attachment.size > quota:
        session.rollback()
        return None
    return add(session, attachment)


def uploaded_since(session: Session, user_id: int, since: datetime) -> int:
    """Bytes the user uploaded since then (sent or not): what the daily quota counts."""
    query = select(func.coalesce(func.sum(Attachment.size), 0)).where(
        col(Attachment.uploader_id) == user_id, col(Attachment.created_at) >= since
    )
    return int(session.exec(query).one())


def unsent(session: Session, ids: list[str], user_id: int, room_id: int) -> list[Attachment]:
    """The user's own uploads for this room not sent yet, of these ids."""
    if not ids:
        return []
    query = select(Attachment).where(
        col(Attachment.id).in_(ids),
        col(Attachment.uploader_id) == user_id,
        col(Attachment.room_id) == room_id,
        col(Attachment.message_id).is_(None),
    )
    return list(session.exec(query))


def add_message(session: Session, message: Message, ids: list[str]) -> Message:
    """The message and its attachments in one transaction: both are stored, or neither."""
    session.add(message)
    session.flush()
    session.execute(update(Attachment).where(col(Attachment.id).in_(ids)).values(message_id=message.id))
    session.commit()
    return message


def for_messages(session: Session, message_ids: list[int]) -> dict[int, list[Attachment]]:
    if not message_ids:
        return {}
    query = select(Attachment).where(col(Attachment.message_id).in_(message_ids)).order_by(col(Attachment.created_at))
    found: dict[int, list[Attachment]] = {}
    for attachment in session.exec(query):
        found.setdefault(attachment.message_id, []).append(attachment)  # type: ignore[arg-type]
    return found


def readable(session: Session, attachment_id: str) -> tuple[Attachment, int | None] | None:
    """The attachment and the room it is to be read in (None: unsent, only its uploader sees it)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        return None
    if attachment.message_id is None:
        return attachment, None
    message = session.get(Message, attachment.message_id)
    if message is None or message.deleted_at is not None:
        return None
    return attachment, message.room_id


def remove_rows(session: Session, condition: object) -> list[str]:
    """Deletes the matching rows; returns the shas no other attachment uses any more (their files may go)."""
    shas = sorted(set(session.exec(select(Attachment.sha256).where(condition))))  # type: ignore[call-overload]
    if not shas:
        return []
    session.execute(delete(Attachment).where(condition))  # type: ignore[arg-type]
    session.commit()
    return unused(session, shas)


def unused(session: Session, shas: list[str]) -> list[str]:
    if not shas:
        return []
    used = set(session.exec(select(Attachment.sha256).where(col(Attachment.sha256).in_(shas)).distinct()))
    return [sha for sha in shas if sha not in used]


def remove_for_message(session: Session, message_id: int) -> list[str]:
    return remove_rows(session, col(Attachment.message_id) == message_id)


def remove_unsent_before(session: Session, before: datetime) -> list[str]:
    return remove_rows(session, (col(Attachment.message_id).is_(None)) & (col(Attachment.created_at) < before))
