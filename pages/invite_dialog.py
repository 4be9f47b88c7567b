"""The room's "Invite people" dialog: any member adds someone by username; the owner and admins also make, list and
revoke invite links (chat/invites.py checks who may; the buttons only follow)."""

from __future__ import annotations

from nicegui import ui

from chat.errors import ChatError
from chat.invites import InviteView
from chat.views import RoomView
from pages import elements as el
from pages import forms
from pages.context import PageContext
from pages.formatting import short_stamp
from pages.layout import MUTED, hint

HOURS = (1, 24, 168, 720)


def link_address(ctx: PageContext, token: str) -> str:
    """The link as the inviter's browser reached this server (behind a proxy: the address it was given)."""
    request = getattr(ctx.client, 'request', None)
    base = str(request.base_url).rstrip('/') if request is not None else ''
    return f'{base}/invite/{token}'


class InviteDialog:
    def __init__(self, ctx: PageContext, room: RoomView) -> None:
        self.ctx, self.room = ctx, room
        self.manages = ctx.user.is_admin or room.owner_id == ctx.user.id
        with ui.dialog() as self.dialog, ui.card().classes('w-[32rem] max-w-full gap-3'):
            el.text(ctx.t('invite_people'), ['text-h6'])
            with el.row(['w-full', 'items-start', 'no-wrap', 'gap-2']):
                self.username = forms.clears_when_typing(
                    ui.input(ctx.t('invite_by_username'))
                    .classes('grow')
                    .props('outlined dense data-testid=invite-username')
                )
                self.username.on('keydown.enter', self.add)
                ui.button(ctx.t('invite_add'), on_click=self.add).props('unelevated no-caps data-testid=invite-add')
            if self.manages:
                ui.separator()
                el.text(ctx.t('invite_links'), ['text-subtitle2'])
                el.text(ctx.t('invite_links_hint'), ['text-sm', *MUTED])
                with el.row(['w-full', 'items-start', 'gap-2']):
                    self.hours = (
                        ui.select(
                            {hours: ctx.t(f'invite_hours_{hours}') for hours in HOURS},
                            value=168,
                            label=ctx.t('invite_valid_for'),
                        )
                        .classes('w-32')
                        .props('outlined dense data-testid=invite-hours')
                    )
                    self.uses = ui.number(ctx.t('invite_max_uses'), min=1, precision=0).classes('grow')
                    self.uses.props('outlined dense data-testid=invite-uses')
                    ui.button(ctx.t('invite_create_link'), icon='add_link', on_click=self.create).props(
                        'unelevated no-caps data-testid=invite-create'
                    )
                self.error = forms.error_line('invite-link-error')
                with el.column(['w-full', 'gap-1']) as self.created:
                    el.text(ctx.t('invite_link_created'), ['text-sm', 'text-positive'])
                    with el.row(['w-full', 'items-center', 'no-wrap', 'gap-2']):
                        self.link = ui.input().classes('grow').props('outlined dense readonly data-testid=invite-link')
                        copy = ui.button(icon='content_copy', on_click=self.copy).props('flat round dense')
                        copy.props.update(hint(ctx.t('invite_copy')))
                self.created.set_visibility(False)
                self.list = el.column(['w-full', 'gap-1'], props={'data-testid': 'invite-list'})
            with el.row(['w-full', 'justify-end']):
                ui.button(ctx.t('private_close'), on_click=self.dialog.close).props('flat no-caps')

    async def open(self) -> None:
        self.dialog.open()
        if self.manages:
            await self.show_links()

    async def add(self) -> None:
        try:
            invitee = await self.ctx.services.invites.add_member(self.ctx.user, self.room.id, self.username.value or '')
        except ChatError as error:
            forms.show(self.username, self.ctx, error)
            return
        self.username.value = ''
        ui.notify(self.ctx.t('invite_added', name=invitee.display_name), type='positive')

    async def create(self) -> None:
        uses = int(self.uses.value) if self.uses.value else None
        try:
            _, token = await self.ctx.services.invites.create_link(
                self.ctx.user, self.room.id, int(self.hours.value), uses
            )
        except ChatError as error:
            forms.say(self.error, self.ctx.t(error.key, **error.params))
            return
        forms.say(self.error, '')
        self.link.value = link_address(self.ctx, token)
        self.created.set_visibility(True)
        await self.show_links()

    async def copy(self) -> None:
        ui.clipboard.write(self.link.value or '')
        ui.notify(self.ctx.t('invite_copied'))

    async def show_links(self) -> None:
        try:
            links = await self.ctx.services.invites.links(self.ctx.user, self.room.id)
        except ChatError as error:
            forms.say(self.error, self.ctx.t(error.key, **error.params))
            return
        self.list.clear()
        with self.list:
            if not links:
                el.text(self.ctx.t('invite_no_links'), ['text-sm', *MUTED])
            for link in links:
                self._row(link)

    def _row(self, link: InviteView) -> None:
        until = short_stamp(link.expires_at, self.ctx.user.time_zone)
        if link.max_uses is None:
            words = self.ctx.t('invite_link_row', until=until, uses=link.uses)
        else:
            words = self.ctx.t('invite_link_row_limit', until=until, uses=link.uses, max=link.max_uses)
        with el.row(['w-full', 'items-center', 'no-wrap', 'gap-2'], props={'data-testid': 'invite-row'}):
            ui.icon('link').classes(' '.join(MUTED))
            el.text(words, ['text-sm', 'grow'])

            async def revoke(invite_id: int = link.id) -> None:
                try:
                    await self.ctx.services.invites.revoke(self.ctx.user, invite_id)
                except ChatError as error:
                    forms.say(self.error, self.ctx.t(error.key, **error.params))
                    return
                ui.notify(self.ctx.t('invite_revoked_done'))
                await self.show_links()

            ui.button(self.ctx.t('invite_revoke'), on_click=revoke).props(
                'flat dense no-caps color=negative data-testid=invite-revoke'
            )
