"""The message feed of one open room: a bounded window of elements, newest at the bottom.

Each message is one `ui.chat_message` with one plain child div whose text Vue renders as a text node (never HTML).
Live messages append at the bottom and push the oldest out of the window; older pages come back on demand.
When a reader has paged far back, live messages stop appending and a "jump to newest" button brings them back, so
a page's server-side memory is bounded by the window whatever the room's life.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from chat.events import PrivateMessage
from chat.views import MessageView, UserView
from pages.formatting import stamp


class FeedMessage(ui.chat_message):
    """A message: the chat bubble and one text child (`ui.chat_message(text=...)` adds an `ui.html` per line)."""

    def __init__(self, body: str, *, message_id: int | None, author_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Quasar shows the default slot's element children (NiceGUI always passes that slot, so the `text` prop is
        # never used): one plain div whose own text Vue renders as a text node - escaped, never HTML
        with self:
            ui.element('div')._text = body
        self.body = body
        self.message_id = message_id
        self.author_id = author_id

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self.body, self._props.get('name'), self._props.get('label'), self._props.get('stamp')]


class Feed:
    def __init__(self, viewer: UserView, t: Callable[..., str], *, window: int, page_size: int,
                 load_page: Callable[[int | None], Awaitable[list[MessageView]]]) -> None:
        self.viewer, self.t, self.window, self.page_size = viewer, t, window, page_size
        self.time_zone = viewer.time_zone
        self._load_page = load_page
        self.items: deque[ui.element] = deque()
        self.newest_id = 0  # newest message id on screen (or seen and pushed out)
        self.oldest_id: int | None = None  # oldest message id on screen
        self.following = True  # False while the reader has paged away from the newest messages
        with ui.element('div').classes('w-full grow overflow-y-auto flex flex-col-reverse') \
                .props('data-testid=feed') as self.scroller:
            with ui.column().classes('w-full gap-0 px-2 pb-2') as self.column:
                self.older = ui.button(t('load_older'), on_click=self.load_older) \
                    .props('flat dense no-caps data-testid=load-older').classes('self-center')
                self.empty = ui.label(t('no_messages')).classes('self-center text-grey-7 py-4')
        self.newer = ui.button(t('jump_newest'), icon='south', on_click=self.jump_to_newest) \
            .props('rounded color=primary data-testid=jump-newest').classes('self-center')
        self.newer.set_visibility(False)

    # --- rendering ----------------------------------------------------------------------------------------------

    def _message(self, message: MessageView) -> FeedMessage:
        own = message.author.id == self.viewer.id
        return FeedMessage(
            message.body, message_id=message.id, author_id=message.author.id,
            name=message.author.display_name, stamp=stamp(message.created_at, self.time_zone),
            avatar=message.author.avatar_url, sent=own,
        ).classes('whitespace-pre-wrap break-words')

    def _show(self, messages: list[MessageView], *, at_top: bool) -> None:
        with self.column:
            elements = [self._message(m) for m in messages]
        if at_top:
            for offset, element in enumerate(elements):
                element.move(target_index=1 + offset)  # after the "load older" button
            self.items.extendleft(reversed(elements))
        else:
            self.items.extend(elements)
        if messages:
            self.empty.set_visibility(False)

    def show_newest(self, messages: list[MessageView]) -> None:
        self._show(messages, at_top=False)
        if messages:
            self.oldest_id = messages[0].id
            self.newest_id = max(self.newest_id, messages[-1].id)
        self.older.set_visibility(len(messages) >= self.page_size)

    def append(self, message: MessageView) -> None:
        """A live message: shown once, at the bottom, pushing the oldest out of the window."""
        if message.id <= self.newest_id:
            return
        self.newest_id = message.id
        if not self.following:
            self.newer.set_visibility(True)
            return
        self._show([message], at_top=False)
        self._trim_top()

    def notice(self, text: str) -> None:
        """Join/leave and room notices: part of the feed, never stored."""
        if not self.following:
            return
        with self.column:
            self.items.append(ui.label(text).classes('self-center text-xs text-grey-7 py-1 notice'))
        self._trim_top()

    def private(self, event: PrivateMessage) -> None:
        outgoing = event.sender.id == self.viewer.id
        name = self.t('private_to', name=event.recipient.display_name) if outgoing \
            else self.t('private_from', name=event.sender.display_name)
        with self.column:
            element = FeedMessage(
                event.body, message_id=None, author_id=event.sender.id, name=name,
                stamp=stamp(event.sent_at, self.time_zone), avatar=event.sender.avatar_url, sent=outgoing,
            ).classes('whitespace-pre-wrap break-words private-message').props(
                'bg-color=amber-2 data-testid=private-message')
        self.items.append(element)
        self.empty.set_visibility(False)
        self._trim_top()

    def _trim_top(self) -> None:
        while len(self.items) > self.window:
            dropped = self.items.popleft()
            dropped.delete()
            self.older.set_visibility(True)

    # --- paging --------------------------------------------------------------------------------------------------

    def _oldest_shown(self) -> int | None:
        shown = (e.message_id for e in self.items if isinstance(e, FeedMessage) and e.message_id)
        return next(shown, self.oldest_id)

    async def load_older(self) -> None:
        before = self._oldest_shown()
        if before is None:
            return
        messages = await self._load_page(before)
        if not messages:
            self.older.set_visibility(False)
            return
        self._show(messages, at_top=True)
        self.oldest_id = messages[0].id
        self.older.set_visibility(len(messages) >= self.page_size)
        while len(self.items) > self.window:  # keep the window: drop from the bottom, stop following live
            self.items.pop().delete()
            self.following = False
        if not self.following:
            self.newer.set_visibility(True)

    async def jump_to_newest(self) -> None:
        for element in self.items:
            element.delete()
        self.items.clear()
        self.following = True
        self.newer.set_visibility(False)
        self.newest_id = 0
        self.show_newest(await self._load_page(None))

    def set_time_zone(self, time_zone: str) -> None:
        self.time_zone = time_zone

    def rename_author(self, user: UserView) -> None:
        for element in self.items:
            if isinstance(element, FeedMessage) and element.author_id == user.id and element.message_id:
                element._props['name'] = user.display_name
                element._props['avatar'] = user.avatar_url
                element.update()
