"""Attachment downloads: only for a signed-in reader of the message's room, checked on every request by the service
(chat/files.py, through the one read rule of storage/access.py). The address is the attachment's random id, never the
content hash.

Every answer is `nosniff` with a CSP that lets the file run nothing; anything but a re-encoded PNG, JPEG or WebP
image is sent as `Content-Disposition: attachment` (a download, never shown as a page of this site)."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import FileResponse
from nicegui import app

from chat.errors import NotFound
from chat.services import Services
from pages.context import AUTH_KEY

FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
FILE_HEADERS = {
    'Content-Security-Policy': FILE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, max-age=3600',  # per reader: never kept by a shared cache
    'Cross-Origin-Resource-Policy': 'same-origin',
}


def register(services: Services) -> None:
    async def serve(request: Request, attachment_id: str, thumb: bool) -> FileResponse:
        user = await services.accounts.user_for_token(request.session.get(AUTH_KEY))
        if user is None:
            raise HTTPException(403)
        try:
            found = await services.files.download(user, attachment_id, thumb=thumb)
        except NotFound:
            raise HTTPException(404) from None
        return FileResponse(
            found.path,
            media_type=found.mime,
            filename=found.name,
            content_disposition_type='inline' if found.inline else 'attachment',
            headers=FILE_HEADERS,
        )

    @app.get('/files/{attachment_id}', include_in_schema=False)
    async def attachment_file(request: Request, attachment_id: str) -> FileResponse:
        return await serve(request, attachment_id, thumb=False)

    @app.get('/files/{attachment_id}/thumb', include_in_schema=False)
    async def attachment_thumb(request: Request, attachment_id: str) -> FileResponse:
        return await serve(request, attachment_id, thumb=True)
