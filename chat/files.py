"""Files attached to messages: checked by content, stored once per content, served only to who may read the room.

What is accepted is decided from the bytes, never from the file's name or the type the browser claims:

- images (PNG, JPEG, WebP, GIF): opened by Pillow, with the avatars' protections (pixels checked from the header
  before any is decoded, one decode at a time, JPEG draft decoding for the thumbnail), then re-encoded from the
  pixels alone, so no EXIF (location), ICC or text chunk survives; a GIF becomes a PNG of its first frame. A
  320-pixel WebP thumbnail is made once per content.
- PDF (`%PDF-`), ZIP (`PK\\x03\\x04`), and the office formats built on ZIP (docx, xlsx, pptx, odt, ods, odp: told
  apart by their parts' names), plain UTF-8 text (no NUL or other control characters but tab, line breaks and form
  feed). Served with `Content-Disposition: attachment`, never shown by the browser.
- Anything else is refused, and so is a file named like an image (.png, .jpg…) that is not one.

Uploads are rows with no message until sent; `sweep` deletes those older than `upload_orphan_age`. A file's bytes
go once no attachment uses its sha256 any more.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import secrets
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlmodel import Session

from chat.accounts import check_actor
from chat.avatars import _ORIENTATION
from chat.errors import InvalidInput, NotFound, Unavailable
from chat.i18n import Bytes, Pixels
from chat.settings import Settings
from chat.tasks import in_turn
from chat.views import AttachmentView, UserView
from models import Attachment
from storage import access
from storage import files as file_queries
from storage.db import Database

log = logging.getLogger(__name__)

THUMB_SIZE = 320
DECODES_AT_ONCE = 1  # a decode holds the full image: one at a time (as avatars)
IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.jpe', '.webp', '.gif')
# re-encoded as: Pillow format, MIME type, extension
_IMAGE_OUTPUT = {
    'PNG': ('PNG', 'image/png', '.png'),
    'JPEG': ('JPEG', 'image/jpeg', '.jpg'),
    'WEBP': ('WEBP', 'image/webp', '.webp'),
    'GIF': ('PNG', 'image/png', '.png'),
}
SAFE_IMAGE_TYPES = frozenset({'image/png', 'image/jpeg', 'image/webp'})  # shown inline; everything else downloads
_OFFICE_PARTS = {
    'word/document.xml': ('application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    'xl/workbook.xml': ('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    'ppt/presentation.xml': ('application/vnd.openxmlformats-officedocument.presentationml.presentation'),
}
_ODF_TYPES = {
    b'application/vnd.oasis.opendocument.text',
    b'application/vnd.oasis.opendocument.spreadsheet',
    b'application/vnd.oasis.opendocument.presentation',
}
_TEXT_CONTROLS = {9, 10, 12, 13}


@dataclass(frozen=True, slots=True)
class Checked:
    """What an upload turned out to be, ready to store."""

    data: bytes
    sha256: str
    mime: str
    name: str
    width: int | None = None
    height: int | None = None
    thumb: bytes | None = None


@dataclass(frozen=True, slots=True)
class Download:
    """A file a reader may fetch: where it is and how to send it."""

    path: Path
    name: str
    mime: str
    inline: bool  # a re-encoded image: shown by the browser; anything else: `Content-Disposition: attachment`


def clean_name(name: str) -> str:
    """The last part of the name the browser sent, without control characters, at most 200 characters."""
    name = name.replace('\\', '/').rsplit('/', 1)[-1]
    name = ''.join(c for c in unicodedata.normalize('NFC', name) if unicodedata.category(c)[0] != 'C').strip()
    name = name.lstrip('.') or 'file'
    if len(name) > 200:
        stem, dot, extension = name.rpartition('.')
        name = (stem[: 200 - len(extension) - 1] + dot + extension) if dot and len(extension) < 12 else name[:200]
    return name


def kind_of(data: bytes) -> str | None:
    """The MIME type of an allowed non-image file, from its bytes; None when not allowed."""
    if data.startswith(b'%PDF-'):
        return 'application/pdf'
    if data.startswith((b'PK\x03\x04', b'PK\x05\x06')):
        return _zip_kind(data)
    if _is_text(data):
        return 'text/plain'
    return None


def _zip_kind(data: bytes) -> str | None:
    """An office document is a ZIP with known parts: only the directory is read, nothing is unpacked (but ODF's
    few-byte `mimetype`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            for part, mime in _OFFICE_PARTS.items():
                if part in names:
                    return mime
            if 'mimetype' in names and archive.getinfo('mimetype').file_size < 100:
                kind = archive.read('mimetype').strip()
                if kind in _ODF_TYPES:
                    return kind.decode()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, EOFError):
        return None
    return 'application/zip'


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and ord(c) not in _TEXT_CONTROLS for c in text) and '\x7f' not in text


def looks_like_image(data: bytes) -> bool:
    return data.startswith((b'\x89PNG', b'\xff\xd8\xff', b'GIF8')) or (data[:4] == b'RIFF' and data[8:12] == b'WEBP')


def check(
    data: bytes, name: str, *, max_bytes: int, max_pixels: int, need_thumb: Callable[[str], bool] = lambda sha: True
) -> Checked:
    """Decides what the upload is from its bytes and re-encodes images (runs in a worker thread)."""
    if len(data) > max_bytes:
        raise InvalidInput('file_too_large', name=name, size=Bytes(max_bytes))
    if not data:
        raise InvalidInput('file_empty', name=name)
    claims_image = name.lower().endswith(IMAGE_EXTENSIONS)
    if looks_like_image(data) or claims_image:
        return _image(data, name, max_pixels, need_thumb)
    mime = kind_of(data)
    if mime is None:
        raise InvalidInput('file_type', name=name)
    return Checked(data, hashlib.sha256(data).hexdigest(), mime, name)


def _image(data: bytes, name: str, max_pixels: int, need_thumb: Callable[[str], bool]) -> Checked:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            source = image.format
            if source not in _IMAGE_OUTPUT:
                raise InvalidInput('file_not_image', name=name)
            width, height = image.size
            limit = max_pixels // 4 if source == 'WEBP' else max_pixels
            if width * height > limit or width <= 0 or height <= 0:
                raise InvalidInput('file_too_many_pixels', name=name, pixels=Pixels(limit))
            orientation = image.getexif().get(0x0112)
            image.load()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput('file_too_many_pixels', name=name, pixels=Pixels(max_pixels)) from None
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError, EOFError):
        raise InvalidInput('file_not_image', name=name) from None
    output, mime, extension = _IMAGE_OUTPUT[source]
    # the pixels alone, upright, in a fresh image: no EXIF (location, camera), ICC profile or text chunk survives. At
    # most two full-size copies at once (a conversion's source and result, or the result and the fresh image): about
    # 150 MB for an RGB image at the default 24-megapixel limit, and one image is decoded at a time
    alpha = image.mode in ('RGBA', 'LA', 'PA') or (image.mode == 'P' and 'transparency' in image.info)
    mode = 'RGBA' if alpha and output != 'JPEG' else 'RGB'
    try:
        if image.mode != mode:
            image = image.convert(mode)
        if orientation in _ORIENTATION:
            image = image.transpose(_ORIENTATION[orientation])
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
    except (OSError, ValueError):  # a mode Pillow cannot convert (a rare 16-bit or CMYK variant)
        raise InvalidInput('file_not_image', name=name) from None
    del image
    buffer = io.BytesIO()
    if output == 'JPEG':
        clean.save(buffer, 'JPEG', quality=90)
    elif output == 'WEBP':
        clean.save(buffer, 'WEBP', quality=90, method=4)
    else:
        clean.save(buffer, 'PNG', optimize=False)
    encoded = buffer.getvalue()
    sha = hashlib.sha256(encoded).hexdigest()
    stem = name.rsplit('.', 1)[0] if '.' in name else name
    width, height = clean.size
    thumb = None
    if need_thumb(sha):  # made once per content: a second upload of the same picture finds it
        clean.thumbnail((THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS, reducing_gap=2.0)
        thumb_buffer = io.BytesIO()
        clean.save(thumb_buffer, 'WEBP', quality=80, method=4)
        thumb = thumb_buffer.getvalue()
    return Checked(encoded, sha, mime, stem + extension, width, height, thumb)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def to_view(attachment: Attachment) -> AttachmentView:
    return AttachmentView(
        attachment.id, attachment.name, attachment.size, attachment.mime, attachment.width, attachment.height
    )


def described(attachment: Attachment) -> dict[str, object]:
    """A file sent with a message as an export lists it, never its bytes: `path` is where the app serves it, to a
    signed-in reader of its room only (`Files.download`)."""
    view = to_view(attachment)
    return {'name': view.name, 'size': view.size, 'mime': view.mime, 'path': view.url}


class Files:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self.folder = settings.files_path
        self._decoding = asyncio.Semaphore(DECODES_AT_ONCE)
        self._disk = asyncio.Lock()  # a row stored with its file, a file removed once unused: one at a time here

    async def upload(self, actor: UserView, room_id: int, name: str, data: bytes) -> AttachmentView:
        """Checks the file by its content and within the limits, stores it, and returns the attachment to send with
        a message. Refusals name the file and the rule, in the uploader's language (InvalidInput)."""
        name = clean_name(name)
        settings = self.settings

        over_quota = InvalidInput('file_quota', name=name, size=Bytes(settings.file_quota_bytes))

        def admit(session: Session) -> None:  # refused early, before any decoding; counted again when stored
            check_actor(session, actor)
            if not access.may_read(session, actor.id, room_id):
                raise NotFound('room_not_found')
            used = file_queries.uploaded_since(session, actor.id, datetime.now(UTC) - timedelta(days=1))
            if used + len(data) > settings.file_quota_bytes:
                raise over_quota

        if len(data) > settings.max_file_bytes:  # before any database work
            raise InvalidInput('file_too_large', name=name, size=Bytes(settings.max_file_bytes))
        await self.db.run(admit)
        checked = await self._check(data, name)
        attachment = Attachment(
            id=secrets.token_urlsafe(16),
            room_id=room_id,
            uploader_id=actor.id,
            sha256=checked.sha256,
            name=checked.name,
            size=len(checked.data),
            mime=checked.mime,
            width=checked.width,
            height=checked.height,
        )
        since = datetime.now(UTC) - timedelta(days=1)
        async with self._disk:
            try:
                await asyncio.to_thread(self._write, checked)
                # the quota checked and the row stored in one transaction: uploads under way at once (on any
                # instance) all passed `admit`, and only those within the allowance are kept
                stored = await self.db.run(file_queries.add_within_quota, attachment, since, settings.file_quota_bytes)
                if stored is None:
                    unused = await self.db.run(file_queries.unused, [checked.sha256])
                    await asyncio.to_thread(file_queries.remove, self.folder, unused)
            except OSError as error:
                log.warning('storing an attachment failed: %s', error.__class__.__name__)
                raise Unavailable('file_not_stored', name=name) from None
        if stored is None:
            raise over_quota
        return to_view(stored)

    def _write(self, checked: Checked) -> None:
        file_queries.write(self.folder, checked.sha256, checked.data)
        if checked.thumb is not None:
            file_queries.write(self.folder, checked.sha256, checked.thumb, thumb=True)

    async def _check(self, data: bytes, name: str) -> Checked:
        """`check` in a worker thread, one at a time; the thumbnail is made only when its content has none yet."""
        return await in_turn(self._decoding, lambda: self._check_sync(data, name))

    def _check_sync(self, data: bytes, name: str) -> Checked:
        return check(
            data,
            name,
            max_bytes=self.settings.max_file_bytes,
            max_pixels=self.settings.max_file_pixels,
            need_thumb=lambda sha: not file_queries.exists(self.folder, sha, thumb=True),
        )

    async def download(self, actor: UserView, attachment_id: str, *, thumb: bool = False) -> Download:
        """The file, for a reader of its room (an unsent upload: for its uploader only). NotFound for everything
        else, the same answer whether it exists or not."""

        def work(session: Session) -> tuple[Attachment, bool]:
            check_actor(session, actor)
            found = file_queries.readable(session, attachment_id)
            if found is None:
                raise NotFound('file_not_found')
            attachment, room_id = found
            if room_id is None:
                allowed = attachment.uploader_id == actor.id
            else:
                allowed = access.may_read(session, actor.id, room_id)
            return attachment, allowed

        if not attachment_id or len(attachment_id) > 32:
            raise NotFound('file_not_found')
        attachment, allowed = await self.db.run(work)
        if not allowed:
            raise NotFound('file_not_found')
        image = attachment.mime in SAFE_IMAGE_TYPES and attachment.width is not None
        if thumb and not image:
            raise NotFound('file_not_found')
        path = file_queries.path_of(self.folder, attachment.sha256, thumb=thumb)
        if not await asyncio.to_thread(path.is_file):
            raise NotFound('file_not_found')
        return Download(path, attachment.name, 'image/webp' if thumb else attachment.mime, image)

    async def discard(self, shas: list[str]) -> None:
        """Removes the files of these shas unless an attachment uses them again by now."""
        if not shas:
            return
        async with self._disk:
            unused = await self.db.run(file_queries.unused, shas)
            await asyncio.to_thread(file_queries.remove, self.folder, unused)

    async def sweep(self) -> int:
        """Deletes uploads never sent within `upload_orphan_age` and their files once unused, then files no
        attachment uses that are older than that (a deleted room's: its rows went with it by cascade; a write cut
        short). Returns how many contents went."""
        age = self.settings.upload_orphan_age
        before = datetime.now(UTC) - timedelta(seconds=age)
        shas = await self.db.run(file_queries.remove_unsent_before, before)
        await self.discard(shas)
        stale = await asyncio.to_thread(file_queries.stale, self.folder, time.time() - age)
        halves = stale.pop('', [])
        async with self._disk:
            unused = await self.db.run(file_queries.unused, sorted(stale)) if stale else []
            await asyncio.to_thread(_unlink, [*halves, *(path for sha in unused for path in stale[sha])])
        return len(set(shas) | set(unused))
