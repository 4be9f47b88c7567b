"""The people pane's members: those not in the room now, most recently seen first, each with "last seen ..." in the
reader's language; leaving the room; handing it to another member (owner and admins). Who is online is the list
above it (pages/room.py's OnlineList): a member moves between the two as they come and go."""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import UTC, datetime

from nicegui import ui
from nicegui.element import Element

from chat.errors import ChatError
from chat.members import MEMBER_LIST_LIMIT, MemberView
from chat.views import RoomView, UserView
from pages import elements as el
from pages.context import PageContext
from pages.formatting import short_stamp
from pages.layout import MUTED

ENTRY_CLASSES = ['w-full', 'items-center', 'gap-2', 'no-wrap', 'py-1']
AVATAR_CLASSES = ['w-7', 'h-7', 'rounded-full', 'shrink-0', 'opacity-70']


def last_seen(t: Callable[..., str], moment: datetime | None, time_zone: str | None, now: datetime) -> str:
    """ "last seen 5 min ago", "3 h", "2 d", then the date; localized by the translation table."""
    if moment is None:
        return t('last_seen_unknown')
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return t('last_seen_now')
    if seconds < 3600:
        return t('last_seen_minutes', count=int(seconds // 60))
    if seconds < 86400:
        return t('last_seen_hours', count=int(seconds // 3600))
    if seconds < 7 * 86400:
        return t('last_seen_days', count=int(seconds // 86400))
    return t('last_seen_date', date=short_stamp(moment, time_zone, now))


class MembersPane:
    """`online`: the ids of who is in the room now, as the online list above holds them (read, never copied: a
    page of a busy room would keep a second set of everyone present)."""

    def __init__(
        self,
        ctx: PageContext,
        room: RoomView,
        online: Container[int],
        on_choose: Callable[[UserView], None] | None = None,
    ) -> None:
        self.ctx, self.room, self.online, self.on_choose = ctx, room, online, on_choose
        self.members: dict[int, MemberView] = {}  # see `_keep`
        self.loaded = False
        self.entries: dict[int, Element] = {}
        # shown only while someone is listed under it: a heading over nothing reads as a missing list
        self.heading = el.text(
            ctx.t('members_offline'), ['text-subtitle2', 'pt-2'], props={'data-testid': 'members-offline'}
        )
        self.heading.set_visibility(False)
        self.list = el.column(['w-full', 'gap-0'], props={'data-testid': 'member-list', 'role': 'list'})
        self.more = el.text(ctx.t('members_more'), ['text-xs', *MUTED])
        self.more.set_visibility(False)
        # handing the room over: for the owner and admins only, so built (here) the first time they may see it
        self.owner_tools = el.column(['w-full', 'gap-2', 'pt-2'])
        self.transfer: ui.select | None = None
        self.error = el.text('', ['text-negative', 'text-sm'], props={'data-testid': 'members-error'})
        el.button(
            self.confirm_leave,
            label=ctx.t('leave_room'),
            icon='logout',
            props={'flat': True, 'no-caps': True, 'dense': True, 'color': 'negative', 'data-testid': 'leave-room'},
        )
        self._show_tools()

    async def load(self) -> None:
        self.loaded = True
        members = await self._fetch()
        if members is None:
            return
        self._keep(members)
        self.more.set_visibility(len(members) >= MEMBER_LIST_LIMIT)
        for member in members:
            if member.user.id not in self.online:
                self._show(member)
        self._show_heading()
        self._fill_transfer()

    def _keep(self, members: list[MemberView]) -> None:
        """Every member on a page that may hand the room over (its select lists them); on the others only those away:
        who is here is the online list's, and every page of a busy room would hold everyone again."""
        keep_all = self.transfer is not None
        self.members = {m.user.id: m for m in members if keep_all or m.user.id not in self.online}

    async def _load_for_transfer(self) -> None:
        """This page may hand the room over now (its owner changed): the select needs every member."""
        members = await self._fetch()
        if members is not None:
            self._keep(members)
            self._fill_transfer()

    async def _fetch(self) -> list[MemberView] | None:
        """The room's members, or None with the reason shown in the pane."""
        try:
            return await self.ctx.services.members.of_room(self.ctx.user, self.room.id)
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return None

    def _show_heading(self) -> None:
        if self.heading.visible != bool(self.entries):
            self.heading.set_visibility(bool(self.entries))

    def _show(self, member: MemberView, *, first: bool = False) -> None:
        now = datetime.now(UTC)
        with self.list:
            with self._entry(member.user) as entry:
                el.image(member.user.avatar_url, AVATAR_CLASSES)
                with el.column(['gap-0', 'min-w-0']):
                    name = member.user.display_name
                    if member.is_owner:
                        name = f'{name} · {self.ctx.t("member_owner")}'
                    el.text(name, ['text-sm', 'truncate'])
                    seen = last_seen(self.ctx.t, member.last_seen_at, self.ctx.user.time_zone, now)
                    el.text(seen, ['text-xs', 'truncate', *MUTED], props={'data-testid': 'last-seen'})
        if first:
            el.place(self.list, entry, 0)
        self.entries[member.user.id] = entry

    def _entry(self, user: UserView) -> Element:
        """A member's line: a clickable item opening their card when the page offers one (a light row otherwise)."""
        testid = {'data-testid': f'member-{user.username}'}
        if self.on_choose is None:
            return el.row(ENTRY_CLASSES, props=testid)
        choose = self.on_choose
        item = ui.item(on_click=lambda: choose(user)).classes(' '.join(ENTRY_CLASSES)).props('dense')
        item.props.update(testid)
        return item

    def presence(self, user: UserView, joined: bool) -> None:
        """Someone came (off this list: they are online above) or went (on top of it: seen just now)."""
        if joined:
            if self.transfer is None:
                self.members.pop(user.id, None)
            entry = self.entries.pop(user.id, None)
            if entry is not None:
                el.remove(self.list, entry)
            self._show_heading()
            return
        old = self.members.get(user.id)
        member = MemberView(
            user, old.joined_at if old else datetime.now(UTC), datetime.now(UTC), user.id == self.room.owner_id
        )
        self.members[user.id] = member
        entry = self.entries.pop(user.id, None)
        if entry is not None:
            el.remove(self.list, entry)
        self._show(member, first=True)
        self._show_heading()
        self._fill_transfer()

    def owner_changed(self, room: RoomView) -> None:
        self.room = room
        self.members = {
            uid: MemberView(m.user, m.joined_at, m.last_seen_at, uid == room.owner_id)
            for uid, m in self.members.items()
        }
        for entry in self.entries.values():
            el.remove(self.list, entry)
        self.entries.clear()
        for member in self.members.values():
            if member.user.id not in self.online:
                self._show(member)
        self._show_heading()
        self._show_tools()
        self._fill_transfer()

    def _show_tools(self) -> None:
        allowed = self.ctx.user.is_admin or self.room.owner_id == self.ctx.user.id
        if allowed and self.transfer is None:
            with self.owner_tools:
                self.transfer = ui.select({}, label=self.ctx.t('transfer_owner')).classes('w-full')
                self.transfer.props('outlined dense data-testid=transfer-select')
                ui.button(self.ctx.t('transfer_do'), on_click=self.hand_over).props(
                    'outline no-caps dense data-testid=transfer-owner'
                )
            if self.loaded:  # kept only those away until now
                self.ctx.run(self._load_for_transfer())
        if self.owner_tools.visible != allowed:
            self.owner_tools.set_visibility(allowed)

    def _fill_transfer(self) -> None:
        if self.transfer is None:  # not the owner's page: nothing to hand over from here
            return
        options = {uid: member.user.display_name for uid, member in self.members.items() if uid != self.room.owner_id}
        self.transfer.set_options(options)

    async def hand_over(self) -> None:
        if self.transfer is None or self.transfer.value is None:
            return
        try:
            room = await self.ctx.services.members.transfer(self.ctx.user, self.room.id, int(self.transfer.value))
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return
        el.set_text(self.error, '')
        ui.notify(self.ctx.t('transfer_done', name=self.members[room.owner_id or 0].user.display_name), type='positive')

    def confirm_leave(self) -> None:
        with ui.dialog() as dialog, ui.card():
            el.text(self.ctx.t('leave_room_confirm', name=self.room.name))
            with el.row(['w-full', 'justify-end', 'gap-2']):
                ui.button(self.ctx.t('cancel'), on_click=dialog.close).props('flat no-caps')

                async def leave() -> None:
                    dialog.close()
                    await self.leave()

                ui.button(self.ctx.t('leave_room'), on_click=leave).props(
                    'unelevated no-caps color=negative data-testid=leave-confirm'
                )
        dialog.open()

    async def leave(self) -> None:
        try:
            await self.ctx.services.members.leave_room(self.ctx.user, self.room.id)
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return
        ui.navigate.to('/')
