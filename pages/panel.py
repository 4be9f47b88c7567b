"""Control panel: the viewer's profile (name, avatar, password) and the rooms they manage."""

from __future__ import annotations

from typing import Any

from nicegui import events, ui

from chat.errors import ChatError, InvalidInput
from chat.hub import LOBBY
from chat.i18n import Bytes
from chat.services import Services
from chat.views import RoomView
from pages import forms, my_data
from pages.context import PageContext, signed_in_page
from pages.layout import header
from pages.lobby import LobbyView


class ManagedRooms(LobbyView):
    """The rooms this user may rename and delete, with live online counts."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.rows: dict[int, dict[str, Any]] = {}
        self.counts: dict[int, int] = {}
        with ui.column().classes('w-full gap-2').props('data-testid=panel-rooms') as self.container:
            self.empty = ui.label(ctx.t('no_own_rooms')).classes('text-grey-7 dark:text-gray-400!')
        self.dialog, self.dialog_text = forms.confirm_delete_dialog(ctx)

    def manages(self, room: RoomView) -> bool:
        return self.ctx.user.is_admin or room.owner_id == self.ctx.user.id

    def add(self, room: RoomView) -> None:
        if room.id in self.rows or not self.manages(room):
            return
        t = self.ctx.t
        with self.container:
            with ui.card().classes('w-full').props(f'flat bordered data-testid=panel-room-{room.id}') as card:
                with ui.row().classes('w-full items-center justify-between no-wrap'):
                    link = ui.link(room.name, f'/room/{room.id}').classes('text-lg truncate')
                    badge = ui.badge(t('online_count', count=self.counts.get(room.id, 0))).props(
                        'color=positive outline'
                    )
                with ui.row().classes('w-full items-start no-wrap gap-2'):
                    name = forms.clears_when_typing(
                        ui.input(t('rename'), value=room.name)
                        .classes('grow')
                        .props(f'dense outlined data-testid=rename-{room.id}')
                    )
                    ui.button(t('rename'), on_click=lambda r=room.id: self.save_name(r)).props(
                        f'flat data-testid=rename-save-{room.id}'
                    )
                    ui.button(t('delete'), icon='delete', on_click=lambda r=room.id: self.confirm_delete(r)).props(
                        f'flat color=negative data-testid=delete-{room.id}'
                    )
                error = forms.error_line(f'delete-error-{room.id}')
        self.rows[room.id] = {
            'card': card,
            'link': link,
            'badge': badge,
            'input': name,
            'error': error,
            'name': room.name,
        }
        self.empty.set_visibility(False)

    def rename(self, room: RoomView) -> None:
        row = self.rows.get(room.id)
        if row is None:
            return self.add(room)
        row['link'].text = row['name'] = room.name
        if row['input'].error is None:  # a refused name stays in the field with its reason, to be corrected
            row['input'].value = room.name

    def remove(self, room_id: int) -> None:
        row = self.rows.pop(room_id, None)
        if row:
            row['card'].delete()
        self.empty.set_visibility(not self.rows)

    def set_count(self, room_id: int, count: int) -> None:
        self.counts[room_id] = count
        if row := self.rows.get(room_id):
            row['badge'].text = self.ctx.t('online_count', count=count)

    async def save_name(self, room_id: int) -> None:
        row = self.rows[room_id]
        try:
            room = await self.ctx.services.rooms.rename(self.ctx.user, room_id, row['input'].value)
        except ChatError as error:
            forms.show(row['input'], self.ctx, error)
            return
        forms.clear(row['input'])
        self.rename(room)
        with self.container:
            ui.notify(self.ctx.t('room_renamed', name=room.name), type='positive')

    async def confirm_delete(self, room_id: int) -> None:
        name = self.rows[room_id]['name']
        self.dialog_text.text = self.ctx.t('confirm_delete', name=name)
        if not await self.dialog:
            return
        try:
            await self.ctx.services.rooms.delete(self.ctx.user, room_id)
        except ChatError as error:
            if row := self.rows.get(room_id):
                forms.say(row['error'], self.ctx.t(error.key, **error.params))
            return
        self.remove(room_id)  # the lobby event may have removed the row already: the button's slot is gone
        with self.container:
            ui.notify(self.ctx.t('room_deleted', name=name), type='positive')


def register(services: Services) -> None:
    settings = services.settings

    @signed_in_page(services, '/panel')
    async def panel_page(ctx: PageContext) -> None:
        t = ctx.t
        header(ctx, t('control_panel'))
        with ui.column().classes('w-full max-w-3xl mx-auto gap-4') as ctx.root:
            with ui.card().classes('w-full'):
                ui.label(t('profile')).classes('text-h6')
                with ui.row().classes('w-full items-center no-wrap gap-4'):
                    preview = (
                        ui.image(ctx.user.avatar_url)
                        .classes('w-24 h-24 rounded-full shrink-0')
                        .props('data-testid=avatar-preview')
                    )
                    preview.props['alt'] = t('avatar')
                    with ui.column().classes('grow gap-1'):
                        limit = Bytes(settings.max_avatar_bytes)

                        async def upload(event: events.UploadEventArguments) -> None:
                            try:
                                if event.file.size() > settings.max_avatar_bytes:
                                    raise InvalidInput('avatar_too_large', size=limit)
                                ctx.user = await services.accounts.upload_avatar(ctx.user, await event.file.read())
                            except ChatError as error:
                                forms.say(avatar_error, t(error.key, **error.params))
                                return
                            finally:
                                uploader.reset()
                            forms.say(avatar_error, '')
                            preview.source = ctx.user.avatar_url
                            ui.notify(t('avatar_saved'), type='positive')

                        uploader = (
                            ui.upload(
                                label=t('avatar_upload', size=limit),
                                auto_upload=True,
                                on_upload=upload,
                                max_file_size=settings.max_avatar_bytes,
                                on_rejected=lambda: forms.say(avatar_error, t('avatar_too_large', size=limit)),
                            )
                            .props(
                                'accept="image/png,image/jpeg,image/webp,image/gif" flat bordered '
                                'data-testid=avatar-upload'
                            )
                            .classes('w-full')
                        )
                        forms.file_picker(uploader, t('avatar_upload', size=limit), 'add_photo_alternate', bold=True)

                        avatar_error = forms.error_line('avatar-error')

                        async def remove_avatar() -> None:
                            try:
                                ctx.user = await services.accounts.remove_avatar(ctx.user)
                            except ChatError as error:
                                forms.say(avatar_error, t(error.key, **error.params))
                                return
                            forms.say(avatar_error, '')
                            preview.source = ctx.user.avatar_url

                        ui.button(t('avatar_remove'), on_click=remove_avatar).props(
                            'flat dense no-caps data-testid=remove-avatar'
                        )
                with ui.row().classes('w-full items-start no-wrap gap-2'):
                    display = forms.clears_when_typing(
                        ui.input(t('display_name'), value=ctx.user.display_name)
                        .classes('grow')
                        .props('outlined dense data-testid=profile-display-name')
                    )

                    async def save_name() -> None:
                        try:
                            ctx.user = await services.accounts.set_display_name(ctx.user, display.value)
                        except ChatError as error:
                            forms.show(display, ctx, error)
                            return
                        display.value = ctx.user.display_name
                        ui.notify(t('saved'), type='positive')

                    display.on('keydown.enter', save_name)
                    ui.button(t('save'), on_click=save_name).props('data-testid=save-display-name')

            with ui.card().classes('w-full'):
                ui.label(t('change_password')).classes('text-h6')
                current = forms.clears_when_typing(
                    ui.input(t('current_password'), password=True)
                    .classes('w-full')
                    .props('dense outlined data-testid=current-password')
                )
                new = forms.clears_when_typing(
                    ui.input(t('new_password'), password=True)
                    .classes('w-full')
                    .props(f'dense outlined hint="{t("password_hint")}" data-testid=new-password')
                )

                async def change_password() -> None:
                    try:
                        ctx.user = await services.accounts.change_password(ctx.user, current.value, new.value)
                    except ChatError as error:
                        # the current password is the wrong one, or the new one breaks a rule
                        forms.show(current if error.key == 'password_wrong' else new, ctx, error)
                        return
                    current.value = new.value = ''
                    ui.notify(t('password_changed'), type='positive')

                ui.button(t('change_password'), on_click=change_password).props('data-testid=change-password')

            with ui.card().classes('w-full'):
                ui.label(t('all_rooms_admin') if ctx.user.is_admin else t('my_rooms')).classes('text-h6')
                with ui.row().classes('w-full items-start no-wrap gap-2'):
                    new_room = forms.clears_when_typing(
                        ui.input(t('new_room')).classes('grow').props('dense outlined data-testid=panel-new-room')
                    )

                    async def create_room() -> None:
                        try:
                            room = await services.rooms.create(ctx.user, new_room.value)
                        except ChatError as error:
                            forms.show(new_room, ctx, error)
                            return
                        new_room.value = ''
                        rooms.add(room)
                        ui.notify(t('room_created', name=room.name), type='positive')

                    new_room.on('keydown.enter', create_room)
                    ui.button(t('create'), on_click=create_room).props('data-testid=panel-create-room')
                rooms = ManagedRooms(ctx)
            if ctx.user.is_admin:
                with ui.card().classes('w-full'):
                    ui.link(ctx.t('admin'), '/admin').classes('text-h6').props('data-testid=panel-admin-link')
            my_data.card(ctx)
        ctx.subscribe(LOBBY, rooms.on_event)
        rooms.counts.update(await services.rooms.counts())
        for room in await services.rooms.managed_by(ctx.user):
            rooms.add(room)
