"""Avatar images: the generated default (initials on a colour from the username) and checked uploads."""

from __future__ import annotations

import colorsys
import hashlib
import io
import warnings
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

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


# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose does)
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def process_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> bytes:
    """Checks an uploaded image and re-encodes it: EXIF-rotated, metadata stripped, square, 256×256 WebP.

    Refuses (never just warns) anything that is not one of the accepted formats, is truncated, or declares more
    pixels than `max_pixels` (checked from the header, before any pixel is decoded).

    Memory: the decoded image is the only full-size copy (exif_transpose, convert and crop each used to copy it).
    A JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers 256×256 (`draft`); other formats are decoded
    whole, then the centred square is scaled down to at most 2×256 before the mode conversion and the final
    high-quality resize, and the orientation is applied at 256×256. Pillow decodes a WebP through two more full-size
    buffers (libwebp's and a raw copy), so a WebP may have a quarter of `max_pixels`.
    """
    from chat.errors import InvalidInput
    from chat.i18n import Bytes, Pixels

    if len(data) > max_bytes:
        raise InvalidInput('avatar_too_large', size=Bytes(max_bytes))
    if not data:
        raise InvalidInput('avatar_not_image')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidInput('avatar_format')
            width, height = image.size
            limit = max_pixels // 4 if image.format == 'WEBP' else max_pixels
            if width * height > limit or width <= 0 or height <= 0:
                raise InvalidInput('avatar_too_many_pixels', pixels=Pixels(limit))
            orientation = image.getexif().get(0x0112)
            if image.format == 'JPEG':  # the shorter side stays at least SIZE after scaling
                side = min(width, height)
                image.draft(None, (-(-width * SIZE // side), -(-height * SIZE // side)))
            image.load()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput('avatar_too_many_pixels', pixels=Pixels(max_pixels)) from None
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError, EOFError):
        raise InvalidInput('avatar_not_image') from None
    mode = 'RGBA' if image.mode in ('RGBA', 'LA', 'P') else 'RGB'
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    box: tuple[int, int, int, int] | None = (left, top, left + side, top + side)
    factor = side // (2 * SIZE)
    if factor > 1:  # the centred square, scaled down without any full-size copy
        if image.mode in ('RGB', 'L', 'CMYK', 'YCbCr', 'I', 'F'):
            image = image.reduce(factor, box=box)  # box averages (with alpha, reduce copies the image first)
        else:  # alpha or palette: nearest pixels, smoothed by the final resize
            image = image.resize((side // factor, side // factor), Image.Resampling.NEAREST, box=box)
        box = None
    if image.mode not in ('RGB', 'RGBA', 'L'):  # palette, CMYK, 16-bit...: resizing needs RGB(A) or L
        image = image.convert(mode)
    square = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS, box=box)
    del image
    if square.mode != mode:
        square = square.convert(mode)
    if orientation in _ORIENTATION:  # a centred square: rotating it now equals rotating the whole image first
        square = square.transpose(_ORIENTATION[orientation])
    clean = Image.new(square.mode, square.size)  # a fresh image: no EXIF, ICC or text chunks survive
    clean.paste(square)
    buffer = io.BytesIO()
    clean.save(buffer, 'WEBP', quality=85, method=4)
    return buffer.getvalue()


def content_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + '.webp'
