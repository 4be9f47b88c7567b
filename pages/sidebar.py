"""The rooms I have joined, in a drawer beside every signed-in page: unread counts, a mark when I was mentioned, a
filter that doubles as "join or create", "mark all read", and the unread total in the browser tab's title.

Counts come from one service call when the page is built (chat/unread.py), then live: each listed room's activity
topic says a message arrived (one small event, nothing else of that room reaches this page), and the user's topic
says which rooms the user has read on any page. The room this page shows is never counted: the page reads it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from nicegui import ui
from nicegui.element import Element
from nicegui.events import ValueChangeEventArguments

from chat.errors import ChatError
from chat.events import Event, MessageArrived, ModerationNotice, ReadMarked, RoomJoined
from chat.hub import activity_topic, user_topic
from chat.mentions import mentions_user
from chat.unread import COUNT_CAP
from chat.views import RoomUnread, RoomView
from pages import elements as el
from pages.context import PageContext
from pages.layout import MUTED, hint

ENTRY_CLASSES = ['items-center', 'gap-2', 'rounded-borders']
NAME_CLASSES = ['grow', 'min-w-0', 'truncate']
UNREAD_NAME_CLASSES = [*NAME_CLASSES, 'font-bold']
COUNT_PROPS = 'color=primary rounded'
MENTION_PROPS = 'color=negative rounded'
MARK_ALL_PROPS = {'flat': True, 'round': True, 'dense': True}


@dataclass(slots=True, eq=False)
class Entry:
    room: RoomView
    item: Element
    name: Element
    count: ui.badge | None = None  # made at the first unread message
    mention: ui.badge | None = None
    unread: int = 0
    mentioned: bool = False
    newest: int = 0  # the newest message counted (or read)


def count_text(unread: int) -> str:
    return f'{COUNT_CAP - 1}+' if unread >= COUNT_CAP else str(unread)


class RoomsSidebar:
    """Built inside the page's left drawer. `current`: the room the page shows (listed, highlighted, not counted)."""

    def __init__(self, ctx: PageContext, current: RoomView | None = None) -> None:
        self.ctx, self.current = ctx, current
        self.entries: dict[int, Entry] = {}
        self.title = ctx.t('app_name')
        self.shown_total = 0
        self.marks_heard = 0  # read marks heard from the user's pages: a recount started before a newer one is dropped
        # the fixed parts from the element API (light elements with the speed layer: every page holds them)
        with el.column(['w-full', 'gap-2', 'p-3', 'no-wrap'], props={'data-testid': 'sidebar'}) as self.column:
            with el.row(['w-full', 'items-center', 'justify-between', 'no-wrap']):
                el.text(ctx.t('joined_rooms'), ['text-subtitle2'])
                el.button(
                    self.mark_all_read,
                    icon='done_all',
                    props={**MARK_ALL_PROPS, 'data-testid': 'mark-all-read', **hint(ctx.t('mark_all_read'))},
                )
            self.filter = (
                ui.input(placeholder=ctx.t('filter_or_create'))
                .classes('w-full')
                .props('dense outlined clearable data-testid=rooms-filter')
            )
            # through a weak reference: a change handler kept on the field, which NiceGUI does not drop with the page,
            # would hold this drawer in a reference cycle, freed only by a full collection
            weak_filter = weakref.WeakMethod(self._filter)
            self.filter.on_value_change(lambda event: (method := weak_filter()) and method(event))
            self.filter.props.update({'aria-label': ctx.t('filter_or_create')})
            self.filter.on('keydown.enter', self._open_typed)
            self.list = el.box(['w-full'], tag='q-list', props={'dense': True, 'data-testid': 'my-rooms'})
            self.none = el.text(ctx.t('no_joined_rooms'), ['text-sm', 'px-2', *MUTED])
            self.error = el.text('', ['text-negative', 'text-sm'], props={'data-testid': 'sidebar-error'})
            el.link(ctx.t('browse_all_rooms'), '/', ['text-sm', 'px-2'])
        if current is not None:
            self._add(RoomUnread(current, 0, False, 0))

    async def load(self) -> int | None:
        """The user's rooms and what is unread there, from then on kept live. Returns the current room's read mark
        (None for a room not joined before)."""
        try:
            rooms = await self.ctx.services.unread.summary(self.ctx.user)
        except ChatError:
            return None  # the page itself says what is wrong (an ended session ends the page)
        if self.ctx.closed:
            return None
        last_read = None
        for room in rooms:  # in name order: each goes to the end of the list
            if self.current is not None and room.room.id == self.current.id:
                last_read = room.last_read
            else:
                self._add(room, place=False)
                self.ctx.subscribe(activity_topic(room.room.id), self._on_activity)
        if self.current is not None:  # built first, before the others were known
            self._place(self.entries[self.current.id])
        self.ctx.subscribe(user_topic(self.ctx.user.id), self._on_user_event)
        self._show_total()
        return last_read

    def _add(self, room: RoomUnread, *, place: bool = True) -> None:
        """The room's entry, at the end of the list, or (`place`) where its name belongs."""
        current = self.current is not None and room.room.id == self.current.id
        props = {'clickable': True, 'href': f'/room/{room.room.id}', 'data-testid': f'room-entry-{room.room.id}'}
        if current:
            props.update({'active': True, 'aria-current': 'page'})
        with self.list, el.box(ENTRY_CLASSES, tag='q-item', props=props) as item:  # a link: no handler of ours
            name = el.text(room.room.name, NAME_CLASSES)
        entry = self.entries[room.room.id] = Entry(room.room, item, name, newest=room.newest)
        if place:
            self._place(entry)
        self._set(entry, room.unread, room.mentioned)
        if self.none.visible:
            self.none.set_visibility(False)

    def _place(self, entry: Entry) -> None:
        """Name order: a room joined later, or the current room (listed before the others were known)."""
        key = entry.room.name.casefold()
        index = sum(1 for other in self.entries.values() if other is not entry and other.room.name.casefold() < key)
        if self.list.default_slot.children.index(entry.item) != index:
            el.place(self.list, entry.item, index)

    def _set(self, entry: Entry, unread: int, mentioned: bool) -> None:
        if unread and entry.count is None:
            with entry.item:
                entry.count = ui.badge(count_text(unread)).props(COUNT_PROPS)
                entry.count.props['data-testid'] = f'unread-{entry.room.id}'
                entry.count.props['aria-label'] = self.ctx.t('unread_count', count=unread)
        elif entry.count is not None and unread != entry.unread:
            entry.count.set_text(count_text(unread))
            entry.count.props['aria-label'] = self.ctx.t('unread_count', count=unread)
            entry.count.set_visibility(bool(unread))
        if mentioned and entry.mention is None:
            with entry.item:
                entry.mention = ui.badge('@').props(MENTION_PROPS)
                entry.mention.props['data-testid'] = f'mentioned-{entry.room.id}'
                entry.mention.props['aria-label'] = self.ctx.t('mentioned_you')
        elif entry.mention is not None and mentioned != entry.mentioned:
            entry.mention.set_visibility(mentioned)
        if bool(unread) != bool(entry.unread):
            el.set_classes(entry.name, UNREAD_NAME_CLASSES if unread else NAME_CLASSES)
        entry.unread, entry.mentioned = unread, mentioned

    def _on_activity(self, event: Event) -> None:
        if not isinstance(event, MessageArrived) or event.author_id == self.ctx.user.id:
            return
        entry = self.entries.get(event.room_id)
        if entry is None or event.message_id <= entry.newest:
            return
        entry.newest = event.message_id
        calls_me = mentions_user(event.mentions, self.ctx.user.username)
        self._set(entry, min(entry.unread + 1, COUNT_CAP), entry.mentioned or calls_me)
        self._show_total()
        if calls_me:  # said elsewhere: the person hears of it here, and the room's entry is the way there
            # top right, below the header: over the header it would hide the account menu's button for its 5 s
            ui.notify(
                self.ctx.t('mentioned_in', room=entry.room.name), position='top-right', type='info', classes='mt-12'
            )

    def _on_user_event(self, event: Event) -> None:
        if isinstance(event, RoomJoined):
            if event.room.id not in self.entries:  # entered on another page of the user
                self._add(RoomUnread(event.room, 0, False, 0))
                self.ctx.subscribe(activity_topic(event.room.id), self._on_activity)
            return
        if isinstance(event, ModerationNotice) and event.action in ('kick', 'ban'):  # no longer a member
            gone = self.entries.pop(event.room_id, None)
            if gone is not None:
                el.remove(self.list, gone.item)
                self._show_total()
            return
        if not isinstance(event, ReadMarked):
            return
        self.marks_heard += 1
        for room_id, message_id in event.marks:
            entry = self.entries.get(room_id)
            if entry is None:
                continue
            if message_id >= entry.newest:
                entry.newest = message_id
                self._set(entry, 0, False)
            elif entry.unread:  # read up to a message before the newest one counted here
                self.ctx.run(self._recount(entry))
        self._show_total()

    async def _recount(self, entry: Entry) -> None:
        """The count after a partial mark, from the service; again if a message came in while it counted."""
        for _ in range(3):
            newest, marks = entry.newest, self.marks_heard
            unread, mentioned = await self.ctx.services.unread.count(self.ctx.user, entry.room.id)
            if marks != self.marks_heard:
                return  # a later mark decides
            if entry.newest == newest and self.entries.get(entry.room.id) is entry:
                with self.column:  # after an await: the page's slot for the badge and the title
                    self._set(entry, unread, mentioned)
                    self._show_total()
                return

    def _show_total(self) -> None:
        """The browser tab says how much is unread elsewhere: "(3) Messenger"."""
        total = sum(entry.unread for entry in self.entries.values())
        if total != self.shown_total:
            self.shown_total = total
            ui.page_title(f'({count_text(total)}) {self.title}' if total else self.title)

    def _filter(self, event: ValueChangeEventArguments) -> None:
        words = (event.value or '').strip().casefold()
        shown = 0
        for entry in self.entries.values():
            visible = words in entry.room.name.casefold()
            shown += visible
            if entry.item.visible != visible:
                entry.item.set_visibility(visible)
        el.set_text(self.none, self.ctx.t('no_joined_match' if words else 'no_joined_rooms'))
        self.none.set_visibility(not shown)

    async def _open_typed(self) -> None:
        """Enter in the filter: the one room it leaves, or the room of that name (made when there is none)."""
        words = (self.filter.value or '').strip()
        matches = [entry for entry in self.entries.values() if entry.item.visible]
        if len(matches) == 1 and words:
            ui.navigate.to(f'/room/{matches[0].room.id}')
            return
        try:
            room, _ = await self.ctx.services.rooms.open_by_name(self.ctx.user, words)
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return
        ui.navigate.to(f'/room/{room.id}')

    async def mark_all_read(self) -> None:
        try:
            await self.ctx.services.unread.mark_all_read(self.ctx.user)
        except ChatError as error:
            self.ctx.show_error(error)
