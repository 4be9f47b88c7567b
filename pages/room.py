"""One room: the live feed with history, the input, who is online, and private messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from nicegui import ui
from nicegui.element import Element

from chat.errors import ChatError, NotFound, PermissionDenied
from chat.events import (
    Event,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ModerationNotice,
    PresenceChanged,
    PrivateMessage,
    ProfileChanged,
    ReactionsChanged,
    RoomChanged,
    UserTyping,
)
from chat.hub import PROFILES, private_topic, room_topic, user_topic
from chat.moderation import Standing
from chat.services import Services
from chat.views import RoomView, UserView
from pages import elements as el
from pages.composer import Composer
from pages.context import PageContext, signed_in_page
from pages.feed import Feed
from pages.formatting import next_midnight, utc_now
from pages.layout import header, people_drawer, rooms_drawer
from pages.members import MembersPane
from pages.message_actions import MessageMenu, ReplyBar
from pages.moderation import MuteBanner, RoomModeration, left_room
from pages.profile_card import ProfileCard
from pages.room_settings import RoomBar, private_refusal
from pages.sidebar import RoomsSidebar
from pages.typing_line import TypingLine

# the page's height less the header and the page's padding: the feed scrolls, the input stays on screen (dvh: a
# phone's browser bars shrink the screen)
MAIN_CLASSES = ['w-full', 'h-[calc(100dvh-5.5rem)]', 'min-w-0', 'gap-2', 'no-wrap']
SIDE_CLASSES = ['w-full', 'gap-2', 'p-3']
ERROR_CLASSES = ['text-negative', 'text-sm']
BUTTON_ROW_CLASSES = ['w-full', 'justify-between']

MIDNIGHT_SLACK = 0.05  # seconds after the viewer's midnight that the day separators change

log = logging.getLogger(__name__)
T = TypeVar('T')
# now, in UTC: what a room page's "Today" is counted from (a test moves it past midnight without waiting a day)
clock: Callable[[], datetime] = utc_now


class OnlineList:
    """Who is in the room now; choosing someone opens the private field for them.

    Every open page of a room pays for every entry of its list, and every arrival changes every page: so a page shows
    at most `limit` people (you first, then in name order at entry and arrival order after), with a "show N more"
    button that lists everyone on that page only. A shown person who leaves makes room for the next one."""

    def __init__(self, ctx: PageContext, on_choose: Callable[[UserView], None], limit: int) -> None:
        self.ctx, self.on_choose, self.limit = ctx, on_choose, limit
        self.users: dict[int, UserView] = {}  # everyone present
        self.items: dict[int, Element] = {}  # the ones shown
        self.expanded = False
        self.container = el.box(
            ['w-full'], tag='q-list', props={'dense': True, 'separator': True, 'data-testid': 'online-list'}
        )
        self.more = el.button(
            self.expand,
            label='',
            classes=['self-center'],
            props={'flat': True, 'dense': True, 'no-caps': True, 'data-testid': 'online-more'},
        )
        self.more.set_visibility(False)

    def set(self, users: list[UserView]) -> None:
        """The list at entry: you first, then in name order; later arrivals join at the end (re-sorting would
        re-send the whole list to every page of the room on every arrival)."""
        me = self.ctx.user.id
        for user in sorted(users, key=lambda u: (u.id != me, u.display_name.casefold())):
            self.add(user)

    def add(self, user: UserView) -> bool:
        """True when the user was not listed yet."""
        if user.id in self.users:
            return False
        self.users[user.id] = user
        if self.expanded or len(self.items) < self.limit:
            self._show(user)
        self._count_hidden()
        return True

    def _show(self, user: UserView) -> None:
        """The person's entry (clickable, but for yourself), listed at the end of this page's list."""
        self.items[user.id] = self._entry(user)

    def _entry(self, user: UserView) -> Element:
        with self.container:
            if user.id == self.ctx.user.id:
                return el.person(user, f'{user.display_name} {self.ctx.t("you")}', None)
            return el.person(user, user.display_name, self.clicked)

    def clicked(self, user_id: int) -> None:
        if user_id in self.items:  # shown here, so present
            self.on_choose(self.users[user_id])

    def remove(self, user_id: int) -> bool:
        """True when the user was listed."""
        if self.users.pop(user_id, None) is None:
            return False
        item = self.items.pop(user_id, None)
        if item is not None:
            el.remove(self.container, item)
            waiting = next((u for u in self.users.values() if u.id not in self.items), None)
            if waiting is not None:
                self._show(waiting)
        self._count_hidden()
        return True

    def expand(self) -> None:
        self.expanded = True
        for user in list(self.users.values()):
            if user.id not in self.items:
                self._show(user)
        self._count_hidden()

    def _count_hidden(self) -> None:
        hidden = len(self.users) - len(self.items)
        if hidden:
            el.set_text(self.more, self.ctx.t('online_more', count=hidden))
        if self.more.visible != bool(hidden):
            self.more.set_visibility(bool(hidden))

    def update_profile(self, user: UserView) -> None:
        if user.id in self.users:
            self.users[user.id] = user
            item = self.items.get(user.id)
            if item is not None:  # same place in the list, new name and avatar
                replacement = self._entry(user)
                if replacement is not item:
                    el.replace(self.container, item, replacement)
                    self.items[user.id] = replacement


class PrivatePanel:
    """The field for a private message; built the first time someone is chosen (most pages never write one)."""

    def __init__(self, ctx: PageContext, room_id: int) -> None:
        self.ctx, self.room_id = ctx, room_id
        self.recipient: UserView | None = None
        self.anchor = el.box(['w-full'])
        self.anchor.set_visibility(False)
        self.built = False

    def _build(self) -> None:
        ctx = self.ctx
        with self.anchor, ui.card().classes('w-full').props('flat bordered data-testid=private-panel') as self.card:
            self.title = el.text('', ['text-sm', 'font-bold'])
            # not a conversation of its own: the words say so, so nobody mistakes it for a stored direct message
            el.text(ctx.t('private_not_saved'), ['text-xs', 'text-grey-7', 'dark:text-gray-400!'])
            self.input = ui.input().classes('w-full').props('dense outlined data-testid=private-input')
            self.input.on('keydown.enter', self.send)
            self.error = el.text('', ERROR_CLASSES, props={'data-testid': 'private-error'})
            with el.row(BUTTON_ROW_CLASSES):
                ui.button(ctx.t('private_close'), on_click=self.close).props('flat dense')
                ui.button(ctx.t('private_send'), icon='lock', on_click=self.send).props(
                    'dense color=amber-8 data-testid=private-send'
                )
        self.anchor.set_visibility(True)
        self.built = True

    def open(self, user: UserView) -> None:
        if not self.built:
            self._build()
        self.recipient = user
        el.set_text(self.error, '')
        el.set_text(self.title, self.ctx.t('private_to', name=user.display_name))
        # a plain prop value, never NiceGUI's props string: a name may hold quotes (and `:prop=` would be run as JS)
        self.input.props['placeholder'] = self.ctx.t('private_placeholder', name=user.display_name)
        self.card.set_visibility(True)

    def close(self) -> None:
        self.recipient = None
        if self.built:
            self.card.set_visibility(False)

    async def send(self) -> None:
        if self.recipient is None:
            return
        text = self.input.value
        try:
            await self.ctx.services.messages.whisper(self.ctx.user, self.room_id, self.recipient, text)
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return
        el.set_text(self.error, '')
        if self.input.value == text:
            self.input.value = ''


class ReadMarker:
    """Marks the room read up to the newest message this page shows: at once when the page opens, then at most
    every `INTERVAL` seconds while messages arrive (the reader's other pages follow; chat/unread.py stores it).

    "Shows" is what NiceGUI's Python side can tell: a connected page following the newest messages. Whether the
    tab is in front is the browser's secret, so an open room in a background tab reads along; a page the browser has
    left (it lingers a few seconds, in case the socket comes back) reads nothing more, and what it showed until its
    socket went is marked at once: the person may be back in the room before the interval is over."""

    INTERVAL = 2.0

    def __init__(self, ctx: PageContext, room_id: int) -> None:
        self.ctx, self.room_id = ctx, room_id
        self.marked = self.newest = 0
        self._timer: asyncio.TimerHandle | None = None
        self.away = False
        ctx.client.on_disconnect(self._went_away)
        ctx.client.on_connect(self._came_back)

    def _went_away(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._send()
        self.away = True

    def _came_back(self) -> None:
        self.away = False

    def seen(self, message_id: int, *, now: bool = False) -> None:
        if self.away:
            return
        self.newest = max(self.newest, message_id)
        if now:
            self._send()
        elif self._timer is None and self.newest > self.marked:
            self._timer = asyncio.get_running_loop().call_later(self.INTERVAL, self._send)

    def _send(self) -> None:
        self._timer = None
        if self.newest > self.marked and not self.ctx.closed:
            self.marked = self.newest
            self.ctx.run(self._mark(self.newest))

    async def _mark(self, message_id: int) -> None:
        with contextlib.suppress(ChatError):  # an ended session ends the page anyway
            await self.ctx.services.unread.mark_read(self.ctx.user, self.room_id, message_id)

    def close(self) -> Awaitable[None] | None:
        """The page closes: what it showed since the last mark is marked now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.newest > self.marked:
            self.marked = self.newest
            return self._mark(self.newest)
        return None


class Midnight:
    """At the viewer's next local midnight the feed's day separators move on a day ("Today" says "Yesterday"): one
    timer handle per page, made again each night and cancelled when the page closes; no element, no task.

    The delay is counted from `clock` (the feed's) and waited on the event loop's monotonic clock; a wake-up a
    moment early (the loop's resolution, a changed time zone) finds the day unchanged and waits again."""

    def __init__(self, ctx: PageContext, feed: Feed) -> None:
        self.ctx, self.feed = ctx, feed
        self._handle: asyncio.TimerHandle | None = None
        self._day = feed.today()
        ctx.on_close(self.cancel)
        self.restart()

    def restart(self) -> None:
        """(Again) for the next midnight in the feed's time zone now."""
        self.cancel()
        if self.ctx.closed:
            return
        now = self.feed.clock()
        wait = (next_midnight(now, self.feed.time_zone) - now).total_seconds()
        self._handle = asyncio.get_running_loop().call_later(max(wait, 0.0) + MIDNIGHT_SLACK, self._fire)

    def _fire(self) -> None:
        self._handle = None
        if self.ctx.closed:
            return
        today = self.feed.today()
        if today != self._day:
            self._day = today
            with self.ctx.root or self.ctx.client:
                self.feed.new_day()
        self.restart()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def register(services: Services) -> None:
    settings = services.settings

    @signed_in_page(services, '/room/{room_id}')
    async def room_page(ctx: PageContext, room_id: int, message: str | None = None) -> None:
        try:
            room = await services.rooms.open(ctx.user, room_id)
        except PermissionDenied:
            private_refusal(ctx)
            return
        except NotFound as error:
            header(ctx)
            with ui.column().classes('absolute-center items-center'):
                ui.label(ctx.t(error.key)).classes('text-h6')
                ui.link(ctx.t('back_to_rooms'), '/')
            return
        try:
            standing = await services.moderation.standing(ctx.user, room.id)
            refusal = 'banned_from_room' if standing.banned else None  # at the door (entering refuses too)
        except ChatError as error:  # the room went, the session ended meanwhile
            refusal = error.key
        if refusal is not None:
            header(ctx)
            with ui.column().classes('absolute-center items-center'):
                ui.label(ctx.t(refusal)).classes('text-h6').props('data-testid=banned')
                ui.link(ctx.t('back_to_rooms'), '/')
            return
        # a permalink: `?message=<id>` opens the room at that message (anything else: at the newest messages)
        target = int(message) if message and message.isdecimal() and len(message) < 19 else None
        await build_room(ctx, room, standing, target)

    async def build_room(ctx: PageContext, room: RoomView, standing: Standing, target: int | None = None) -> None:
        with rooms_drawer() as rooms:
            sidebar = RoomsSidebar(ctx, room)
        with people_drawer() as people, el.column(SIDE_CLASSES):
            el.text(ctx.t('online_here'), ['text-subtitle2'])
            private = PrivatePanel(ctx, room.id)
            card = ProfileCard(ctx)  # someone chosen: their card, with "Message" and (here now) a private note
            moderation = RoomModeration(
                ctx, room, standing, lambda user, moderate: card.open(user, private.open, moderate)
            )
            online = OnlineList(ctx, moderation.person_chosen, settings.online_list_limit)
            el.text(ctx.t('private_hint'), ['text-xs', 'text-grey-7', 'dark:text-gray-400!'])
            members = MembersPane(ctx, room, online.users, card.open)
            moderation.place_panel_button()
        title = header(ctx, room.name, rooms=rooms, people=people)
        client = ctx.client
        with el.column(MAIN_CLASSES) as ctx.root:
            bar = RoomBar(ctx, room)
            feed = Feed(
                ctx.user,
                ctx.t,
                window=settings.feed_window,
                page_size=settings.history_page_size,
                load_page=lambda before: services.messages.history(room.id, before, reader=ctx.user),
                load_around=lambda message_id: services.messages.around(room.id, message_id, reader=ctx.user),
                on_menu=lambda message: menu.open(message),
                on_react=lambda message_id, emoji, present: react(message_id, emoji, present),
                run=ctx.run,
                clock=clock,
            )
            el.skip_link(ctx.t('skip_to_messages'), feed.scroller)  # Tab's first stop: past header and rooms
            reply = ReplyBar(ctx)
            menu = MessageMenu(ctx, room, feed, reply, moderation, on_profile=card.open)
            typing = TypingLine(ctx)
            muted = MuteBanner(ctx, Composer(ctx, room.id, reply, people=lambda: online.users.values()))
            if standing.muted:
                muted.show(standing.muted_until, standing.mute_reason)
        reads = ReadMarker(ctx, room.id)
        midnight = Midnight(ctx, feed)
        feed.on_bottom = reads.seen  # a method of another object: a closure over `feed` would be a reference cycle

        async def react(message_id: int, emoji: str, present: bool) -> None:
            try:
                await services.messages.react(ctx.user, room.id, message_id, emoji, present)
            except ChatError as error:
                ctx.show_error(error)

        def on_room_event(event: Event) -> None:
            if isinstance(event, UserTyping):
                typing.show(event.user)
            elif isinstance(event, MessagePosted):
                typing.stop(event.message.author.id)
                feed.append(event.message)
                if feed.following and feed.at_bottom:
                    reads.seen(event.message.id)
            elif isinstance(event, ReactionsChanged):
                feed.reactions_changed(event)
            elif isinstance(event, MessageEdited):
                feed.edited(event)
            elif isinstance(event, MessageDeleted):
                feed.deleted(event)
                if reply.target == event.message_id:  # nothing left to answer
                    reply.clear()
            elif isinstance(event, PresenceChanged):
                # an open private field stays when its recipient leaves: sending then says "not delivered"
                changed = online.add(event.user) if event.joined else online.remove(event.user.id)
                if changed:
                    members.presence(event.user, event.joined)
                if changed and event.user.id != ctx.user.id:  # repeated announcements (a broker restart) stay quiet
                    feed.presence('joined' if event.joined else 'left', event.user.display_name)
            elif isinstance(event, RoomChanged):
                if event.change == 'renamed':
                    el.set_text(title, event.room.name)
                    feed.notice(ctx.t('room_renamed_notice', name=event.room.name))
                elif event.change == 'deleted':
                    ctx.leave_page('/', ctx.t('room_deleted_notice', name=event.room.name))
                elif event.change == 'updated':
                    if event.room.owner_id != bar.room.owner_id:
                        members.owner_changed(event.room)
                    if event.room.is_private != bar.room.is_private:
                        private_now = event.room.is_private
                        feed.notice(ctx.t('room_made_private_notice' if private_now else 'room_made_public_notice'))
                    bar.show(event.room)

        def on_moderation(event: Event) -> None:
            """What a moderator did to the viewer here (the header tells it; this page follows it)."""
            if not isinstance(event, ModerationNotice) or event.room_id != room.id:
                return
            if event.action == 'mute':
                muted.show(event.until, event.reason)
            elif event.action == 'unmute':
                muted.hide()
            elif event.action in ('kick', 'ban'):
                left_room(ctx, event)
            else:
                moderation.changed(event)

        def on_private(event: Event) -> None:
            if isinstance(event, PrivateMessage):
                feed.private(event)

        def on_profile(event: Event) -> None:
            if isinstance(event, ProfileChanged):
                feed.rename_author(event.user)
                online.update_profile(event.user)

        # subscribe before loading, so nothing posted in between is missed (the feed drops duplicates)
        ctx.subscribe(room_topic(room.id), on_room_event)
        ctx.subscribe(private_topic(room.id, ctx.user.id), on_private)
        ctx.subscribe(PROFILES, on_profile)
        ctx.subscribe(user_topic(ctx.user.id), on_moderation)
        entered = False

        async def leave() -> None:
            if entered:
                await services.rooms.leave(ctx.user, room.id, client.id)

        ctx.on_close(leave)  # before any await: a tab closed while the page is still building must leave too
        ctx.on_close(reads.close)
        # the history and the room list load at once (two database threads), each in the page's UI context
        _, last_read = await asyncio.gather(
            within(ctx.root, show_history(ctx, feed, room, target)), within(ctx.root, sidebar.load())
        )
        if last_read is not None:
            feed.mark_unread_after(last_read)
        if feed.following and feed.newest_id:
            reads.seen(feed.newest_id, now=True)
        users = await services.rooms.enter(ctx.user, room.id, client.id)
        entered = True
        if client.is_deleted:  # the tab went away while we were entering
            await services.rooms.leave(ctx.user, room.id, client.id)
            return
        online.set(users)
        await members.load()
        if ctx.user.time_zone is None:
            ctx.run(detect_time_zone(ctx, feed, midnight), until_closed=True)


async def within(element: Element, work: Awaitable[T]) -> T:
    """Runs `work` in `element`'s UI context: `asyncio.gather` runs each of its coroutines as a task of its own,
    which starts without the page's context."""
    with element:
        return await work


async def show_history(ctx: PageContext, feed: Feed, room: RoomView, target: int | None) -> None:
    """The newest page of history, or a permalink's page with its message highlighted."""
    if target is not None:
        try:
            messages, has_newer = await ctx.services.messages.around(room.id, target, reader=ctx.user)
        except NotFound as error:
            feed.show_newest(await ctx.services.messages.history(room.id, reader=ctx.user))
            feed.notice(ctx.t(error.key))
            return
        feed.show_around(messages, has_newer)
        await feed.show_message(target)
        return
    feed.show_newest(await ctx.services.messages.history(room.id, reader=ctx.user))


async def detect_time_zone(ctx: PageContext, feed: Feed, midnight: Midnight) -> None:
    """Asks the browser once for its time zone and keeps it with the user for every later page."""
    try:
        await ctx.client.connected(timeout=10)
        with ctx.root or ctx.client:
            zone = await ui.run_javascript('Intl.DateTimeFormat().resolvedOptions().timeZone', timeout=5)
        if isinstance(zone, str) and zone:
            ctx.user = await ctx.services.accounts.set_time_zone(ctx.user, zone)
            feed.set_time_zone(zone)
            midnight.restart()  # the viewer's own midnight
    except (TimeoutError, ChatError):
        pass
    except Exception:
        log.debug('time zone detection failed', exc_info=True)
