"""Avatar images: the generated default (initials on a colour from the username) and checked uploads."""

from __future__ import annotations

import colorsys
import hashlib
import io
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
