"""Real image files for upload tests, made with Pillow (and one hand-crafted decompression bomb)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def png(width: int = 300, height: int = 200, colour: str = 'green') -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', (width, height), colour).save(buffer, 'PNG')
    return buffer.getvalue()


def jpeg_with_orientation() -> bytes:
    """40×20: left half red, right half blue, EXIF orientation 6 (shown rotated 90° clockwise)."""
    image = Image.new('RGB', (40, 20), 'red')
    image.paste(Image.new('RGB', (20, 20), 'blue'), (20, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = 'SecretCam'  # camera make: metadata that must not survive
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


def truncated_png() -> bytes:
    data = png(400, 400, 'purple')
    return data[: len(data) // 2]


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares a huge image."""
    data = bytearray(png(1, 1))
    ihdr_start = 8 + 8  # signature, then chunk length + type
    data[ihdr_start : ihdr_start + 8] = struct.pack('>II', width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr_start + 13]))
    data[ihdr_start + 13 : ihdr_start + 17] = struct.pack('>I', crc)
    return bytes(data)
