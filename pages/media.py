"""Image routes: generated default avatars and uploaded avatars from the media folder (content-hash names only)."""

from __future__ import annotations

import asyncio
import re

from fastapi import HTTPException, Response
from fastapi.responses import FileResponse
from nicegui import app

from chat.avatars import default_avatar_png
from chat.services import Services
from chat.validation import USERNAME_RE

MEDIA_NAME = re.compile(r'^[0-9a-f]{64}(?:-s)?\.(?:webp|png)$')
CACHE_FOREVER = {'Cache-Control': 'public, max-age=31536000, immutable'}


def register(services: Services) -> None:
    media = services.settings.media_path

    @app.get('/avatars/default/{username}.png', include_in_schema=False)
    async def default_avatar(username: str) -> Response:
        if not USERNAME_RE.fullmatch(username):
            raise HTTPException(404)
        png = await asyncio.to_thread(default_avatar_png, username)
        return Response(png, media_type='image/png', headers={'Cache-Control': 'public, max-age=86400'})

    @app.get('/media/{name}', include_in_schema=False)
    async def media_file(name: str) -> FileResponse:
        if not MEDIA_NAME.fullmatch(name):
            raise HTTPException(404)
        path = media / name
        if not await asyncio.to_thread(path.is_file):
            raise HTTPException(404)
        return FileResponse(path, headers=CACHE_FOREVER)
