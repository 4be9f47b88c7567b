"""Attachments, called on the service as pages do: checked by content, within limits, stored once per content,
re-encoded without metadata, sent with messages (live and in history), deleted with them, swept when never sent,
and downloaded only by readers of the room."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import update
from sqlmodel import Session, select

import chat.files
import storage.access
from chat.errors import InvalidInput, NotFound
from chat.events import MessagePosted, decode, encode
from chat.files import check, kind_of
from chat.hub import room_topic
from chat.services import Services
from chat.views import RoomView, UserView
from models import Attachment
from storage import files as file_queries
from tests.ui import images
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import Recorder, add_user, count_rows

LIMITS = {'max_bytes': 1024 * 1024, 'max_pixels': 10_000_000}


async def room_with(services: Services, *names: str) -> tuple[RoomView, list[UserView]]:
    users = [await add_user(services, name) for name in names]
    return await services.rooms.create(users[0], 'General'), users


def refused(data: bytes, name: str) -> str:
    with pytest.raises(InvalidInput) as info:
        check(data, name, **LIMITS)
    return info.value.key


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('[Content_Types].xml', '<Types/>')
        archive.writestr(part, '<x/>')
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new('RGB', (64, 48), 'orange')
    exif = Image.Exif()
    exif[0x010F] = 'SecretCam'
    exif[0x8825] = {2: (55.0, 45.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


# --- what a file is, by its content ----------------------------------------------------------------------------------


def test_allowed_kinds_are_told_by_content_not_by_name() -> None:
    assert check(b'%PDF-1.7\n...', 'notes.txt', **LIMITS).mime == 'application/pdf'
    assert check('Привет\nhello\t!'.encode(), 'readme', **LIMITS).mime == 'text/plain'
    assert check(office('word/document.xml'), 'a.zip', **LIMITS).mime.endswith('wordprocessingml.document')
    assert check(office('xl/workbook.xml'), 'a', **LIMITS).mime.endswith('spreadsheetml.sheet')
    assert check(office('other.txt'), 'a.docx', **LIMITS).mime == 'application/zip'
    png = check(images.png(30, 20), 'picture.bin', **LIMITS)
    assert (png.mime, png.width, png.height, png.name) == ('image/png', 30, 20, 'picture.png')


def test_files_that_are_not_what_they_claim_are_refused() -> None:
    assert refused(b'just some text, not a picture', 'photo.png') == 'file_not_image'
    executable = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff' + bytes(range(256))
    assert refused(executable, 'holiday.jpg') == 'file_not_image'
    assert refused(executable, 'setup.exe') == 'file_type'
    assert refused(b'\x7fELF\x02\x01\x01' + bytes(64), 'tool') == 'file_type'
    assert refused(b'text with a \x00 NUL', 'a.txt') == 'file_type'
    assert refused(images.truncated_png(), 'a.png') == 'file_not_image'
    assert kind_of(b'PK\x03\x04 not really a zip') is None


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    assert refused(images.bomb_png(), 'bomb.png') == 'file_too_many_pixels'
    assert refused(images.bomb_png(4000, 4000), 'bomb.png') == 'file_too_many_pixels'  # 16 MP > 10 MP


def test_exif_and_location_are_stripped_and_the_image_turned_upright() -> None:
    original = jpeg_with_gps()
    assert b'SecretCam' in original
    checked = check(original, 'IMG_1.JPG', **LIMITS)
    assert b'SecretCam' not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.format == 'JPEG' and not image.getexif() and 'exif' not in image.info
    upright = check(images.jpeg_with_orientation(), 'rotated.jpg', **LIMITS)
    assert (upright.width, upright.height) == (20, 40)  # orientation 6 applied, then dropped


def test_names_are_cleaned() -> None:
    assert chat.files.clean_name('../../etc/passwd') == 'passwd'
    assert chat.files.clean_name('C:\\Users\\a\\report\u202e.pdf') == 'report.pdf'
    assert chat.files.clean_name('...') == 'file'
    assert len(chat.files.clean_name('x' * 500 + '.pdf')) == 200


# --- limits -----------------------------------------------------------------------------------------------------------


async def test_size_limit_and_daily_quota(make_services: ServicesFactory) -> None:
    services = await make_services(max_file_bytes=4096, file_quota_bytes=10_000)
    room, (anna,) = await room_with(services, 'anna')
    with pytest.raises(InvalidInput, match='file_too_large') as info:
        await services.files.upload(anna, room.id, 'big.txt', b'a' * 4097)
    assert info.value.params['name'] == 'big.txt'
    for index in range(2):
        await services.files.upload(anna, room.id, f'{index}.txt', bytes([65 + index]) * 4000)
    with pytest.raises(InvalidInput, match='file_quota'):
        await services.files.upload(anna, room.id, 'third.txt', b'c' * 4000)
    # a day later the allowance is back
    await services.db.run(_age_uploads, timedelta(days=1, seconds=1))
    await services.files.upload(anna, room.id, 'third.txt', b'c' * 4000)


async def test_concurrent_uploads_stay_within_the_daily_quota(make_services: ServicesFactory) -> None:
    """Five uploads at once all pass the early check (nothing is stored yet): only the three that fit are kept, and
    the refused ones leave no file behind."""
    services = await make_services(max_file_bytes=4096, file_quota_bytes=10_000)
    room, (anna,) = await room_with(services, 'anna')
    uploads = [services.files.upload(anna, room.id, f'{i}.txt', bytes([65 + i]) * 3000) for i in range(5)]
    results = await asyncio.gather(*uploads, return_exceptions=True)
    kept = [r for r in results if not isinstance(r, BaseException)]
    assert len(kept) == 3
    assert all(isinstance(r, InvalidInput) and r.key == 'file_quota' for r in results if r not in kept)
    assert await count_rows(services, Attachment) == 3
    shas = {p.name for p in services.settings.files_path.rglob('*') if p.is_file()}
    assert len(shas) == 3


async def test_the_quota_is_checked_and_recorded_in_one_transaction(make_services: ServicesFactory) -> None:
    """What two instances do: rows stored at once from several database threads, each its own transaction."""
    services = await make_services()
    room, (anna,) = await room_with(services, 'anna')
    since = datetime.now(UTC) - timedelta(days=1)

    def row(index: int) -> Attachment:
        sha = hashlib.sha256(bytes([index])).hexdigest()
        return Attachment(
            id=f'quota{index}',
            room_id=room.id,
            uploader_id=anna.id,
            sha256=sha,
            name='a.txt',
            size=400,
            mime='text/plain',
        )

    stored = await asyncio.gather(
        *(services.db.run(file_queries.add_within_quota, row(i), since, 1000) for i in range(8))
    )
    assert len([s for s in stored if s is not None]) == 2
    assert await services.db.run(file_queries.uploaded_since, anna.id, since) == 800


def _age_uploads(session: Session, age: timedelta) -> None:
    session.execute(update(Attachment).values(created_at=datetime.now(UTC) - age))
    session.commit()


async def test_upload_needs_a_readable_room(services: Services) -> None:
    room, (anna,) = await room_with(services, 'anna')
    with pytest.raises(NotFound):
        await services.files.upload(anna, room.id + 99, 'a.txt', b'hello')


# --- storage: once per content, the thumbnail made once --------------------------------------------------------------


async def test_same_content_is_stored_once_and_its_thumbnail_made_once(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    made: list[str] = []
    original = Image.Image.thumbnail

    def counting(self: Image.Image, *args: object, **kwargs: object) -> None:
        made.append('thumb')
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, 'thumbnail', counting)
    first = await services.files.upload(anna, room.id, 'a.png', images.png(800, 600))
    second = await services.files.upload(boris, room.id, 'b.png', images.png(800, 600))
    assert first.id != second.id and made == ['thumb']
    rows = await services.db.run(lambda s: s.exec(select(Attachment)).all())
    (sha,) = {row.sha256 for row in rows}
    files = sorted(p.name for p in services.settings.files_path.rglob('*') if p.is_file())
    assert files == [sha, sha + '.thumb.webp']
    with Image.open(file_queries.path_of(services.settings.files_path, sha, thumb=True)) as thumb:
        assert thumb.format == 'WEBP' and max(thumb.size) == 320


# --- sending: live and in history ------------------------------------------------------------------------------------


async def test_files_go_with_a_message_live_and_in_history(services: Services, recorder: Recorder) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    picture = await services.files.upload(anna, room.id, 'cat.png', images.png())
    pdf = await services.files.upload(anna, room.id, 'report.pdf', b'%PDF-1.4 report')
    recorder.listen(services.hub, room_topic(room.id))
    message = await services.messages.post(anna, room.id, '', attachments=[picture.id, pdf.id])
    assert message.body == '' and message.attachments == (picture, pdf)
    (event,) = [e for e in recorder.of(room_topic(room.id)) if isinstance(e, MessagePosted)]
    assert decode(encode(event)) == event and event.message.attachments == (picture, pdf)
    (stored,) = await services.messages.history(room.id)
    assert stored.attachments == (picture, pdf)
    assert picture.image and not pdf.image and picture.width == 300
    # sent once only, and only by the uploader
    with pytest.raises(NotFound, match='file_gone'):
        await services.messages.post(anna, room.id, 'again', attachments=[picture.id])
    mine = await services.files.upload(anna, room.id, 'x.txt', b'x')
    with pytest.raises(NotFound, match='file_gone'):
        await services.messages.post(boris, room.id, 'not mine', attachments=[mine.id])
    # an empty message still needs a file
    with pytest.raises(InvalidInput, match='message_empty'):
        await services.messages.post(anna, room.id, '   ')


async def test_files_per_message_are_limited(make_services: ServicesFactory) -> None:
    services = await make_services(max_files_per_message=2)
    room, (anna,) = await room_with(services, 'anna')
    ids = [(await services.files.upload(anna, room.id, f'{i}.txt', str(i).encode())).id for i in range(3)]
    with pytest.raises(InvalidInput, match='files_too_many'):
        await services.messages.post(anna, room.id, 'three', attachments=ids)
    assert await count_rows(services, Attachment) == 3


# --- deleting and sweeping --------------------------------------------------------------------------------------------


async def test_deleting_a_message_deletes_its_files_once_unused(services: Services) -> None:
    room, (anna,) = await room_with(services, 'anna')
    folder = services.settings.files_path
    one = await services.files.upload(anna, room.id, 'a.txt', b'shared content')
    two = await services.files.upload(anna, room.id, 'b.txt', b'shared content')
    first = await services.messages.post(anna, room.id, 'first', attachments=[one.id])
    second = await services.messages.post(anna, room.id, 'second', attachments=[two.id])
    files = [p for p in folder.rglob('*') if p.is_file()]
    assert len(files) == 1
    await services.messages.delete(anna, room.id, first.id)
    assert await count_rows(services, Attachment) == 1 and files[0].exists()  # still used by the second message
    with pytest.raises(NotFound):
        await services.files.download(anna, one.id)
    await services.messages.delete(anna, room.id, second.id)
    assert await count_rows(services, Attachment) == 0 and not files[0].exists()
    history = await services.messages.history(room.id)
    assert all(m.attachments == () for m in history)


async def test_the_sweep_removes_uploads_never_sent(make_services: ServicesFactory) -> None:
    services = await make_services(upload_orphan_age=60)
    room, (anna,) = await room_with(services, 'anna')
    sent = await services.files.upload(anna, room.id, 'sent.png', images.png(50, 50, 'red'))
    await services.messages.post(anna, room.id, 'here', attachments=[sent.id])
    await services.files.upload(anna, room.id, 'recent.txt', b'recent')
    await services.db.run(_age_uploads, timedelta(seconds=120))  # every upload is old now...
    fresh = await services.files.upload(anna, room.id, 'fresh.txt', b'fresh')  # ...but this one
    assert await services.files.sweep() == 1  # 'recent.txt' (never sent)
    left = await services.db.run(lambda s: {a.name for a in s.exec(select(Attachment))})
    assert left == {'sent.png', 'fresh.txt'}
    names = {p.name for p in services.settings.files_path.rglob('*') if p.is_file()}
    assert len(names) == 3  # the sent image, its thumbnail, the fresh text
    assert fresh.id


# --- downloads: readers of the room only -----------------------------------------------------------------------------


async def test_downloads_only_for_readers_of_the_room(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    picture = await services.files.upload(anna, room.id, 'cat.png', images.png())
    pdf = await services.files.upload(anna, room.id, 'r.pdf', b'%PDF-1.4 x')
    # not sent yet: the uploader only
    assert (await services.files.download(anna, picture.id)).inline
    with pytest.raises(NotFound):
        await services.files.download(boris, picture.id)
    await services.messages.post(anna, room.id, 'look', attachments=[picture.id, pdf.id])
    full = await services.files.download(boris, picture.id)
    thumb = await services.files.download(boris, picture.id, thumb=True)
    assert full.inline and full.mime == 'image/png' and thumb.mime == 'image/webp' and thumb.path != full.path
    document = await services.files.download(boris, pdf.id)
    assert not document.inline and document.mime == 'application/pdf' and document.name == 'r.pdf'
    with pytest.raises(NotFound):
        await services.files.download(boris, pdf.id, thumb=True)
    with pytest.raises(NotFound):
        await services.files.download(boris, 'no-such-id')

    asked: list[tuple[int, int]] = []

    def nobody(session: object, user_id: int, room_id: int) -> bool:  # the room turned private, say
        asked.append((user_id, room_id))
        return False

    monkeypatch.setattr(storage.access, 'may_read', nobody)
    with pytest.raises(NotFound):
        await services.files.download(boris, picture.id)
    assert asked == [(boris.id, room.id)]


async def test_the_sweep_removes_files_of_a_deleted_room(make_services: ServicesFactory) -> None:
    services = await make_services(upload_orphan_age=60)
    room, (anna,) = await room_with(services, 'anna')
    kept_room = await services.rooms.create(anna, 'Kept')
    gone = await services.files.upload(anna, room.id, 'gone.png', images.png(40, 40, 'blue'))
    kept = await services.files.upload(anna, kept_room.id, 'kept.txt', b'kept')
    await services.messages.post(anna, room.id, 'x', attachments=[gone.id])
    await services.messages.post(anna, kept_room.id, 'y', attachments=[kept.id])
    await services.rooms.delete(anna, room.id)  # its attachments' rows go by cascade
    folder = services.settings.files_path
    files = [p for p in folder.rglob('*') if p.is_file()]
    assert len(files) == 3  # the image, its thumbnail, the text
    assert await services.files.sweep() == 0  # too new to tell from an upload under way
    old = time.time() - 120
    for path in files:
        os.utime(path, (old, old))
    (folder / 'ab').mkdir(exist_ok=True)
    half = folder / 'ab' / 'tmp123.part'
    half.write_bytes(b'cut short')
    os.utime(half, (old, old))
    assert await services.files.sweep() == 1
    assert [p.name for p in folder.rglob('*') if p.is_file()] == [file_queries.path_of(folder, _sha(b'kept')).name]
    assert (await services.files.download(anna, kept.id)).path.read_bytes() == b'kept'


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_a_private_rooms_files_reach_its_members_only(services: Services) -> None:
    """The real rule, no stand-in: a non-member of a private room can neither upload to it nor fetch its files."""
    room, (anna, boris) = await room_with(services, 'anna', 'boris')
    vera = await add_user(services, 'vera')
    await services.rooms.update_settings(anna, room.id, '', True)
    await services.invites.add_member(anna, room.id, 'boris')
    picture = await services.files.upload(anna, room.id, 'cat.png', images.png())
    await services.messages.post(anna, room.id, 'look', attachments=[picture.id])
    assert (await services.files.download(boris, picture.id)).inline
    with pytest.raises(NotFound):
        await services.files.download(vera, picture.id)
    with pytest.raises(NotFound):
        await services.files.download(vera, picture.id, thumb=True)
    with pytest.raises(NotFound):
        await services.files.upload(vera, room.id, 'mine.png', images.png())
