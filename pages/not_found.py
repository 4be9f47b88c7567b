"""An address that leads nowhere: the app's own frame in the visitor's language with a way back, not a bare error.

Registered as the app's 404 handler (the way NiceGUI's maintainers show for a custom error page). Files and other
non-page endpoints that answer 404 (a missing avatar) keep the plain answer: nobody looks at those as a page.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.exception_handlers import http_exception_handler
from nicegui import Client, app, ui
from starlette.exceptions import HTTPException

from chat.i18n import translate
from chat.services import Services
from pages import elements as el
from pages.context import PageContext, language_for, signed_in
from pages.layout import MUTED, anonymous_header, header

ICON_CLASSES = 'text-6xl text-grey-6'


def register(services: Services) -> None:
    @app.exception_handler(404)
    async def not_found(request: Request, exception: Exception) -> Response:
        endpoint = request.scope.get('endpoint')
        page = request.scope.get('nicegui_page_path')
        if endpoint is not None and endpoint is not app and not page and isinstance(exception, HTTPException):
            return await http_exception_handler(request, exception)  # a file or an API: the plain answer
        with Client(ui.page(''), request=request) as client:
            await build(services, request)
        return client.build_response(request, 404)


async def build(services: Services, request: Request) -> None:
    ctx = await signed_in(services, request)
    if isinstance(ctx, PageContext):
        lang, target, back = ctx.lang, '/', 'back_to_rooms'
        header(ctx, ctx.t('not_found_title'))
    else:  # a visitor who is not signed in
        lang, target, back = language_for(services, request), '/login', 'not_found_sign_in'
        anonymous_header(lang, app.storage.user)
    with ui.column().classes('w-full max-w-xl mx-auto items-center text-center gap-4 pt-16 px-4') as root:
        ui.icon('explore_off').classes(ICON_CLASSES)
        el.text(translate(lang, 'not_found_title'), ['text-h5'], props={'data-testid': 'not-found'})
        el.text(translate(lang, 'not_found_text'), MUTED)
        ui.button(translate(lang, back), icon='arrow_back', on_click=lambda: ui.navigate.to(target)).props(
            'unelevated no-caps data-testid=back'
        )
    if isinstance(ctx, PageContext):
        ctx.root = root
