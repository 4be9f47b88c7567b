"""Avatars: generated defaults, and uploads checked on the server (size, format, pixels) and re-encoded."""

from __future__ import annotations

import asyncio
import io
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

import chat.accounts
from chat.avatars import content_name, default_avatar_png, initials, process_upload
from chat.errors import InvalidInput, NotAuthenticated
from chat.events import ProfileChanged
from chat.hub import PROFILES, user_topic
from chat.services import Services
from chat.views import UserView
from tests.unit.helpers import Recorder, add_user

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {'max_bytes': 5 * 1024 * 1024, 'max_pixels': 25_000_000}


def image_bytes(size: tuple[int, int] = (300, 200), image_format: str = 'PNG', **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', size, (200, 30, 30)).save(buffer, image_format, **save)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size in its header but carries almost no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))

    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b'\0' * 16)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', pixels) + chunk(b'IEND', b'')


def refused(data: bytes, **limits: int) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        process_upload(data, **(LIMITS | limits))
    return info.value


def test_initials() -> None:
    assert initials('anna_smith') == 'AS'
    assert initials('boris') == 'B'
    assert initials('Анна Петрова Иванова') == 'АП'
    assert initials('x.y-z') == 'XY'
    assert initials('___') == '_'


def test_default_avatar_is_a_square_png_per_username() -> None:
    data = default_avatar_png('anna')
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ('PNG', (256, 256))
    assert default_avatar_png('anna') == data
    assert default_avatar_png('boris') != data


@pytest.mark.parametrize('image_format', ['PNG', 'JPEG', 'WEBP', 'GIF'])
def test_accepted_formats_are_reencoded_as_square_webp(image_format: str) -> None:
    out = Image.open(io.BytesIO(process_upload(image_bytes((300, 200), image_format), **LIMITS)))
    assert (out.format, out.size) == ('WEBP', (256, 256))


def test_metadata_is_stripped_and_orientation_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: shown turned by 90 degrees
    exif[0x010F] = 'SecretCam'
    source = image_bytes((400, 100), 'JPEG', exif=exif.tobytes())
    assert b'SecretCam' in source
    result = process_upload(source, **LIMITS)
    assert b'SecretCam' not in result
    assert not Image.open(io.BytesIO(result)).getexif()


def test_size_limit() -> None:
    data = image_bytes((50, 50))
    assert process_upload(data, max_bytes=len(data), max_pixels=25_000_000)
    error = refused(data, max_bytes=len(data) - 1)
    assert error.key == 'avatar_too_large'


@pytest.mark.parametrize(
    'data',
    [
        b'',
        b'not an image at all',
        b'\x89PNG\r\n\x1a\n' + b'\0' * 40,
        image_bytes()[:200],
        b'<svg onload=alert(1)></svg>',
    ],
)
def test_not_an_image(data: bytes) -> None:
    assert refused(data).key == 'avatar_not_image'


@pytest.mark.parametrize('image_format', ['BMP', 'TIFF', 'ICO'])
def test_other_formats_are_refused(image_format: str) -> None:
    assert refused(image_bytes((64, 64), image_format)).key == 'avatar_format'


def test_pixel_limit_is_checked_from_the_header_before_decoding() -> None:
    data = image_bytes((100, 100))
    assert process_upload(data, max_bytes=LIMITS['max_bytes'], max_pixels=10_000)
    error = refused(data, max_pixels=9_999)
    assert (error.key, error.params) == ('avatar_too_many_pixels', {'pixels': 9_999})
    bomb = png_header_only(100_000, 100_000)  # 10 gigapixels declared in a few bytes
    assert len(bomb) < 100
    assert refused(bomb).key == 'avatar_too_many_pixels'


# --- the service --------------------------------------------------------------------------------------------------


async def test_upload_stores_by_content_hash_and_tells_everyone(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    recorder.listen(services.hub, user_topic(anna.id), PROFILES)
    updated = await services.accounts.upload_avatar(anna, image_bytes())
    assert updated.avatar is not None and updated.avatar.endswith('.webp')
    stored = services.settings.media_path / updated.avatar
    assert content_name(stored.read_bytes()) == updated.avatar
    assert updated.avatar_url == f'/media/{updated.avatar}'
    assert (await services.accounts.get(anna.id)).avatar == updated.avatar
    assert recorder.of(user_topic(anna.id)) == recorder.of(PROFILES) == [ProfileChanged(updated)]
    again = await services.accounts.upload_avatar(updated, image_bytes())
    assert again.avatar == updated.avatar
    assert len(list(services.settings.media_path.iterdir())) == 1
    removed = await services.accounts.remove_avatar(again)
    assert removed.avatar is None and removed.avatar_url == '/avatars/default/anna.png'


async def test_refused_uploads_store_nothing(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    recorder.listen(services.hub, user_topic(anna.id), PROFILES)
    for data in [b'junk', image_bytes((64, 64), 'BMP'), png_header_only(100_000, 100_000)]:
        with pytest.raises(InvalidInput):
            await services.accounts.upload_avatar(anna, data)
    renewed = await services.accounts.set_password_admin('anna', 'another-password')
    with pytest.raises(NotAuthenticated):
        await services.accounts.upload_avatar(anna, image_bytes())
    assert (await services.accounts.get(anna.id)).avatar is None
    assert recorder.total() == 0
    media = services.settings.media_path
    assert not media.exists() or not list(media.iterdir())
    assert renewed.session_version == 1


def test_default_avatar_url_quotes_the_username() -> None:
    assert UserView(1, 'a.b-c_d', 'x').avatar_url == '/avatars/default/a.b-c_d.png'


# --- memory -------------------------------------------------------------------------------------------------------

_PEAK_OF_ONE_DECODE = """
import sys
from chat.avatars import process_upload

def high_water_mark() -> int:  # VmHWM starts anew at exec (ru_maxrss would carry the parent's)
    with open('/proc/self/status') as status:
        return next(int(line.split()[1]) for line in status if line.startswith('VmHWM')) * 1024

data = sys.stdin.buffer.read()
before = high_water_mark()
process_upload(data, max_bytes=len(data), max_pixels=int(sys.argv[1]))
print(high_water_mark() - before)
"""


def peak_of_one_decode(data: bytes, max_pixels: int) -> int:
    """Bytes the resident memory of a fresh process rose by while it processed `data`."""
    result = subprocess.run(
        [sys.executable, '-c', _PEAK_OF_ONE_DECODE, str(max_pixels)],
        input=data,
        capture_output=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return int(result.stdout)


@pytest.mark.parametrize(
    ('image_format', 'mode', 'size'),
    [
        ('PNG', 'RGBA', (4000, 4000)),  # 16 MP: one full-size RGBA buffer is 64 MB
        ('GIF', 'P', (4000, 4000)),
        ('JPEG', 'RGB', (4000, 4000)),
        ('WEBP', 'RGBA', (2000, 2000)),  # a quarter of the limit: libwebp and Pillow hold three full-size buffers
    ],
)
def test_one_decode_holds_at_most_one_full_size_copy(image_format: str, mode: str, size: tuple[int, int]) -> None:
    """The worst case per format at the pixel limit: a tiny file that decodes to a large, uniform image. Before,
    exif_transpose, convert and crop each copied the full-size image (PNG: +190 MB, JPEG: +133 MB)."""
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, image_format, **({'lossless': True} if image_format == 'WEBP' else {}))
    data = buffer.getvalue()
    assert len(data) < 500_000
    full_size = 16_000_000 * 4  # RGBA (and RGB) take 4 bytes per pixel in Pillow
    peak = peak_of_one_decode(data, max_pixels=16_000_000)
    assert peak < full_size * 1.25, f'{image_format}: +{peak / 2**20:.0f} MB for one decode'
    if image_format in ('JPEG', 'GIF'):  # decoded at 1/8 scale; a palette image is a quarter of RGBA
        assert peak < full_size * 0.4, f'{image_format}: +{peak / 2**20:.0f} MB for one decode'


def test_webp_may_have_a_quarter_of_the_pixel_limit() -> None:
    data = image_bytes((100, 100), 'WEBP')
    assert process_upload(data, max_bytes=LIMITS['max_bytes'], max_pixels=40_000)
    error = refused(data, max_pixels=39_999)
    assert (error.key, error.params) == ('avatar_too_many_pixels', {'pixels': 9_999})


async def test_uploads_decode_one_image_at_a_time(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight concurrent uploads of images declaring 25 megapixels took the server from 128 MB to 1.3 GB: each
    decode holds its full-size image, so decodes take turns."""
    running, most = 0, 0
    lock = threading.Lock()

    def counting(data: bytes, **limits: int) -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)
            return process_upload(data, **limits)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(chat.accounts, 'process_upload', counting)
    users = [await add_user(services, f'user{index}') for index in range(8)]
    updated = await asyncio.gather(
        *(services.accounts.upload_avatar(user, image_bytes((300 + index, 200))) for index, user in enumerate(users))
    )
    assert all(user.avatar for user in updated)
    assert most == 1, f'{most} images were decoded at once'
