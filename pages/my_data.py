"""'Your data' on the control panel: download my data as JSON, delete my account (chat/my_data.py does both)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from nicegui import app, ui

from chat.errors import ChatError
from chat.my_data import export_name
from chat.services import Services
from pages import forms
from pages.context import PageContext, session_token
from pages.layout import MUTED, SIGNED_OUT

EXPORT_PATH = '/account/export'


def install(services: Services) -> None:
    """The download: streamed while it is read (a page of messages at a time), for the signed-in browser only."""

    @app.get(EXPORT_PATH)
    async def export(request: Request) -> Response:
        user = await services.accounts.user_for_token(session_token(request))
        if user is None:
            return Response(status_code=403)
        try:
            pieces: AsyncIterator[str] = await services.my_data.export(user)
        except ChatError:
            return Response(status_code=403)
        name = quote(export_name(user))
        return StreamingResponse(
            pieces,
            media_type='application/json; charset=utf-8',
            headers={'Content-Disposition': f"attachment; filename*=UTF-8''{name}", 'Cache-Control': 'no-store'},
        )


def card(ctx: PageContext) -> None:
    """The panel's card: export, and deletion confirmed by the password with the choice of what happens to the
    person's messages."""
    t = ctx.t
    with ui.card().classes('w-full').props('data-testid=your-data'):
        ui.label(t('your_data')).classes('text-h6')
        ui.label(t('export_my_data_hint')).classes(' '.join(['text-sm', *MUTED]))
        ui.button(t('export_my_data'), icon='download', on_click=lambda: ui.download.from_url(EXPORT_PATH)).props(
            'flat no-caps data-testid=export-my-data'
        )
        ui.separator()
        ui.label(t('delete_account')).classes('text-subtitle1 font-bold')
        ui.label(t('delete_account_hint')).classes(' '.join(['text-sm', *MUTED]))
        choice = ui.radio({'keep': t('delete_keep_messages'), 'delete': t('delete_my_messages')}, value='keep').props(
            'data-testid=delete-choice'
        )
        with ui.row().classes('w-full items-start no-wrap gap-2'):
            password = forms.clears_when_typing(
                ui.input(t('delete_account_confirm'), password=True)
                .classes('grow')
                .props('dense outlined autocomplete=current-password data-testid=delete-password')
            )

            async def delete() -> None:
                try:
                    await ctx.services.my_data.delete_account(ctx.user, password.value or '', choice.value == 'delete')
                except ChatError as error:
                    forms.show(password, ctx, error)
                    return
                ctx.close()  # this page leaves by itself (the session's end reaches every other page)
                ui.notify(t('account_deleted'), type='positive')
                ui.navigate.to(SIGNED_OUT)

            ui.button(t('delete_account'), icon='delete_forever', on_click=delete).props(
                'color=negative no-caps data-testid=delete-account'
            )
