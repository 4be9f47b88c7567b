"""The message feed of one open room: a bounded window of elements, newest at the bottom.

Each message is a `q-chat-message` element with one child div whose own text Vue renders as a text node (escaped,
never HTML; Quasar ignores its `text` prop because NiceGUI always passes a default slot, and drops bare text nodes).
Live messages append at the bottom and push the oldest out of the window; older pages come back on demand.
When a reader has paged far back, live messages stop appending and a "jump to newest" button brings them back, so
a page's server-side memory is bounded by the window whatever the room's life.

Speed (see docs/PERFORMANCE.md): a live message costs each open page one element creation and one update frame, so
the per-page work is kept small. Messages sit in blocks of at most BLOCK elements: adding or dropping a message
re-sends only its block's list of children, not the whole window's. No per-message classes (white-space and word
breaking are inherited from the column), no per-message change-handler round trips (props are set before the element
is first sent), and a message's time stamp is formatted once per time zone, not once per page.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from nicegui import ui

from chat.events import PrivateMessage
from chat.views import MessageView, UserView
from pages.formatting import stamp
from pages.light import (
    LightElement,
    SharedElement,
    SharedLeaf,
    current_parent,
    hide_shared,
    light_button,
    light_text,
    shared,
    show_shared,
)
from pages.speedups import SmallDeque

BLOCK = 25  # elements per block: an append re-sends at most this many child ids

# Pages share a message's stamp because they build it at the same moment (a live message reaches every open page of
# its room at once) or from the same recent history; older entries only hold memory, and a miss costs no more than
# formatting it again. So the cache is sized for a few busy rooms' windows, not for the history.
CACHED_MESSAGES = 256


@lru_cache(maxsize=CACHED_MESSAGES)
def _stamp(created_at: datetime, time_zone: str | None, _minute: int) -> str:
    return stamp(created_at, time_zone)


def cached_stamp(created_at: datetime, time_zone: str | None) -> str:
    """The same text as `stamp`; shared by every page in that time zone (re-checked each minute for the date)."""
    return _stamp(created_at, time_zone, int(time.time() // 60))


NOTICE_CLASSES = ['self-center', 'text-xs', 'text-grey-7', 'py-1', 'notice']
SCROLLER_CLASSES = ['w-full', 'grow', 'overflow-y-auto', 'flex', 'flex-col-reverse']
COLUMN_CLASSES = ['nicegui-column', 'w-full', 'gap-0', 'px-2', 'pb-2', 'whitespace-pre-wrap', 'break-words',
                  'items-stretch']
BLOCK_CLASSES = ['nicegui-column', 'w-full', 'gap-0', 'items-stretch']


class FeedMessage(LightElement):
    """A message bubble (`q-chat-message`) and one child div whose text node is the body (text, never HTML).

    Quasar renders only element children of the default slot (getNormalizedVNodes drops bare text nodes, and NiceGUI
    always passes that slot, so the `text` prop is ignored): one plain div carrying the text as a text node - escaped,
    never HTML. Checked in Chromium by tests/e2e. Both are light elements (pages/light.py)."""

    __slots__ = ('author_id', 'message_id')

    def __init__(self, parent: ui.element, body: str, *, message_id: int | None, author_id: int, name: str,
                 stamp: str, avatar: str, sent: bool, extra: dict[str, Any] | None = None,
                 classes: list[str] | None = None) -> None:
        props = {'name': name, 'stamp': stamp, 'avatar': avatar, 'sent': sent, **(extra or {})}
        super().__init__(parent, 'q-chat-message', props=props, classes=classes, leaf=False)
        light_text(self, body)
        self.message_id = message_id
        self.author_id = author_id

    def _displayed_contents(self, *, only_visible: bool) -> list:
        body = self.default_slot.children[0]._text
        return [body, self._props.get('name'), self._props.get('label'), self._props.get('stamp')]


MESSAGE_IDS = 1 << 40  # element ids of shared bubbles: far above any page's own counter, exact in JavaScript


class SharedMessage(SharedElement, FeedMessage):
    """A stored message's bubble and its text, one pair for every page of the room that shows it the same way
    (same stamp, same side, same author name and picture).

    A live message reaches every open page of its room at the same moment, and each used to build its own two
    elements: now each page only lists the shared pair (its element ids are the same on every page, derived from
    the message id, so they never clash with a page's own) and sends its cached wire form. Pages never edit it in
    place: a renamed author gets new props, re-sent by each page that shows the bubble."""

    __slots__ = ('_wire', 'text')

    def __init__(self, message_id: int, author_id: int, body: str, name: str, avatar: str, stamp: str,
                 sent: bool) -> None:  # pylint: disable=super-init-not-called
        self._share(MESSAGE_IDS + 2 * message_id, 'q-chat-message', leaf=False,
                    props={'name': name, 'stamp': stamp, 'avatar': avatar, 'sent': sent})
        self.text = SharedLeaf(self.id + 1, 'div', text=body, parent_slot=self.default_slot)
        self.default_slot.children.append(self.text)
        self.message_id, self.author_id = message_id, author_id
        self._wire: dict[str, Any] | None = None

    def _to_dict(self) -> dict[str, Any]:
        if self._wire is None:
            self._wire = super()._to_dict()
        return self._wire

    def replace_props(self, props: dict[str, Any]) -> None:
        """Each page showing it re-sends it (`Feed.rename_author`)."""
        self._props = props  # type: ignore[assignment]
        self._wire = None


def shared_message(message: MessageView, stamp: str, sent: bool) -> SharedMessage:
    """The bubble other pages show for this message, stamp, side and author profile, or a new one."""
    author = message.author
    key = ('message', message.id, message.body, author.display_name, author.avatar_url, stamp, sent)
    return shared(key, lambda: SharedMessage(message.id, author.id, message.body, author.display_name,  # type: ignore[return-value]
                                             author.avatar_url, stamp, sent))


class Feed:
    def __init__(self, viewer: UserView, t: Callable[..., str], *, window: int, page_size: int,
                 load_page: Callable[[int | None], Awaitable[list[MessageView]]]) -> None:
        self.viewer, self.t, self.window, self.page_size = viewer, t, window, page_size
        self.time_zone = viewer.time_zone
        self._load_page = load_page
        self.items: SmallDeque = SmallDeque()  # messages and notices on screen, oldest first
        self.blocks: SmallDeque = SmallDeque()  # their containers, oldest first
        self.newest_id = 0  # newest message id on screen (or seen and pushed out)
        self.oldest_id: int | None = None  # oldest message id on screen
        self.following = True  # False while the reader has paged away from the newest messages
        # the newest presence notice and what it says (kind, first two names, count): the next arrival may join it
        self.last_presence: tuple[ui.element, str, list[str], int] | None = None
        parent = current_parent()
        self.scroller = LightElement(parent, 'div', props={'data-testid': 'feed'}, classes=SCROLLER_CLASSES,
                                     leaf=False)
        # items-stretch: own messages sit on the right
        self.column = LightElement(self.scroller, 'div', classes=COLUMN_CLASSES, leaf=False)
        self.older = light_button(self.column, self.load_older, label=t('load_older'), classes=['self-center'],
                                  props={'flat': True, 'dense': True, 'no-caps': True, 'data-testid': 'load-older'})
        self.empty = light_text(self.column, t('no_messages'), ['self-center', 'text-grey-7', 'py-4'])
        self.newer = light_button(parent, self.jump_to_newest, label=t('jump_newest'), icon='south',
                                  classes=['self-center'], props={'rounded': True, 'data-testid': 'jump-newest'})
        self.newer.set_visibility(False)

    # --- rendering ----------------------------------------------------------------------------------------------

    def _message(self, block: ui.element, message: MessageView) -> FeedMessage:
        """The shared bubble of a stored message, listed on this page (in `block`)."""
        bubble = shared_message(message, cached_stamp(message.created_at, self.time_zone),
                                message.author.id == self.viewer.id)
        show_shared(block, bubble, bubble.text)
        return bubble

    def _new_block(self, *, at_top: bool) -> ui.element:
        block = LightElement(self.column, 'div', classes=BLOCK_CLASSES, leaf=False)
        if at_top:
            block.move(target_index=2)  # after the "load older" button and the "no messages" label
            self.blocks.appendleft(block)
        else:
            self.blocks.append(block)
        return block

    def _bottom_block(self) -> ui.element:
        if self.blocks and len(self.blocks[-1].default_slot.children) < BLOCK:
            return self.blocks[-1]
        return self._new_block(at_top=False)

    def _add_bottom(self, make: Callable[[ui.element], ui.element]) -> ui.element:
        block = self._bottom_block()
        element = make(block)
        self.items.append(element)
        return element

    def _drop(self, element: ui.element, block: ui.element) -> None:
        """`element` is the first or last item, so it sits in the first or last `block`."""
        if isinstance(element, SharedMessage):  # off this page only: other pages may still show it
            hide_shared(block, element, element.text)
        else:
            element.delete()
        if not block.default_slot.children:
            self.blocks.remove(block)
            block.delete()

    def _show(self, messages: list[MessageView], *, at_top: bool) -> None:
        if not messages:
            return
        if at_top:
            block = self._new_block(at_top=True)
            elements = [self._message(block, m) for m in messages]
            self.items.extendleft(reversed(elements))
        else:
            for message in messages:
                self._add_bottom(lambda block, m=message: self._message(block, m))
        self.empty.set_visibility(False)

    def show_newest(self, messages: list[MessageView]) -> None:
        self._show(messages, at_top=False)
        if messages:
            self.oldest_id = messages[0].id
            self.newest_id = max(self.newest_id, messages[-1].id)
        self.older.set_visibility(len(messages) >= self.page_size)

    def append(self, message: MessageView) -> None:
        """A live message: shown once, at the bottom, pushing the oldest out of the window.

        Dropped only when already shown (it came with the history loaded at entry): with several instances, events of
        concurrent posts may arrive slightly out of id order, and an older one must not be lost."""
        if message.id <= self.newest_id and (not self.following or self._on_screen(message.id)):
            return
        self.newest_id = max(self.newest_id, message.id)
        if not self.following:
            self.newer.set_visibility(True)
            return
        self._add_bottom(lambda block: self._message(block, message))
        if self.empty.visible:
            self.empty.set_visibility(False)
        self._trim_top()

    def _on_screen(self, message_id: int) -> bool:
        """Only asked for a message not newer than the newest shown (a duplicate, or one overtaken by a later one):
        a scan of the window from its newest end, instead of a set of ids whose table only ever grows."""
        return any(isinstance(e, FeedMessage) and e.message_id == message_id for e in reversed(self.items))

    def notice(self, text: str) -> ui.element | None:
        """Room notices (renamed, joined, left): part of the feed, never stored."""
        if not self.following:
            return None
        element = self._add_bottom(lambda block: light_text(block, text, NOTICE_CLASSES))
        self._trim_top()
        return element

    def presence(self, kind: str, name: str) -> None:
        """"Ann joined" / "Ann left". Arrivals (or departures) in a row share one line - "Ann, Bob and 12 more
        joined" - so a crowd filling a room neither floods the feed nor adds an element per arrival to every page."""
        last = self.last_presence
        if last is not None and self.following and self.items and self.items[-1] is last[0] and last[1] == kind:
            element, _, names, count = last
            if len(names) < 2:
                names.append(name)
            self.last_presence = (element, kind, names, count + 1)
            element.set_text(self._presence_text(kind, names, count + 1))  # type: ignore[attr-defined]
            return
        element = self.notice(self._presence_text(kind, [name], 1))
        self.last_presence = (element, kind, [name], 1) if element is not None else None

    def _presence_text(self, kind: str, names: list[str], count: int) -> str:
        if count == 1:
            return self.t(kind, name=names[0])
        if count == 2:
            return self.t(f'{kind}_two', first=names[0], second=names[1])
        return self.t(f'{kind}_many', first=names[0], second=names[1], count=count - 2)

    def private(self, event: PrivateMessage) -> None:
        outgoing = event.sender.id == self.viewer.id
        name = self.t('private_to', name=event.recipient.display_name) if outgoing \
            else self.t('private_from', name=event.sender.display_name)

        def make(block: ui.element) -> ui.element:
            return FeedMessage(
                block, event.body, message_id=None, author_id=event.sender.id, name=name,
                stamp=cached_stamp(event.sent_at, self.time_zone), avatar=event.sender.avatar_url, sent=outgoing,
                extra={'bg-color': 'amber-2', 'data-testid': 'private-message'}, classes=['private-message'],
            )

        self._add_bottom(make)
        self.empty.set_visibility(False)
        self._trim_top()

    def _trim_top(self) -> None:
        while len(self.items) > self.window:
            self._drop(self.items.popleft(), self.blocks[0])
            if not self.older.visible:
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
            self._drop(self.items.pop(), self.blocks[-1])
            self.following = False
        if not self.following:
            self.newer.set_visibility(True)

    async def jump_to_newest(self) -> None:
        for block in self.blocks:
            block.delete()
        self.blocks.clear()
        self.items.clear()
        self.following = True
        self.newer.set_visibility(False)
        self.newest_id = 0
        self.show_newest(await self._load_page(None))

    def set_time_zone(self, time_zone: str) -> None:
        self.time_zone = time_zone

    def rename_author(self, user: UserView) -> None:
        outbox = self.column.client.outbox
        for element in self.items:
            if isinstance(element, SharedMessage) and element.author_id == user.id:
                renamed = {'name': user.display_name, 'avatar': user.avatar_url}
                if any(element._props.get(key) != value for key, value in renamed.items()):
                    element.replace_props({**element._props, **renamed})  # the first page to hear of it
                outbox.enqueue_update(element)
