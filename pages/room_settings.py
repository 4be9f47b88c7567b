"""A room's community parts on its page: the topic line under the header with the private mark, the settings dialog
(topic, privacy; owner and admins), and the page a non-member of a private room sees instead of the room."""

from __future__ import annotations

from nicegui import ui

from chat.errors import ChatError
from chat.rooms import TOPIC_MAX_LENGTH
from chat.views import RoomView
from pages import elements as el
from pages.context import PageContext
from pages.invite_dialog import InviteDialog
from pages.layout import MUTED, header, hint

BAR_CLASSES = ['w-full', 'items-center', 'gap-2', 'no-wrap', 'min-h-8']
TOPIC_CLASSES = ['text-sm', 'truncate', 'min-w-0', 'grow', *MUTED]
ICON_CLASSES = 'text-6xl text-grey-6'


def private_refusal(ctx: PageContext) -> None:
    """Instead of a private room for a non-member: says why, shows nothing of the room (not even its name)."""
    header(ctx, ctx.t('room_private_title'))
    with ui.column().classes('w-full max-w-xl mx-auto items-center text-center gap-4 pt-16 px-4') as root:
        ui.icon('lock').classes(ICON_CLASSES)
        el.text(ctx.t('room_private_title'), ['text-h5'], props={'data-testid': 'room-private'})
        el.text(ctx.t('room_private_text'), MUTED)
        ui.button(ctx.t('back_to_rooms'), icon='arrow_back', on_click=lambda: ui.navigate.to('/')).props(
            'unelevated no-caps data-testid=back'
        )
    ctx.root = root


class RoomBar:
    """The line under the header: the private mark, the topic, and the settings button for who may change them."""

    def __init__(self, ctx: PageContext, room: RoomView) -> None:
        self.ctx, self.room = ctx, room
        self.dialog: SettingsDialog | None = None
        with el.row(BAR_CLASSES, props={'data-testid': 'room-bar'}):
            self.lock = el.box(
                MUTED,
                tag='q-icon',
                props={
                    'name': 'lock',
                    'size': 'xs',
                    'data-testid': 'room-private-mark',
                    **hint(ctx.t('room_private_badge')),
                },
            )
            self.topic = el.text('', TOPIC_CLASSES, props={'data-testid': 'room-topic'})
            self.invite: InviteDialog | None = None
            self.invite_button = el.button(
                self.open_invite,
                icon='person_add',
                props={
                    'flat': True,
                    'round': True,
                    'dense': True,
                    'data-testid': 'room-invite',
                    **hint(ctx.t('invite_people')),
                },
            )
            self.settings = el.button(
                self.open_settings,
                icon='settings',
                props={
                    'flat': True,
                    'round': True,
                    'dense': True,
                    'data-testid': 'room-settings',
                    **hint(ctx.t('room_settings')),
                },
            )
        self.show(room)

    def show(self, room: RoomView) -> None:
        self.room = room
        el.set_text(self.topic, room.topic)
        self.topic.props['title'] = room.topic
        self.lock.set_visibility(room.is_private)
        self.invite_button.set_visibility(not room.is_direct)  # a conversation of two takes nobody else
        self.settings.set_visibility(self.ctx.user.is_admin or room.owner_id == self.ctx.user.id)

    async def open_invite(self) -> None:
        if self.invite is None:
            self.invite = InviteDialog(self.ctx, self.room)
        await self.invite.open()

    def open_settings(self) -> None:
        if self.dialog is None:
            self.dialog = SettingsDialog(self.ctx, self)
        self.dialog.open(self.room)


class SettingsDialog:
    """Topic and privacy; the service checks who may (owner, admin) and the topic's length, and says why not."""

    def __init__(self, ctx: PageContext, bar: RoomBar) -> None:
        self.ctx, self.bar = ctx, bar
        with ui.dialog().props('data-testid=settings-dialog') as self.dialog, ui.card().classes('w-[28rem] max-w-full'):
            el.text(ctx.t('room_settings'), ['text-h6'])
            self.topic = (
                ui.input(ctx.t('room_topic')).classes('w-full').props('outlined counter data-testid=topic-input')
            )
            self.topic.props['hint'] = ctx.t('room_topic_hint', max=TOPIC_MAX_LENGTH)
            self.topic.on_value_change(lambda _: setattr(self.topic, 'error', None))
            self.private = ui.switch(ctx.t('room_private_switch')).props('data-testid=private-switch')
            with el.row(['w-full', 'justify-end', 'gap-2']):
                ui.button(ctx.t('cancel'), on_click=self.dialog.close).props('flat no-caps')
                ui.button(ctx.t('save'), on_click=self.save).props('unelevated no-caps data-testid=save-settings')

    def open(self, room: RoomView) -> None:
        self.topic.value, self.private.value = room.topic, room.is_private
        self.topic.error = None
        self.dialog.open()

    async def save(self) -> None:
        try:
            room = await self.ctx.services.rooms.update_settings(
                self.ctx.user, self.bar.room.id, self.topic.value or '', bool(self.private.value)
            )
        except ChatError as error:
            self.topic.error = self.ctx.t(error.key, **error.params)
            return
        self.bar.show(room)
        self.dialog.close()
        ui.notify(self.ctx.t('room_settings_saved'), type='positive')
