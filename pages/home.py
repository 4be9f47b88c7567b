"""Browse rooms: every room with a glimpse of its newest message, the time of it and the live online count, most
recently active first; one field finds, joins or creates a room by name.

The "join or create a room by name" field doubles as the filter: typing a name is already a search for it, so the
list answers "does it exist?" while the person types, and Enter then opens the match or creates the room. A second
box would ask for the same name twice. The filter runs here in Python on each change (case-insensitive part of the
name); no query is made.

Live: lobby events add, rename and remove rows, change counts and, for each new post, update that room's preview and
time and move its row to the top (`RoomActivity`); an edit or deletion of the message a row shows changes its preview
in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from chat import previews
from chat.errors import ChatError
from chat.events import RoomActivity
from chat.hub import LOBBY
from chat.services import Services
from chat.views import FilesGlimpse, RoomSummary, RoomView, utc
from pages import forms
from pages.context import PageContext, signed_in_page
from pages.formatting import short_stamp
from pages.layout import MUTED, header, rooms_drawer
from pages.lobby import LobbyView
from pages.sidebar import RoomsSidebar

# the online count: a neutral grey while nobody is there, the positive colour only when someone is
ONLINE_COLOR = 'positive'
NOBODY_COLOR = 'grey-7'
PREVIEW_CLASSES = 'text-sm truncate w-full'
NO_PREVIEW_CLASSES = 'italic'  # "No messages yet", "message deleted": words of the app, not of a person


def count_color(count: int) -> str:
    return ONLINE_COLOR if count > 0 else NOBODY_COLOR


@dataclass(eq=False)
class Row:
    """One room's row and what places it: its order key (newest activity first) and the newest message it shows."""

    card: ui.card
    link: ui.link
    time: ui.label
    preview: ui.label
    badge: ui.badge
    name_key: str
    order: tuple[bool, datetime, int]
    last_id: int | None


class RoomList(LobbyView):
    """One row per room, newest activity first; changes arrive as lobby events."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.rows: dict[int, Row] = {}
        self.counts: dict[int, int] = {}
        self.query = ''
        # posts heard while the directory loads, for rooms without a row yet: the loaded row may predate them
        self.early: dict[int, RoomActivity] | None = {}
        # the hints last in the list (rows are placed before them), so the list is never an empty, invisible box
        with ui.column().classes('w-full gap-1').props('data-testid=room-list') as self.container:
            self.empty = ui.label(ctx.t('no_rooms')).classes(' '.join(MUTED))
            self.no_match = ui.label(ctx.t('no_rooms_match')).classes(' '.join(MUTED))
            self.no_match.props('data-testid=no-rooms-match')
            self.no_match.set_visibility(False)

    def load(self, summaries: list[RoomSummary], counts: dict[int, int]) -> None:
        self.counts.update(counts)
        for summary in summaries:
            self._add(summary)
        self.early = None
        self._show_hints()

    # --- rows -----------------------------------------------------------------------------------------------------

    def add(self, room: RoomView) -> None:
        self._add(RoomSummary(room))
        self._show_hints()

    def _add(self, summary: RoomSummary) -> None:
        room = summary.room
        if room.id in self.rows:
            return
        with self.container, ui.card().classes('w-full py-2 px-4 gap-0').props('flat bordered') as card:
            # the name, the time of the newest message and the count on one line; the preview on the next
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                if room.is_private:  # listed only for its members (storage/access.py)
                    lock = ui.icon('lock', size='xs').classes(' '.join(MUTED)).props('data-testid=private-mark')
                    lock.props.update({'aria-label': self.ctx.t('room_private_badge'), 'role': 'img'})
                link = ui.link(room.name, f'/room/{room.id}').classes('text-lg truncate min-w-0')
                ui.space()
                time = ui.label().classes(f'text-xs shrink-0 {" ".join(MUTED)}').props('data-testid=room-time')
                count = self.counts.get(room.id, 0)
                badge = ui.badge(self.ctx.t('online_count', count=count)).props('outline data-testid=online-count')
                badge.classes('shrink-0')
                badge.props['color'] = count_color(count)
            if room.topic:
                ui.label(room.topic).classes(f'{PREVIEW_CLASSES} italic').props('data-testid=room-topic')
            preview = ui.label().classes(f'{PREVIEW_CLASSES} {" ".join(MUTED)}').props('data-testid=room-preview')
        row = Row(card, link, time, preview, badge, room.name.casefold(), summary.activity, None)
        self.rows[room.id] = row
        self._show_last(row, summary.last_message_id, summary.last_message_at, summary.last_author)
        if summary.last_author is not None:
            self._set_preview(row, summary.last_author, summary.last_preview, summary.last_deleted, summary.last_files)
        early = self.early.pop(room.id, None) if self.early is not None else None
        if early is not None:
            self.activity(early)
        self._place(room.id)
        card.set_visibility(self._matches(row))

    def _show_last(self, row: Row, message_id: int | None, at: datetime | None, author: str | None) -> None:
        row.last_id = message_id
        row.time.text = short_stamp(at, self.ctx.user.time_zone) if at is not None else ''
        if author is None:
            row.preview.text = self.ctx.t('no_messages_yet')
            row.preview.classes(add=NO_PREVIEW_CLASSES)

    def _set_preview(
        self, row: Row, author: str, preview: str, deleted: bool, files: FilesGlimpse | None = None
    ) -> None:
        """Set as the label's text: a person's words (or file names) are never HTML here."""
        text = self.ctx.t('message_deleted') if deleted else previews.line(self.ctx.t, preview, files)
        row.preview.text = f'{author}: {text}'  # as a quoted reply reads in the feed
        if deleted:
            row.preview.classes(add=NO_PREVIEW_CLASSES)
        else:
            row.preview.classes(remove=NO_PREVIEW_CLASSES)

    def _place(self, room_id: int) -> None:
        order = self.rows[room_id].order
        index = sum(1 for other, row in self.rows.items() if other != room_id and row.order > order)
        self.rows[room_id].card.move(target_index=index)

    def rename(self, room: RoomView) -> None:
        row = self.rows.get(room.id)
        if row is None:
            return self.add(room)
        row.link.text = room.name
        row.name_key = room.name.casefold()
        row.card.set_visibility(self._matches(row))
        self._show_hints()

    def remove(self, room_id: int) -> None:
        row = self.rows.pop(room_id, None)
        if row:
            row.card.delete()
        self.counts.pop(room_id, None)
        self._show_hints()

    def set_count(self, room_id: int, count: int) -> None:
        self.counts[room_id] = count
        row = self.rows.get(room_id)
        if row is not None:
            row.badge.text = self.ctx.t('online_count', count=count)
            row.badge.props['color'] = count_color(count)

    def activity(self, event: RoomActivity) -> None:
        """A post in a room: its row shows it and moves to the top. An older post than the one shown (heard late,
        after the directory was read) changes nothing; an edit or deletion changes the preview of the row showing it."""
        row = self.rows.get(event.room_id)
        if row is None:
            if self.early is not None:
                kept = self.early.get(event.room_id)
                if not event.changed or kept is None or kept.message_id == event.message_id:
                    self.early[event.room_id] = event  # a change of an older message than the one kept: dropped
            return
        if event.changed:  # edited or deleted: only the message this row shows changes it
            if event.message_id == row.last_id:
                self._set_preview(row, event.author_name, event.preview, event.deleted, event.files)
            return
        if row.last_id is not None and event.message_id <= row.last_id:
            return
        self._show_last(row, event.message_id, event.at, event.author_name)
        self._set_preview(row, event.author_name, event.preview, False, event.files)
        row.order = (True, utc(event.at), event.message_id)
        self._place(event.room_id)

    # --- filter ---------------------------------------------------------------------------------------------------

    def filter(self, query: str | None) -> None:
        self.query = (query or '').strip().casefold()
        for row in self.rows.values():
            row.card.set_visibility(self._matches(row))
        self._show_hints()

    def _matches(self, row: Row) -> bool:
        return self.query in row.name_key

    def _show_hints(self) -> None:
        self.empty.set_visibility(not self.rows)
        self.no_match.set_visibility(bool(self.rows) and not any(self._matches(row) for row in self.rows.values()))


def register(services: Services) -> None:
    @signed_in_page(services, '/')
    async def home_page(ctx: PageContext) -> None:
        with rooms_drawer() as drawer:
            sidebar = RoomsSidebar(ctx)
        header(ctx, ctx.t('browse_rooms'), rooms=drawer)
        with ui.column().classes('w-full max-w-3xl mx-auto gap-4') as ctx.root:
            with ui.row().classes('w-full items-start no-wrap gap-2'):
                name = forms.clears_when_typing(
                    ui.input(ctx.t('join_or_create')).classes('grow').props('outlined dense data-testid=room-name')
                )

                async def open_room() -> None:
                    try:
                        room, created = await services.rooms.open_by_name(ctx.user, name.value)
                    except ChatError as error:
                        forms.show(name, ctx, error)
                        return
                    if created:
                        ui.notify(ctx.t('room_created', name=room.name), type='positive')
                    ui.navigate.to(f'/room/{room.id}')

                name.on('keydown.enter', open_room)
                ui.button(ctx.t('open'), on_click=open_room).props('data-testid=open-room')
            room_list = RoomList(ctx)

            def filter_rooms(event: ValueChangeEventArguments) -> None:
                room_list.filter(event.value)

            name.on_value_change(filter_rooms)
        ctx.subscribe(LOBBY, room_list.on_event)  # before loading, so nothing changes unseen in between
        summaries, counts = await services.rooms.directory(ctx.user), await services.rooms.counts()
        room_list.load(summaries, counts)
        await sidebar.load()
