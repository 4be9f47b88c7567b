"""`/invite/<token>`: the room a link leads to and a "Join" button; the reason when the link is refused. A visitor
who is not signed in signs in (or registers) first and comes back here (pages/context.signed_in_page)."""

from __future__ import annotations

from nicegui import ui

from chat.errors import ChatError
from chat.services import Services
from pages import elements as el
from pages.context import PageContext, signed_in_page
from pages.layout import MUTED, header

ICON_CLASSES = 'text-6xl text-grey-6'


def register(services: Services) -> None:
    @signed_in_page(services, '/invite/{token}')
    async def invite_page(ctx: PageContext, token: str) -> None:
        header(ctx, ctx.t('invite_title'))
        with ui.column().classes('w-full max-w-xl mx-auto items-center text-center gap-4 pt-16 px-4') as ctx.root:
            try:
                room, member = await services.invites.preview(ctx.user, token)
            except ChatError as error:
                ui.icon('link_off').classes(ICON_CLASSES)
                el.text(ctx.t(error.key, **error.params), ['text-h6'], props={'data-testid': 'invite-refused'})
                ui.button(ctx.t('back_to_rooms'), icon='arrow_back', on_click=lambda: ui.navigate.to('/')).props(
                    'unelevated no-caps data-testid=back'
                )
                return
            ui.icon('lock' if room.is_private else 'forum').classes(ICON_CLASSES)
            el.text(ctx.t('invite_to_room', name=room.name), ['text-h6'], props={'data-testid': 'invite-room'})
            if room.topic:
                el.text(room.topic, MUTED)
            refused = el.text('', ['text-negative'], props={'data-testid': 'invite-error'})

            async def join() -> None:
                try:
                    joined = await services.invites.accept(ctx.user, token)
                except ChatError as error:
                    el.set_text(refused, ctx.t(error.key, **error.params))
                    return
                ui.navigate.to(f'/room/{joined.id}')

            if member:
                ui.button(ctx.t('invite_open_room'), on_click=lambda: ui.navigate.to(f'/room/{room.id}')).props(
                    'unelevated no-caps data-testid=invite-open'
                )
            else:
                ui.button(ctx.t('invite_join'), icon='login', on_click=join).props(
                    'unelevated no-caps data-testid=invite-join'
                )
