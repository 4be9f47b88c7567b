"""Avatar images: the generated default (initials on a colour from the username) and checked uploads."""

from __future__ import annotations

import colorsys
import hashlib
import io
import warnings
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZE = 256


def _colour(username: str) -> tuple[int, int, int]:
    hue = int.from_bytes(hashlib.sha256(username.lower().encode()).digest()[:2], 'big') / 65535
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.55)
    return int(r * 255), int(g * 255), int(b * 255)


def initials(name: str) -> str:
    parts = [p for p in name.replace('_', ' ').replace('.', ' ').replace('-', ' ').split() if p]
    letters = ''.join(p[0] for p in parts[:2]) or name[:1]
    return letters.upper()


@lru_cache(maxsize=2048)
def default_avatar_png(username: str) -> bytes:
    image = Image.new('RGB', (SIZE, SIZE), _colour(username))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=110)
    text = initials(username)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    position = ((SIZE - (right - left)) / 2 - left, (SIZE - (bottom - top)) / 2 - top)
    draw.text(position, text, fill='white', font=font)
    buffer = io.BytesIO()
    image.save(buffer, 'PNG', optimize=True)
    return buffer.getvalue()


ACCEPTED_FORMATS = {'PNG', 'JPEG', 'WEBP', 'GIF'}


def process_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> bytes:
    """Checks an uploaded image and re-encodes it: EXIF-rotated, metadata stripped, square, 256×256 WebP.

    Refuses (never just warns) anything that is not one of the accepted formats, is truncated, or declares more
    pixels than `max_pixels` (checked from the header, before any pixel is decoded).
    """
    from chat.errors import InvalidInput

    if len(data) > max_bytes:
        raise InvalidInput('avatar_too_large', mb=round(max_bytes / 1024 / 1024, 1))
    if not data:
        raise InvalidInput('avatar_not_image')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidInput('avatar_format')
            width, height = image.size
            if width * height > max_pixels or width <= 0 or height <= 0:
                raise InvalidInput('avatar_too_many_pixels', pixels=max_pixels)
            image.load()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput('avatar_too_many_pixels', pixels=max_pixels) from None
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError, EOFError):
        raise InvalidInput('avatar_not_image') from None
    image = ImageOps.exif_transpose(image)
    image = image.convert('RGBA' if image.mode in ('RGBA', 'LA', 'P') else 'RGB')
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side)).resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    clean = Image.new(square.mode, square.size)  # a fresh image: no EXIF, ICC or text chunks survive
    clean.paste(square)
    buffer = io.BytesIO()
    clean.save(buffer, 'WEBP', quality=85, method=4)
    return buffer.getvalue()


def content_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + '.webp'
