"""The room list: every room with its live online count, and "join or create a room by name"."""

from __future__ import annotations

from nicegui import ui

from chat.errors import ChatError
from chat.hub import LOBBY
from chat.services import Services
from chat.views import RoomView
from pages.context import PageContext, signed_in_page
from pages.layout import header
from pages.lobby import LobbyView


class RoomList(LobbyView):
    """One row per room, kept in name order; changes arrive as lobby events."""

    def __init__(self, ctx: PageContext, rooms: list[RoomView], counts: dict[int, int]) -> None:
        self.ctx = ctx
        self.rows: dict[int, tuple[ui.element, ui.link, ui.badge, str]] = {}
        self.counts = dict(counts)
        with ui.column().classes('w-full gap-1').props('data-testid=room-list') as self.container:
            self.empty = ui.label(ctx.t('no_rooms')).classes('text-grey-7 dark:text-gray-400!')
        for room in rooms:
            self.add(room)

    def _count_text(self, room_id: int) -> str:
        return self.ctx.t('online_count', count=self.counts.get(room_id, 0))

    def add(self, room: RoomView) -> None:
        if room.id in self.rows:
            return
        with self.container, ui.card().classes('w-full py-2 px-4').props('flat bordered') as row:
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                link = ui.link(room.name, f'/room/{room.id}').classes('text-lg truncate')
                badge = ui.badge(self._count_text(room.id)).props('color=positive outline')
        self.rows[room.id] = (row, link, badge, room.name.casefold())
        self._place(room.id)
        self.empty.set_visibility(not self.rows)

    def _place(self, room_id: int) -> None:
        key = self.rows[room_id][3]
        index = 1 + sum(1 for other, row in self.rows.items() if other != room_id and row[3] < key)
        self.rows[room_id][0].move(target_index=index)

    def rename(self, room: RoomView) -> None:
        if room.id not in self.rows:
            return self.add(room)
        row, link, badge, _ = self.rows[room.id]
        link.text = room.name
        self.rows[room.id] = (row, link, badge, room.name.casefold())
        self._place(room.id)

    def remove(self, room_id: int) -> None:
        entry = self.rows.pop(room_id, None)
        if entry:
            entry[0].delete()
        self.counts.pop(room_id, None)
        self.empty.set_visibility(not self.rows)

    def set_count(self, room_id: int, count: int) -> None:
        self.counts[room_id] = count
        if room_id in self.rows:
            self.rows[room_id][2].text = self._count_text(room_id)


def register(services: Services) -> None:
    @signed_in_page(services, '/')
    async def home_page(ctx: PageContext) -> None:
        header(ctx, ctx.t('rooms'))
        with ui.column().classes('w-full max-w-3xl mx-auto gap-4') as ctx.root:
            with ui.row().classes('w-full items-start no-wrap gap-2'):
                name = (
                    ui.input(ctx.t('join_or_create'))
                    .classes('grow')
                    .props('outlined dense maxlength=64 data-testid=room-name')
                )

                async def open_room() -> None:
                    try:
                        room, created = await services.rooms.open_by_name(ctx.user, name.value)
                    except ChatError as error:
                        ctx.show_error(error)
                        return
                    if created:
                        ui.notify(ctx.t('room_created', name=room.name), type='positive')
                    ui.navigate.to(f'/room/{room.id}')

                name.on('keydown.enter', open_room)
                ui.button(ctx.t('open'), on_click=open_room).props('data-testid=open-room')
            room_list = RoomList(ctx, [], {})
        ctx.subscribe(LOBBY, room_list.on_event)  # before loading, so nothing changes unseen in between
        rooms, counts = await services.rooms.all(), await services.rooms.counts()
        room_list.counts.update(counts)
        for room in rooms:
            room_list.add(room)
