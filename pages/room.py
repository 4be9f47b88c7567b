"""One room: the live feed with history, the input, who is online, and private messages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fastapi import Request
from nicegui import ui
from nicegui.element import Element

from chat.errors import ChatError, NotFound
from chat.events import Event, MessagePosted, PresenceChanged, PrivateMessage, ProfileChanged, RoomChanged
from chat.hub import PROFILES, private_topic, room_topic
from chat.services import Services
from chat.views import RoomView, UserView
from pages.context import PageContext, signed_in
from pages.feed import Feed
from pages.layout import header, hint
from pages.light import (
    LightElement,
    SharedBranch,
    SharedLeaf,
    current_parent,
    hide_shared,
    image_props,
    light_button,
    light_text,
    on_page_click,
    shared,
    shared_clicks,
    show_shared,
)

ROOT_CLASSES = ['nicegui-row', 'row', 'w-full', 'h-[calc(100vh-5.5rem)]', 'no-wrap', 'gap-4']
MAIN_CLASSES = ['nicegui-column', 'grow', 'h-full', 'min-w-0', 'gap-2']
INPUT_ROW_CLASSES = ['nicegui-row', 'row', 'w-full', 'no-wrap', 'items-center', 'gap-2']
SIDE_CLASSES = ['nicegui-column', 'w-64', 'shrink-0', 'gap-2', 'max-sm:hidden']
ERROR_CLASSES = ['text-negative', 'text-sm']
BUTTON_ROW_CLASSES = ['nicegui-row', 'row', 'w-full', 'justify-between']

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def _item_props(username: str, clickable: bool) -> dict[str, Any]:
    """Shared by every page that lists this person (light elements never edit their props in place)."""
    return {'data-testid': f'online-{username}', **({'clickable': True} if clickable else {})}


PERSON_IDS = 1 << 42  # element ids of the shared online-list entries (pages/light.py: SharedElement)


def _person(user: UserView, label: str, *, clickable: bool) -> SharedBranch:
    """A listed person's entry (avatar and name), the same objects on every page that lists them this way."""

    def make() -> SharedBranch:
        item = SharedBranch(PERSON_IDS + 3 * user.id, 'q-item', props=_item_props(user.username, clickable),
                            classes=OnlineList.ITEM_CLASSES)
        item.add(SharedLeaf(item.id + 1, 'img', props=image_props(user.avatar_url),
                            classes=OnlineList.AVATAR_CLASSES, parent_slot=item.default_slot))
        item.add(SharedLeaf(item.id + 2, 'div', classes=OnlineList.NAME_CLASSES, text=label,
                            parent_slot=item.default_slot))
        if clickable:
            item.use_listeners(shared_clicks('online-list'))
        return item

    return shared(('person', user.id, user.username, label, user.avatar_url, clickable), make)  # type: ignore[return-value]


class OnlineList:
    """Who is in the room now; choosing someone opens the private field for them.

    Every open page of a room pays for every entry of its list, and every arrival changes every page: so a page shows
    at most `limit` people (you first, then in name order at entry and arrival order after), with a "show N more"
    button that lists everyone on that page only. A shown person who leaves makes room for the next one."""

    ITEM_CLASSES = ['items-center', 'gap-3']
    AVATAR_CLASSES = ['w-8', 'h-8', 'rounded-full', 'shrink-0']
    NAME_CLASSES = ['truncate']

    def __init__(self, ctx: PageContext, on_choose: Callable[[UserView], None], limit: int) -> None:
        self.ctx, self.on_choose, self.limit = ctx, on_choose, limit
        self.users: dict[int, UserView] = {}  # everyone present
        self.items: dict[int, LightElement] = {}  # the ones shown
        self.expanded = False
        on_page_click(ctx.client, 'online-list', self.clicked)  # what a click on a shared entry does here
        self.container = LightElement(current_parent(), 'q-list', classes=['w-full'], leaf=False,
                                      props={'dense': True, 'separator': True, 'data-testid': 'online-list'})
        self.more = light_button(current_parent(), self.expand, label='', classes=['self-center'],
                                 props={'flat': True, 'dense': True, 'no-caps': True, 'data-testid': 'online-more'})
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
        """The person's shared entry (clickable, but for yourself), listed at the end of this page's list."""
        item = self._entry(user)
        show_shared(self.container, item, *item.default_slot.children)
        self.items[user.id] = item

    def _entry(self, user: UserView) -> SharedBranch:
        return _person(user, self._label(user), clickable=user.id != self.ctx.user.id)

    def clicked(self, item: Element) -> None:
        user_id = (item.id - PERSON_IDS) // 3
        if self.items.get(user_id) is item:  # shown here, so present
            self.on_choose(self.users[user_id])

    def _label(self, user: UserView) -> str:
        return f'{user.display_name} {self.ctx.t("you")}' if user.id == self.ctx.user.id else user.display_name

    def remove(self, user_id: int) -> bool:
        """True when the user was listed."""
        if self.users.pop(user_id, None) is None:
            return False
        item = self.items.pop(user_id, None)
        if item is not None:
            hide_shared(self.container, item, *item.default_slot.children)
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
            text = self.ctx.t('online_more', count=hidden)
            if self.more.props.get('label') != text:
                self.more.replace_props({**self.more.props, 'label': text})
        if self.more.visible != bool(hidden):
            self.more.set_visibility(bool(hidden))

    def update_profile(self, user: UserView) -> None:
        if user.id in self.users:
            self.users[user.id] = user
            item = self.items.get(user.id)
            if item is not None:  # same place in the list, new name and avatar
                replacement = self._entry(user)
                if replacement is not item:
                    index = self.container.default_slot.children.index(item)
                    hide_shared(self.container, item, *item.default_slot.children)
                    show_shared(self.container, replacement, *replacement.default_slot.children)
                    children = self.container.default_slot.children
                    children.insert(index, children.pop())
                    self.items[user.id] = replacement


class PrivatePanel:
    """The field for a private message; built the first time someone is chosen (most pages never write one)."""

    def __init__(self, ctx: PageContext, room_id: int) -> None:
        self.ctx, self.room_id = ctx, room_id
        self.recipient: UserView | None = None
        self.anchor = LightElement(current_parent(), 'div', classes=['w-full'], leaf=False)
        self.anchor.set_visibility(False)
        self.built = False

    def _build(self) -> None:
        ctx = self.ctx
        with self.anchor, ui.card().classes('w-full').props('flat bordered data-testid=private-panel') as self.card:
            self.title = LightElement(self.card, 'div', classes=['text-sm', 'font-bold'], text='')
            self.input = ui.input().classes('w-full').props(
                f'dense outlined maxlength={ctx.services.settings.max_message_length} data-testid=private-input')
            self.input.on('keydown.enter', self.send)
            self.error = LightElement(self.card, 'div', props={'data-testid': 'private-error'}, classes=ERROR_CLASSES,
                                      text='')
            with LightElement(self.card, 'div', classes=BUTTON_ROW_CLASSES, leaf=False):
                ui.button(ctx.t('private_close'), on_click=self.close).props('flat dense')
                ui.button(ctx.t('private_send'), icon='lock', on_click=self.send) \
                    .props('dense color=amber-8 data-testid=private-send')
        self.anchor.set_visibility(True)
        self.built = True

    def open(self, user: UserView) -> None:
        if not self.built:
            self._build()
        self.recipient = user
        self.error.set_text('')
        self.title.set_text(self.ctx.t('private_to', name=user.display_name))
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
            self.error.set_text(self.ctx.t(error.key, **error.params))
            return
        self.error.set_text('')
        if self.input.value == text:
            self.input.value = ''


def register(services: Services) -> None:
    settings = services.settings

    @ui.page('/room/{room_id}')
    async def room_page(request: Request, room_id: int):
        ctx = await signed_in(services, request)
        if not isinstance(ctx, PageContext):
            return ctx
        try:
            room = await services.rooms.get(room_id)
        except NotFound as error:
            header(ctx)
            with ui.column().classes('absolute-center items-center'):
                ui.label(ctx.t(error.key)).classes('text-h6')
                ui.link(ctx.t('back_to_rooms'), '/')
            return None
        await build_room(ctx, room)
        return None

    async def build_room(ctx: PageContext, room: RoomView) -> None:
        title = header(ctx, room.name)
        client = ctx.client
        # static containers and texts are light (pages/light.py): every open page of the room holds them
        with LightElement(current_parent(), 'div', classes=ROOT_CLASSES, leaf=False) as ctx.root:
            with LightElement(ctx.root, 'div', classes=MAIN_CLASSES, leaf=False) as main:
                feed = Feed(ctx.user, ctx.t, window=settings.feed_window, page_size=settings.history_page_size,
                            load_page=lambda before: services.messages.history(room.id, before))
                with LightElement(main, 'div', classes=INPUT_ROW_CLASSES, leaf=False) as input_row:
                    message_input = ui.input(placeholder=ctx.t('message_placeholder')).classes('grow').props(
                        f'outlined dense autofocus maxlength={settings.max_message_length} data-testid=message-input')
                    light_button(input_row, lambda: send(), icon='send',
                                 props={'round': True, 'data-testid': 'send', **hint(ctx.t('send'))})
                # why the last send failed, beside the input that still holds the text
                send_error = LightElement(main, 'div', props={'data-testid': 'send-error'}, classes=ERROR_CLASSES,
                                          text='')
            with LightElement(ctx.root, 'div', classes=SIDE_CLASSES, leaf=False) as side:
                light_text(side, ctx.t('online_here'), ['text-subtitle2'])
                private = PrivatePanel(ctx, room.id)
                online = OnlineList(ctx, private.open, settings.online_list_limit)
                light_text(side, ctx.t('private_hint'), ['text-xs', 'text-grey-7'])

        async def send() -> None:
            text = message_input.value
            try:
                await services.messages.post(ctx.user, room.id, text)
            except ChatError as error:
                send_error.set_text(ctx.t(error.key, **error.params))
                return
            send_error.set_text('')
            if message_input.value == text:
                message_input.value = ''

        message_input.on('keydown.enter', send)

        def on_room_event(event: Event) -> None:
            if isinstance(event, MessagePosted):
                feed.append(event.message)
            elif isinstance(event, PresenceChanged):
                # an open private field stays when its recipient leaves: sending then says "not delivered"
                changed = online.add(event.user) if event.joined else online.remove(event.user.id)
                if changed and event.user.id != ctx.user.id:  # repeated announcements (a broker restart) stay quiet
                    feed.presence('joined' if event.joined else 'left', event.user.display_name)
            elif isinstance(event, RoomChanged):
                if event.change == 'renamed':
                    title.set_text(event.room.name)
                    feed.notice(ctx.t('room_renamed_notice', name=event.room.name))
                elif event.change == 'deleted':
                    ctx.leave_page('/', ctx.t('room_deleted_notice', name=event.room.name))

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
        entered = False

        async def leave() -> None:
            if entered:
                await services.rooms.leave(ctx.user, room.id, client.id)

        client.on_delete(leave)  # before any await: a tab closed while the page is still building must leave too
        feed.show_newest(await services.messages.history(room.id))
        users = await services.rooms.enter(ctx.user, room.id, client.id)
        entered = True
        if client.is_deleted:  # the tab went away while we were entering
            await services.rooms.leave(ctx.user, room.id, client.id)
            return
        online.set(users)
        if ctx.user.time_zone is None:
            ctx.run(detect_time_zone(ctx, feed))


async def detect_time_zone(ctx: PageContext, feed: Feed) -> None:
    """Asks the browser once for its time zone and keeps it with the user for every later page."""
    try:
        await ctx.client.connected(timeout=10)
        with ctx.root or ctx.client:
            zone = await ui.run_javascript('Intl.DateTimeFormat().resolvedOptions().timeZone', timeout=5)
        if isinstance(zone, str) and zone:
            ctx.user = await ctx.services.accounts.set_time_zone(ctx.user, zone)
            feed.set_time_zone(zone)
    except (TimeoutError, ChatError):
        pass
    except Exception:
        log.debug('time zone detection failed', exc_info=True)
