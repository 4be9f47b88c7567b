"""The message feed of one open room: a bounded window of elements, newest at the bottom.

Each message is a `q-chat-message` element with one child div whose own text Vue renders as a text node (escaped,
never HTML; Quasar ignores its `text` prop because NiceGUI always passes a default slot, and drops bare text nodes);
a body with formatting is that div with sanitized HTML instead, and a long body is folded (pages/message_body.py).
Live messages append at the bottom and push the oldest out of the window; older pages come back on demand,
prepended above what is on screen (the scroller is `flex-col-reverse`: the browser keeps the message being read in
place), and the window grows to hold them up to `PAGED_WINDOW` history pages. Beyond that the bottom goes, live
messages stop appending and a "jump to newest" button brings them back, so a page's server-side memory is bounded
whatever the room's life. The room's first message is announced ("the beginning of the room") instead of the button.

Reading comfort: a day separator ("Today", "Yesterday", "5 December") in the viewer's time zone and language comes
before the first message of each day; an author's messages less than `GROUP_GAP` apart on one day form a group whose
followers show no name and no avatar (`BubbleLook.follower`: a shared bubble differs by it). Both are decided by
comparing a message with the item just before it only, so a live message stays O(1) per page; a deleted message, a
notice or a separator breaks a group. When the top of the window goes, what the first message lost with it (its
day's separator, its leader's name) is shown above it by header lines of the page, updated only when they change.

Speed (see docs/PERFORMANCE.md): a live message costs each open page one element creation and one update frame, so
the per-page work is kept small. Messages sit in blocks of at most BLOCK elements: adding or dropping a message
re-sends only its block's list of children, not the whole window's. No per-message classes (white-space and word
breaking are inherited from the column), no per-message change-handler round trips (props are set before the element
is first sent), and a message's time stamp is formatted once per time zone, not once per page.

Changes to a message on screen (edited, deleted, its reactions) touch that message only: a new bubble in its place,
or a new reaction row under it. What differs per viewer (own reactions, the menu's items, a highlighted message) is
built on this page, never in the bubble that the speed layer shares between pages.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from nicegui.element import Element
from nicegui.events import GenericEventArguments

from chat import previews
from chat.events import MessageDeleted, MessageEdited, PrivateMessage, ReactionsChanged
from chat.i18n import Bytes
from chat.mentions import mentions_user
from chat.views import AttachmentView, MessageView, QuoteView, ReactionView, UserView
from pages import elements as el
from pages.elements import BubbleLook, FileTile, ReactionChip
from pages.formatting import aware, day_label, local_day, stamp, utc_now
from pages.message_body import folds

BLOCK = 25  # elements per block: an append re-sends at most this many child ids
GROUP_GAP = timedelta(minutes=5)  # an author's next message within this time joins their group (no name again)
THUMB_SHOWN = 240  # CSS pixels of an image's longer side in a bubble (the thumbnail has 320: sharp on HiDPI too)
PAGED_WINDOW = 4  # while paging back, the window grows to hold this many history pages (then trims the bottom)

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


NOTICE_CLASSES = ['self-center', 'text-xs', 'text-grey-7', 'dark:text-gray-400!', 'py-1', 'notice']
# never the browser's scroll anchor: a separator may go as an older page comes in, and the anchor must stay
# looks like a notice, but is none (notices are the room's events: joined, left, renamed)
SEPARATOR_CLASSES = [*(c for c in NOTICE_CLASSES if c != 'notice'), 'font-medium', '[overflow-anchor:none]']
SEPARATOR_PROPS = {'data-testid': 'day-separator'}
# where the reader stopped reading: a line with its words, in the accent colour (not a room notice either)
UNREAD_CLASSES = [
    'w-full',
    'text-center',
    'text-xs',
    'font-medium',
    'text-negative',
    'border-t',
    'border-red-300',
    'mt-2',
    'pt-1',
    '[overflow-anchor:none]',
]
UNREAD_PROPS = {
    'data-testid': 'unread-divider',
    'role': 'separator',
}  # shared (light elements never edit their props in place)
# a follower's author above it when it is the first message in the window (Quasar's own name line, indented likewise)
NAME_HEADER_CLASSES = ['text-[small]', 'pl-14', '[overflow-anchor:none]']
OWN_NAME_HEADER_CLASSES = ['text-[small]', 'text-right', 'pr-14', '[overflow-anchor:none]']
NAME_HEADER_PROPS = {'data-testid': 'top-name'}
SCROLLER_CLASSES = ['w-full', 'grow', 'overflow-y-auto', 'flex', 'flex-col-reverse']
# min-w-0 on the column of each bubble (Quasar's, inside q-chat-message): a bubble is never wider than the feed, so a
# code block scrolls inside it and a long word wraps, instead of the bubble leaving the screen
COLUMN_CLASSES = [
    'w-full',
    'gap-0',
    'px-2',
    'pb-2',
    'whitespace-pre-wrap',
    'break-words',
    'items-stretch',
    '[&_.q-message-container>div]:min-w-0',
]
BLOCK_CLASSES = ['w-full', 'gap-0', 'items-stretch']
REACTIONS_CLASSES = ['w-full', 'gap-1', 'pb-1']
REACTIONS_SENT_CLASSES = [*REACTIONS_CLASSES, 'justify-end', 'pr-12']
REACTIONS_RECEIVED_CLASSES = [*REACTIONS_CLASSES, 'pl-12']


BOTTOM_LINE_CLASSES = ['h-px', 'shrink-0']


@dataclass(slots=True, eq=False)
class Item:
    """One message or notice on screen."""

    element: Element
    message_id: int | None = None  # a stored message's id
    author_id: int | None = None  # a message's author
    message: MessageView | None = None  # a stored message as it is now on screen (edits, reactions)
    reactions: Element | None = None  # its row of reactions, under the bubble: built on this page, for its viewer
    follower: bool = False  # a message grouped under the one before it (same author, soon after): no name
    day: date | None = None  # a day separator's day


class Feed:
    def __init__(
        self,
        viewer: UserView,
        t: Callable[..., str],
        *,
        window: int,
        page_size: int,
        load_page: Callable[[int | None], Awaitable[list[MessageView]]],
        load_around: Callable[[int], Awaitable[tuple[list[MessageView], bool]]] | None = None,
        on_menu: Callable[[MessageView], object] | None = None,
        on_react: Callable[[int, str, bool], Awaitable[object]] | None = None,
        run: Callable[[Awaitable[object]], object] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """`clock`: now, in UTC, for what "Today" is (tests move it past midnight)."""
        self.viewer, self.t, self.window, self.page_size = viewer, t, window, page_size
        self.clock = clock
        self.time_zone = viewer.time_zone
        self.fold = (t('show_more'), t('show_less'))  # a long message's button, folded and unfolded
        self._load_page, self._load_around = load_page, load_around
        self._on_menu, self._on_react, self._run = on_menu, on_react, run
        # the words every bubble may need, looked up once per page
        self._menu_title = t('message_actions')
        self._deleted_text = t('message_deleted')
        self._edited_mark = t('message_edited_mark')
        self.highlighted: Item | None = None  # the message a permalink or a quote led to
        el.bubble_actions(self)
        self.items: deque[Item] = deque()  # messages and notices on screen, oldest first
        self.blocks: deque[Element] = deque()  # their containers, oldest first
        self.newest_id = 0  # newest message id on screen (or seen and pushed out)
        self.oldest_id: int | None = None  # oldest message id on screen
        self.following = True  # False while the reader has paged away from the newest messages
        self.at_bottom = True  # False while the reader has scrolled up from the newest messages
        # live messages that arrived below a reader scrolled up: how many, and the first of them
        self.unseen = 0
        self.first_unseen: Item | None = None  # the "New messages" line above the first of them
        self.live_divider: Item | None = None  # the newest such line (one at a time)
        # the reader is back at the newest messages (called with the newest id, while following them)
        self.on_bottom: Callable[[int], object] | None = None
        # items the window holds: grows while the reader pages back (up to `cap`), so older pages prepend
        self.limit = window
        self.cap = max(window, PAGED_WINDOW * page_size)
        self.bottom_day: date | None = None  # the day of the newest message shown: a later day gets a separator
        self.relative_days: list[Item] = []  # separators saying "Today" or "Yesterday": renamed as days pass
        # the newest presence notice and what it says (kind, first two names, count): the next arrival may join it
        self.last_presence: tuple[Item, str, list[str], int] | None = None
        # a named region the keyboard can reach (tabindex) and scroll with the arrow keys
        scroller_props = {'data-testid': 'feed', 'tabindex': '0', 'role': 'region', 'aria-label': t('feed_label')}
        with el.box(SCROLLER_CLASSES, props=scroller_props) as self.scroller:
            # items-stretch: own messages sit on the right
            with el.column(COLUMN_CLASSES) as self.column:
                # never the browser's scroll anchor: the message being read is, so it stays put as older ones come in
                self.older = el.button(
                    self.load_older,
                    label=t('load_older'),
                    classes=['self-center', '[overflow-anchor:none]'],
                    props={'flat': True, 'dense': True, 'no-caps': True, 'data-testid': 'load-older'},
                )
                self.beginning = el.text(t('room_beginning'), NOTICE_CLASSES, props={'data-testid': 'room-beginning'})
                self.beginning.set_visibility(False)
                self.empty = el.text(t('no_messages'), ['self-center', 'text-grey-7', 'dark:text-gray-400!', 'py-4'])
                # above the first message when the window's top went: its day, and its author's name (a follower)
                self.day_header = el.text('', SEPARATOR_CLASSES, props=SEPARATOR_PROPS)
                self.name_header = el.text('', NAME_HEADER_CLASSES, props=NAME_HEADER_PROPS)
                self.own_name_header = el.text('', OWN_NAME_HEADER_CLASSES, props=NAME_HEADER_PROPS)
                for header in (self.day_header, self.name_header, self.own_name_header):
                    header.set_visibility(False)
        self.top_day: date | None = None  # what the header lines show
        self.top_name: tuple[str, bool] | None = None  # (name, own)
        self.fixed = len(self.column.default_slot.children)  # the column's children before the blocks
        self.newer = el.button(
            self.jump_to_newest,
            label=t('jump_newest'),
            icon='south',
            classes=['self-center'],
            props={'rounded': True, 'data-testid': 'jump-newest'},
        )
        self.newer.set_visibility(False)
        self.below = el.button(
            self.show_unseen,
            label='',
            icon='south',
            classes=['self-center'],
            props={'rounded': True, 'color': 'primary', 'data-testid': 'new-below'},
        )
        self.below.set_visibility(False)
        # a line one pixel high under the newest message: Quasar's intersection component (the browser's
        # IntersectionObserver; no JavaScript of ours) says when it comes into view and leaves it, that is whether
        # the reader is at the newest messages, which decides whether new ones are read or announced. First child of
        # the `flex-col-reverse` scroller, so it sits at the bottom.
        with self.scroller:
            bottom = el.watcher('q-intersection', 'visibility', self._bottom_seen, BOTTOM_LINE_CLASSES)
        el.place(self.scroller, bottom, 0)

    # --- where the reader is ------------------------------------------------------------------------------------

    def _bottom_seen(self, event: GenericEventArguments) -> None:
        at_bottom = event.args is True or (isinstance(event.args, list) and event.args[:1] == [True])
        if at_bottom == self.at_bottom:
            return
        self.at_bottom = at_bottom
        if at_bottom:
            self._forget_unseen()
            if self.on_bottom is not None and self.following and self.newest_id:
                self.on_bottom(self.newest_id)

    def _forget_unseen(self) -> None:
        self.unseen, self.first_unseen = 0, None
        if self.below.visible:
            self.below.set_visibility(False)

    def show_unseen(self) -> None:
        """ "N new messages ↓": to the first message that arrived while the reader was scrolled up (the line above
        it, which this page owns; a message's bubble may be shared with other pages)."""
        first = self.first_unseen
        self._forget_unseen()
        if first is not None and first in self.items:
            first.element.run_method('scrollIntoView', {'block': 'start'})

    # --- rendering ----------------------------------------------------------------------------------------------

    def _look(self, message: MessageView, highlighted: bool = False, follower: bool = False) -> BubbleLook:
        stamp = cached_stamp(message.created_at, self.time_zone)
        if message.deleted:
            sent = message.author.id == self.viewer.id
            return BubbleLook(self._deleted_text, stamp, sent, deleted=True, highlighted=highlighted)
        if message.edited_at is not None:
            stamp = f'{stamp} · {self._edited_mark}'
        quote = None
        if (reply := message.reply) is not None:
            words = self._deleted_text if reply.deleted else previews.line(self.t, reply.first_line, reply.files)
            quote = f'{reply.author_name}: {words}'
        menu = self._menu_title if self._on_menu is not None else None
        return BubbleLook(
            message.body,
            stamp,
            message.author.id == self.viewer.id,
            quote=quote,
            menu=menu,
            highlighted=highlighted,
            formatted=message.formatted,
            fold=self.fold if folds(message.body) else None,
            mentioned=mentions_user(message.mentions, self.viewer.username),
            follower=follower,
            files=tuple(self._tile(a) for a in message.attachments),
        )

    def _tile(self, attachment: AttachmentView) -> FileTile:
        size = self.t('attachment_size', n=Bytes(attachment.size))
        if not attachment.image:
            return FileTile(attachment.url, attachment.name, size, self.t('attachment_download', name=attachment.name))
        width, height = attachment.width or THUMB_SHOWN, attachment.height or THUMB_SHOWN
        scale = min(1.0, THUMB_SHOWN / max(width, height))
        title = self.t('attachment_open', name=attachment.name)
        shown = (max(1, round(width * scale)), max(1, round(height * scale)))
        return FileTile(attachment.url, attachment.name, size, title, attachment.thumb_url, *shown)

    def _message(self, message: MessageView, follower: bool = False) -> Item:
        """A stored message's bubble (and its reactions), in the current block."""
        bubble = el.bubble(message, self._look(message, follower=follower), self)
        item = Item(bubble, message.id, message.author.id, message, follower=follower)
        if message.reactions:
            item.reactions = self._reaction_row(message)
        return item

    def _separator(self, day: date) -> Item:
        """ "Today", "Yesterday" or the date, above the first message of a day (in the viewer's time zone)."""
        today = self.today()
        item = Item(el.text(day_label(day, today, self.t), SEPARATOR_CLASSES, props=SEPARATOR_PROPS), day=day)
        if today - day <= timedelta(days=1):
            self.relative_days.append(item)
        return item

    def today(self) -> date:
        """The viewer's day now, in their time zone."""
        return local_day(self.clock(), self.time_zone)

    def new_day(self) -> None:
        """The viewer's midnight passed while the page stayed open (pages/room.py's `Midnight` calls it): "Today" says
        "Yesterday" now, and "Yesterday" the date; so does the header line above a trimmed window's first message."""
        if self.relative_days:
            self._rename_days()
        if self.top_day is not None:
            el.set_text(self.day_header, day_label(self.top_day, self.today(), self.t))

    def _rename_days(self) -> None:
        """A new day began on this page: yesterday's "Today" says "Yesterday" now (a few separators at most)."""
        today = self.today()
        for item in self.relative_days:
            if item.day is not None:
                el.set_text(item.element, day_label(item.day, today, self.t))
        self.relative_days = [i for i in self.relative_days if i.day is not None and today - i.day <= timedelta(1)]

    def _reaction_row(self, message: MessageView) -> Element:
        """The counts under a bubble, the viewer's own marked (`aria-pressed`, filled); each one's hint names who.
        Viewers without a reaction of their own see the same row (the speed layer shares it between their pages)."""
        classes = REACTIONS_SENT_CLASSES if message.author.id == self.viewer.id else REACTIONS_RECEIVED_CLASSES
        chips = tuple(
            ReactionChip(r.emoji, f'{r.emoji} {r.count}', self._who(r), self.viewer.id in r.user_ids)
            for r in message.reactions
        )
        return el.reactions(message.id, chips, classes, self._toggle)

    def _who(self, reaction: ReactionView) -> str:
        names = ', '.join(reaction.names)
        more = reaction.count - len(reaction.names)
        return self.t('reacted_more', names=names, count=more) if more > 0 else names

    async def _toggle(self, message_id: int, emoji: str, present: bool) -> None:
        if self._on_react is not None:
            await self._on_react(message_id, emoji, present)

    # --- what a click in a bubble does (el.BubbleActions) ---------------------------------------------------------

    def menu(self, message_id: int) -> None:
        item = self.item(message_id)
        if item is not None and item.message is not None and self._on_menu is not None:
            self._on_menu(item.message)

    def quote(self, message_id: int) -> None:
        item = self.item(message_id)
        if item is None or item.message is None or item.message.reply is None:
            return
        target = item.message.reply.message_id
        if self._run is not None:
            self._run(self.show_message(target))

    # --- changes to messages on screen -----------------------------------------------------------------------------

    def item(self, message_id: int) -> Item | None:
        """The message on screen, if it is."""
        return next((item for item in reversed(self.items) if item.message_id == message_id), None)

    def _block_of(self, item: Item) -> Element:
        return next(block for block in self.blocks if item.element in block.default_slot.children)

    def _rebuild(self, item: Item, message: MessageView) -> None:
        """The message's bubble changed (text, mark, quote, highlight): a new bubble takes its place."""
        block = self._block_of(item)
        with block:
            look = self._look(message, highlighted=item is self.highlighted, follower=item.follower)
            new = el.bubble(message, look, self)
        if new is item.element:  # the same shared bubble (nothing this viewer sees changed): listed once only
            block.default_slot.children.pop()
        else:
            el.replace(block, item.element, new)
        item.element, item.message = new, message

    def edited(self, event: MessageEdited) -> None:
        item = self.item(event.message_id)
        if item is not None and item.message is not None:
            self._rebuild(
                item,
                replace(
                    item.message,
                    body=event.body,
                    edited_at=event.edited_at,
                    formatted=event.formatted,
                    mentions=event.mentions,
                ),
            )

    def deleted(self, event: MessageDeleted) -> None:
        """The text goes from this page too; replies on screen quoting it say so. A deleted message stands alone: it
        and the message after it show their author's name."""
        items = list(self.items)
        for index, item in enumerate(items):
            message = item.message
            if message is None:
                continue
            if item.message_id == event.message_id:
                self._set_reactions(item, ())
                item.follower = False
                gone = replace(message, body='', deleted=True, reply=None, reactions=(), formatted=None, attachments=())
                self._rebuild(item, gone)
                if index + 1 < len(items):
                    self._lead(items[index + 1])
                if index == 0:
                    self._refresh_top()
            elif message.reply is not None and message.reply.message_id == event.message_id:
                reply = QuoteView(event.message_id, message.reply.author_name, '', deleted=True)
                self._rebuild(item, replace(message, reply=reply))

    def reactions_changed(self, event: ReactionsChanged) -> None:
        item = self.item(event.message_id)
        if item is not None:
            self._set_reactions(item, event.reactions)

    def _set_reactions(self, item: Item, reactions: tuple[ReactionView, ...]) -> None:
        """Only the reaction row of that one message changes (or appears, or goes)."""
        if item.message is None:
            return
        message = item.message = replace(item.message, reactions=reactions)
        block = self._block_of(item)
        if item.reactions is not None:
            el.remove(block, item.reactions)
            item.reactions = None
        if reactions:
            with block:
                row = self._reaction_row(message)
            el.place(block, row, block.default_slot.children.index(item.element) + 1)
            item.reactions = row

    # --- jumping to a message --------------------------------------------------------------------------------------

    async def show_message(self, message_id: int) -> bool:
        """Highlights the message and scrolls it into view; not in the window: loads its page of history first
        (the same page a permalink opens). False when the room has no such message."""
        item = self.item(message_id)
        if item is None:
            if self._load_around is None:
                return False
            messages, has_newer = await self._load_around(message_id)
            self.show_around(messages, has_newer)
            item = self.item(message_id)
            if item is None:
                return False
        self.highlight(item)
        return True

    def show_around(self, messages: list[MessageView], has_newer: bool) -> None:
        """A page of history that may not reach the newest message: live messages wait behind "jump to newest"."""
        self._clear()
        self.following = not has_newer
        self._show(messages, at_top=False)
        if messages:
            self.oldest_id = messages[0].id
            self.newest_id = messages[-1].id
        self.older.set_visibility(bool(messages))
        self.newer.set_visibility(has_newer)

    def highlight(self, item: Item) -> None:
        previous, self.highlighted = self.highlighted, item
        if previous is not None and previous is not item and previous in self.items and previous.message:
            self._rebuild(previous, previous.message)
        if item.message is not None:
            self._rebuild(item, item.message)
        el.reveal(item.element)

    def _lead(self, item: Item) -> None:
        """A follower whose leader was deleted shows its author's name again."""
        if item.follower and item.message is not None:
            item.follower = False
            self._rebuild(item, item.message)

    def _new_block(self, *, at_top: bool) -> Element:
        with self.column:
            block = el.column(BLOCK_CLASSES)
        if at_top:
            block.move(target_index=self.fixed)  # after the button, the labels and header lines
            self.blocks.appendleft(block)
        else:
            self.blocks.append(block)
        return block

    def _bottom_block(self) -> Element:
        if self.blocks and len(self.blocks[-1].default_slot.children) < BLOCK:
            return self.blocks[-1]
        return self._new_block(at_top=False)

    def _add_bottom(self, make: Callable[[], Item]) -> Item:
        with self._bottom_block():
            item = make()
        self.items.append(item)
        return item

    def _add_message(self, message: MessageView) -> None:
        """A stored message at the bottom: after a day separator when its day is a new one, and grouped with the
        item before it when that is its author's message from just before. Compares with the last item only."""
        day = local_day(message.created_at, self.time_zone)
        if day != self.bottom_day:
            if self.relative_days:
                self._rename_days()
            self._add_bottom(lambda: self._separator(day))
            self.bottom_day = day
        follower = _follows(self.items[-1].message if self.items else None, message)
        self._add_bottom(lambda: self._message(message, follower))

    def _sequence(self, messages: list[MessageView]) -> list[Item]:
        """Older messages in the current block, with their separators and groups (their first message leads)."""
        items: list[Item] = []
        day: date | None = None
        for message in messages:
            message_day = local_day(message.created_at, self.time_zone)
            if message_day != day:
                items.append(self._separator(message_day))
                day = message_day
            items.append(self._message(message, _follows(items[-1].message, message)))
        return items

    def _drop(self, item: Item, block: Element) -> None:
        """`item` sits in `block` (the first or last item in the first or last block, or a separator that moved)."""
        if item.day is not None and item in self.relative_days:
            self.relative_days.remove(item)
        el.remove(block, item.element)
        if item.reactions is not None:
            el.remove(block, item.reactions)
        if item is self.highlighted:
            self.highlighted = None
        if not block.default_slot.children:
            self.blocks.remove(block)
            block.delete()

    def _show(self, messages: list[MessageView], *, at_top: bool) -> None:
        if not messages:
            return
        if at_top:
            first = self.items[0] if self.items else None
            last_day = local_day(messages[-1].created_at, self.time_zone)
            with self._new_block(at_top=True):
                items = self._sequence(messages)
                if first is not None and first.message is not None:
                    first_day = local_day(first.message.created_at, self.time_zone)
                    if first_day != last_day:  # the older page ends a day: the next one begins on screen
                        items.append(self._separator(first_day))
            self.items.extendleft(reversed(items))
            if first is not None and first.day == last_day:  # the same day goes on: its separator moves up
                self.items.remove(first)
                self._drop(first, self._block_of(first))
        else:
            for message in messages:
                self._add_message(message)
        self.empty.set_visibility(False)

    def show_newest(self, messages: list[MessageView]) -> None:
        self._show(messages, at_top=False)
        if messages:
            self.oldest_id = messages[0].id
            self.newest_id = max(self.newest_id, messages[-1].id)
        self.older.set_visibility(len(messages) >= self.page_size)
        self.beginning.set_visibility(0 < len(messages) < self.page_size)

    def mark_unread_after(self, last_read: int) -> bool:
        """A "New messages" line above the first message after the reader's read mark that someone else wrote (when
        it is on screen); True when drawn."""
        viewer = self.viewer.id
        first = next(
            (
                (position, item)
                for position, item in enumerate(self.items)
                if item.message_id is not None and item.message_id > last_read and item.author_id != viewer
            ),
            None,
        )
        if first is None:
            return False
        position, item = first
        self._divider_before(position, item)
        return True

    def _divider_before(self, position: int, item: Item) -> Item:
        """A "New messages" line above `item` (at `position` among the items), below its day's separator."""
        block = self._block_of(item)
        index = block.default_slot.children.index(item.element)
        with block:
            divider = Item(el.text(self.t('new_messages'), UNREAD_CLASSES, props=UNREAD_PROPS))
        el.place(block, divider.element, index)
        self.items.insert(position, divider)
        return divider

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
        self._add_message(message)
        if self.empty.visible:
            self.empty.set_visibility(False)
        self._trim_top()
        if not self.at_bottom and message.author.id != self.viewer.id:
            self.unseen += 1
            if self.first_unseen is None:  # where the reader's "new messages" begin: a line of this page's own
                if self.live_divider is not None and self.live_divider in self.items:
                    self.items.remove(self.live_divider)
                    self._drop(self.live_divider, self._block_of(self.live_divider))
                self.first_unseen = self.live_divider = self._divider_before(len(self.items) - 1, self.items[-1])
            el.set_text(self.below, self.t('new_below', count=self.unseen))
            if not self.below.visible:
                self.below.set_visibility(True)

    def _on_screen(self, message_id: int) -> bool:
        """Only asked for a message not newer than the newest shown (a duplicate, or one overtaken by a later one):
        a scan of the window from its newest end, instead of a set of ids whose table only ever grows."""
        return any(item.message_id == message_id for item in reversed(self.items))

    def notice(self, text: str) -> Item | None:
        """Room notices (renamed, joined, left): part of the feed, never stored."""
        if not self.following:
            return None
        item = self._add_bottom(lambda: Item(el.text(text, NOTICE_CLASSES)))
        self._trim_top()
        return item

    def presence(self, kind: str, name: str) -> None:
        """ "Ann joined" / "Ann left". Arrivals (or departures) in a row share one line - "Ann, Bob and 12 more
        joined" - so a crowd filling a room neither floods the feed nor adds an element per arrival to every page."""
        last = self.last_presence
        if last is not None and self.following and self.items and self.items[-1] is last[0] and last[1] == kind:
            item, _, names, count = last
            if len(names) < 2:
                names.append(name)
            self.last_presence = (item, kind, names, count + 1)
            el.set_text(item.element, self._presence_text(kind, names, count + 1))
            return
        item = self.notice(self._presence_text(kind, [name], 1))
        self.last_presence = (item, kind, [name], 1) if item is not None else None

    def _presence_text(self, kind: str, names: list[str], count: int) -> str:
        if count == 1:
            return self.t(kind, name=names[0])
        if count == 2:
            return self.t(f'{kind}_two', first=names[0], second=names[1])
        return self.t(f'{kind}_many', first=names[0], second=names[1], count=count - 2)

    def private(self, event: PrivateMessage) -> None:
        outgoing = event.sender.id == self.viewer.id
        name = (
            self.t('private_to', name=event.recipient.display_name)
            if outgoing
            else self.t('private_from', name=event.sender.display_name)
        )

        def make() -> Item:
            return Item(
                el.private_bubble(
                    event.body,
                    name=name,
                    stamp=cached_stamp(event.sent_at, self.time_zone),
                    avatar=event.sender.avatar_url,
                    sent=outgoing,
                    fold=self.fold,
                )
            )

        self._add_bottom(make)
        self.empty.set_visibility(False)
        self._trim_top()

    def _trim_top(self) -> None:
        if len(self.items) <= self.limit:
            return
        while len(self.items) > self.limit:
            self._drop(self.items.popleft(), self.blocks[0])
        if not self.older.visible:
            self.older.set_visibility(True)
            self.beginning.set_visibility(False)
        self._refresh_top()

    def _refresh_top(self) -> None:
        """What the first message on screen lost when the items above it went: its day's separator and, for a
        follower, its author's name, shown above it by this page's own header lines. Changed only when different: a
        busy room trimming one author's run of messages updates nothing here."""
        top = self.items[0].message if self.items else None
        day = local_day(top.created_at, self.time_zone) if top is not None else None
        if day != self.top_day:
            self.top_day = day
            if day is not None:
                el.set_text(self.day_header, day_label(day, self.today(), self.t))
            self.day_header.set_visibility(day is not None)
        name = None
        if top is not None and self.items[0].follower:
            name = (top.author.display_name, top.author.id == self.viewer.id)
        if name != self.top_name:
            self.top_name = name
            for sent, header in ((False, self.name_header), (True, self.own_name_header)):
                if name is not None and name[1] == sent:
                    el.set_text(header, name[0])
                header.set_visibility(name is not None and name[1] == sent)

    # --- paging --------------------------------------------------------------------------------------------------

    def _oldest_shown(self) -> int | None:
        shown = (item.message_id for item in self.items if item.message_id)
        return next(shown, self.oldest_id)

    async def load_older(self) -> None:
        before = self._oldest_shown()
        if before is None:
            return
        messages = await self._load_page(before)
        if not messages:
            self.older.set_visibility(False)
            self.beginning.set_visibility(True)
            return
        self._show(messages, at_top=True)
        self.oldest_id = messages[0].id
        self.older.set_visibility(len(messages) >= self.page_size)
        self.beginning.set_visibility(len(messages) < self.page_size)
        self._refresh_top()
        # the window grows to keep what the reader scrolled through, up to its cap; beyond, it drops the bottom and
        # stops following live messages ("jump to newest" brings them back)
        self.limit = min(max(self.limit, len(self.items)), self.cap)
        if len(self.items) > self.limit:
            while len(self.items) > self.limit or self.items[-1].day is not None:  # no separator left at the end
                self._drop(self.items.pop(), self.blocks[-1])
            self.following = False
        if not self.following:
            self.newer.set_visibility(True)
            self.bottom_day = None

    def _clear(self) -> None:
        for block in self.blocks:
            block.delete()
        self.blocks.clear()
        self.items.clear()
        self.highlighted = None
        self.last_presence = None
        self.limit = self.window
        self.bottom_day = None
        self.relative_days.clear()
        self.beginning.set_visibility(False)
        self._refresh_top()

    async def jump_to_newest(self) -> None:
        self._clear()
        self.following = True
        self.newer.set_visibility(False)
        self.newest_id = 0
        self.show_newest(await self._load_page(None))

    def set_time_zone(self, time_zone: str) -> None:
        """Later messages are dated in the new zone (those on screen keep their separators)."""
        self.time_zone = time_zone
        newest = next((item.message for item in reversed(self.items) if item.message is not None), None)
        self.bottom_day = local_day(newest.created_at, time_zone) if newest is not None else None

    def rename_author(self, user: UserView) -> None:
        for item in self.items:
            if item.author_id == user.id and item.message is not None:
                item.message = replace(item.message, author=user)
                if not item.follower:  # a follower shows no name
                    el.rename_bubble(item.element, user.display_name, user.avatar_url)
        self._refresh_top()


def _follows(before: MessageView | None, message: MessageView) -> bool:
    """`message` joins the group of `before` (the item just before it; None: not a message): same author, a few
    minutes apart, neither deleted. (A day separator between them is no message, so a new day starts a group.)"""
    if before is None or before.deleted or message.deleted or before.author.id != message.author.id:
        return False
    try:
        gap = message.created_at - before.created_at
    except TypeError:  # one from the database without its zone, one live with it
        gap = aware(message.created_at) - aware(before.created_at)
    return timedelta(0) <= gap < GROUP_GAP
