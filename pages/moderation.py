"""Moderation on the room page: a person's menu (make moderator, mute, kick, ban) with a dialog for the duration and
the reason, the muted composer's banner, the room's mutes and bans and its log, and what the person affected is told.

Nothing here is built until it is used: one dialog per page, made on the first click of a person (people list) or of
"Moderate …" in a message's menu, and filled for that person as the service says the viewer may treat them (one
look-up per click). Bubbles and list entries hold nothing of it. The services decide (chat/moderation.py); the menu
only leaves out what would surely be refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from nicegui import context, ui

from chat.errors import ChatError
from chat.events import ModerationNotice
from chat.moderation import MUTE_DURATIONS, ModerationEntry, Restriction, Standing
from chat.views import RoomView, UserView
from pages import elements as el
from pages.context import PageContext
from pages.formatting import stamp

ERROR_CLASSES = ['text-negative', 'text-sm']
MUTED_TEXT = ['text-sm', 'text-grey-7', 'dark:text-gray-400!']
BANNER_CLASSES = [
    'w-full',
    'items-center',
    'no-wrap',
    'gap-2',
    'rounded',
    'px-3',
    'py-2',
    'text-sm',
    'bg-orange-1',
    'text-orange-10',
    'dark:bg-orange-950!',
    'dark:text-orange-200!',
]
# each action's menu entry: (label key, icon, test id)
ITEMS = {
    'appoint': ('moderation_appoint', 'add_moderator', 'mod-appoint'),
    'dismiss': ('moderation_dismiss', 'remove_moderator', 'mod-dismiss'),
    'mute': ('moderation_mute', 'volume_off', 'mod-mute'),
    'unmute': ('moderation_unmute', 'volume_up', 'mod-unmute'),
    'kick': ('moderation_kick', 'logout', 'mod-kick'),
    'ban': ('moderation_ban', 'block', 'mod-ban'),
    'unban': ('moderation_unban', 'lock_open', 'mod-unban'),
}
SEVERE = frozenset({'kick', 'ban'})


def mute_text(t: Callable[..., str], until: datetime | None, reason: str | None) -> str:
    """ "You are muted in this room until 15:30 …" (the time in the viewer's zone: `PageContext.t`)."""
    if until is None:
        return t('muted_forever_reason', reason=reason) if reason else t('muted_forever')
    return t('muted_until_reason', until=until, reason=reason) if reason else t('muted_until', until=until)


def notice_text(t: Callable[..., str], event: ModerationNotice) -> str:
    """What the person affected reads: "Ann muted you in “Kitchen” until 15:30. Reason: …"."""
    key = 'notice_mute_forever' if event.action == 'mute' and event.until is None else f'notice_{event.action}'
    params: dict[str, Any] = {'actor': event.actor_name, 'room': event.room_name}
    if key == 'notice_mute':
        params['until'] = event.until
    text = t(key, **params)
    return f'{text} {t("moderation_reason_is", reason=event.reason)}' if event.reason else text


class MuteBanner:
    """Above the composer while the viewer is muted: until when and why; gone by itself when the mute ends. Made the
    first time it shows (most pages never show one)."""

    def __init__(self, ctx: PageContext, composer: Any) -> None:
        self.ctx, self.composer = ctx, composer  # the composer stops announcing typing while muted
        self.row: Any = None
        self.label: Any = None
        self._timer: asyncio.TimerHandle | None = None
        ctx.on_close(self._cancel)

    def show(self, until: datetime | None, reason: str | None) -> None:
        if self.row is None:
            composer_row = self.composer.input.parent_slot.parent
            column = composer_row.parent_slot.parent
            with column:
                self.row = el.row(BANNER_CLASSES, props={'data-testid': 'mute-banner', 'role': 'status'})
                with self.row:
                    el.box(tag='q-icon', props={'name': 'volume_off', 'size': 'sm'})
                    self.label = el.text('', ['grow'], props={'data-testid': 'mute-text'})
            self.row.move(column, target_index=column.default_slot.children.index(composer_row))
        el.set_text(self.label, mute_text(self.ctx.t, until, reason))
        self.row.set_visibility(True)
        self._silence(True)
        self._cancel()
        if until is not None:
            delay = (until - datetime.now(UTC)).total_seconds()
            self._timer = asyncio.get_running_loop().call_later(max(0.0, delay) + 0.5, self.hide)

    def hide(self) -> None:
        self._cancel()
        if self.ctx.closed:
            return
        if self.row is not None:
            self.row.set_visibility(False)
        self._silence(False)

    def _silence(self, muted: bool) -> None:
        self.composer.silenced = muted

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class RoomModeration:
    """The viewer's standing in the room and what follows from it on this page."""

    def __init__(
        self,
        ctx: PageContext,
        room: RoomView,
        standing: Standing,
        write_privately: Callable[[UserView, Callable[[UserView], Any] | None], None],
    ) -> None:
        self.ctx, self.room, self.standing, self.write_privately = ctx, room, standing, write_privately
        self.dialog: ui.dialog | None = None
        self.card: ui.card | None = None
        self.panel_button: Any = None
        self.panel_anchor: Any = None  # made in `drawer` for moderators only
        self.drawer: Any = None

    @property
    def may_moderate(self) -> bool:
        return self.standing.may_moderate

    # --- the drawer's "Moderation" button -----------------------------------------------------------------------

    def place_panel_button(self) -> None:
        """In the people drawer, for the room's moderators: the room's mutes, bans and log (made when first needed);
        called inside the drawer, below the people list. A person's own menu opens from their card."""
        self.drawer = context.slot.parent
        self._show_panel_button()

    def _show_panel_button(self) -> None:
        if self.drawer is None:
            return
        if self.panel_anchor is None:
            if not self.may_moderate:
                return
            with self.drawer:
                self.panel_anchor = el.column(['w-full', 'gap-1'])
        if self.may_moderate and self.panel_button is None:
            with self.panel_anchor:
                self.panel_button = el.button(
                    self.open_panel,
                    label=self.ctx.t('moderation_open'),
                    icon='shield',
                    classes=['w-full'],
                    props={'flat': True, 'no-caps': True, 'align': 'left', 'data-testid': 'moderation-open'},
                )
        if self.panel_button is not None:
            self.panel_button.set_visibility(self.may_moderate)

    # --- choosing a person --------------------------------------------------------------------------------------

    def person_chosen(self, user: UserView) -> None:
        """A person of the people list: their card, which for a moderator also leads to their moderation menu."""
        self.write_privately(user, self.open_for if self.may_moderate else None)

    def _fresh(self, *, wide: bool = False) -> ui.card:
        if self.dialog is None:
            with self.ctx.root or self.ctx.client:
                with ui.dialog() as self.dialog, ui.card().classes('max-w-full') as self.card:
                    pass
            self.card.props['data-testid'] = 'moderation-menu'
        assert self.dialog is not None and self.card is not None
        self.card.classes(add='w-[28rem]' if wide else 'w-80', remove='w-80' if wide else 'w-[28rem]')
        self.card.clear()
        self.dialog.open()
        return self.card

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()

    async def open_for(self, user: UserView) -> None:
        """The person's menu, as this viewer may treat them (asked of the service at the click)."""
        t = self.ctx.t
        try:
            target = await self.ctx.services.moderation.standing(self.ctx.user, self.room.id, of=user.id)
        except ChatError as error:
            self.ctx.show_error(error)
            return
        actions = self._actions(target)
        with self._fresh():
            with el.row(['items-center', 'no-wrap', 'gap-3', 'w-full']):
                el.image(user.avatar_url, ['w-10', 'h-10', 'rounded-full', 'shrink-0'])
                with el.column(['gap-0', 'min-w-0']):
                    el.text(user.display_name, ['font-bold', 'truncate'], props={'data-testid': 'mod-name'})
                    status = _status(t, target)
                    if status:
                        el.text(status, MUTED_TEXT, props={'data-testid': 'mod-status'})
            if not actions:  # the owner, another moderator, an admin, yourself
                el.text(t('moderation_nothing'), MUTED_TEXT, props={'data-testid': 'mod-nothing'})
            with ui.list().props('dense').classes('w-full'):
                for action in actions:
                    label, icon, testid = ITEMS[action]
                    choose = lambda action=action: self._confirm(user, action)  # noqa: E731
                    self._item(t(label), icon, testid, choose, severe=action in SEVERE)

    def _actions(self, target: Standing) -> list[str]:
        me = self.standing
        if not me.may_act_on(target):
            return []
        actions = []
        if me.may_appoint and not target.banned:
            actions.append('dismiss' if target.role == 'moderator' else 'appoint')
        actions.append('unmute' if target.muted else 'mute')
        actions.append('kick')
        actions.append('unban' if target.banned else 'ban')
        return actions

    def _item(self, label: str, icon: str, testid: str, handler: Callable[[], Any], severe: bool = False) -> None:
        with ui.item(on_click=handler) as item:
            item.props['data-testid'] = testid
            if severe:
                item.classes('text-negative')
            with ui.item_section().props('avatar'):
                ui.icon(icon)
            ui.item_section(label)

    def _confirm(self, user: UserView, action: str) -> None:
        """The action's dialog: what it does, how long (a mute), why (optional); the service's refusal shows here
        and keeps what was typed."""
        t = self.ctx.t
        with self._fresh():
            el.text(t(f'moderation_title_{action}', name=user.display_name), ['text-subtitle1', 'font-medium'])
            if action in ('mute', 'kick', 'ban'):
                el.text(t(f'moderation_hint_{action}'), MUTED_TEXT)
            duration: Any = None
            if action == 'mute':
                el.text(t('moderation_duration'), ['text-sm', 'pt-1'])
                options = {key: t(f'mute_{key}') for key in MUTE_DURATIONS}
                duration = ui.radio(options, value='1h')
                duration.props.update({'dense': True, 'data-testid': 'mod-duration'})
            reason = ui.input(t('moderation_reason')).classes('w-full')
            reason.props.update({'outlined': True, 'dense': True, 'data-testid': 'mod-reason'})
            error = el.text('', ERROR_CLASSES, props={'data-testid': 'mod-error'})

            async def confirm() -> None:
                try:
                    await self._do(user, action, reason.value, duration.value if duration is not None else None)
                except ChatError as failure:
                    el.set_text(error, t(failure.key, **failure.params))
                    return
                self.close()
                ui.notify(t('moderation_done', name=user.display_name, action=t(f'action_{action}')))

            reason.on('keydown.enter', confirm)
            with el.row(['w-full', 'justify-end', 'gap-2']):
                el.button(self.close, label=t('cancel'), props={'flat': True, 'data-testid': 'mod-cancel'})
                el.button(
                    confirm,
                    label=t('moderation_confirm'),
                    props={'color': 'negative' if action in SEVERE else 'primary', 'data-testid': 'mod-confirm'},
                )

    async def _do(self, user: UserView, action: str, reason: str | None, duration: str | None) -> None:
        moderation, me, room_id = self.ctx.services.moderation, self.ctx.user, self.room.id
        if action == 'mute':
            await moderation.mute(me, room_id, user.id, duration or '', reason)
        else:
            await getattr(moderation, action)(me, room_id, user.id, reason)

    # --- the room's mutes, bans and log ------------------------------------------------------------------------

    async def open_panel(self) -> None:
        t, services = self.ctx.t, self.ctx.services
        try:
            restrictions = await services.moderation.restrictions(self.ctx.user, self.room.id)
            log = await services.moderation.log(self.ctx.user, self.room.id) if self.standing.may_appoint else None
        except ChatError as error:
            self.ctx.show_error(error)
            return
        with self._fresh(wide=True):
            el.text(t('moderation_restrictions'), ['text-subtitle1', 'font-medium'])
            if not restrictions:
                el.text(t('moderation_none'), MUTED_TEXT)
            with el.column(['w-full', 'gap-1'], props={'data-testid': 'mod-restrictions'}):
                for restriction in restrictions:
                    self._restriction_row(restriction)
            if log is not None:
                el.text(t('moderation_log'), ['text-subtitle1', 'font-medium', 'pt-2'])
                if not log:
                    el.text(t('moderation_log_empty'), MUTED_TEXT)
                with el.column(['w-full', 'gap-1', 'max-h-80', 'overflow-y-auto'], props={'data-testid': 'mod-log'}):
                    log_entries(self.ctx, log)
            with el.row(['w-full', 'justify-end']):
                el.button(self.close, label=t('private_close'), props={'flat': True})

    def _restriction_row(self, restriction: Restriction) -> None:
        t = self.ctx.t
        if restriction.kind == 'ban':
            status = t('moderation_banned')
        elif restriction.until is None:
            status = t('moderation_muted_forever')
        else:
            status = t('moderation_muted_until', until=restriction.until)
        action = 'unban' if restriction.kind == 'ban' else 'unmute'
        with el.row(['w-full', 'items-center', 'no-wrap', 'gap-2']):
            with el.column(['gap-0', 'grow', 'min-w-0']):
                el.text(restriction.user.display_name, ['truncate', 'font-medium'])
                el.text(status, MUTED_TEXT)
            label, icon, testid = ITEMS[action]
            el.button(
                lambda: self._confirm(restriction.user, action),
                icon=icon,
                props={'flat': True, 'round': True, 'dense': True, 'data-testid': testid, 'title': t(label)},
            )

    # --- what happens to the viewer -----------------------------------------------------------------------------

    def changed(self, event: ModerationNotice) -> None:
        """Appointed or dismissed: this page offers what the new role may do."""
        role = {'appoint': 'moderator', 'dismiss': 'member'}.get(event.action)
        if role is not None and self.standing.role in ('moderator', 'member'):
            self.standing = Standing(
                self.standing.room_id,
                self.standing.user_id,
                role,
                self.standing.muted,
                self.standing.muted_until,
                self.standing.mute_reason,
            )
            self._show_panel_button()
            if role == 'member':
                self.close()


def log_entries(ctx: PageContext, entries: list[ModerationEntry], *, rooms: bool = False) -> None:
    """Lines of the moderation log in the viewer's language and time zone; `rooms`: each names its room (the admin
    page's log of every room)."""
    t, zone = ctx.t, ctx.user.time_zone
    gone = t('moderation_gone_account')
    for entry in entries:
        action = t(f'action_{entry.action}')
        if entry.action == 'mute':
            action += ' ' + (t('moderation_log_until', until=entry.until) if entry.until else t('mute_forever'))
        line = t('moderation_log_line', actor=entry.actor_name or gone, target=entry.target_name or gone, action=action)
        where = f'{entry.room_name} · ' if rooms else ''
        with el.column(['gap-0', 'w-full'], props={'data-testid': 'mod-log-entry'}):
            el.text(f'{stamp(entry.at, zone)} · {where}{line}', ['text-sm'])
            if entry.reason:
                el.text(t('moderation_reason_is', reason=entry.reason), MUTED_TEXT)


def _status(t: Callable[..., str], target: Standing) -> str:
    parts = []
    if target.role == 'moderator':
        parts.append(t('moderation_moderator_mark'))
    if target.banned:
        parts.append(t('moderation_banned'))
    elif target.muted_until is not None:
        parts.append(t('moderation_muted_until', until=target.muted_until))
    elif target.muted:
        parts.append(t('moderation_muted_forever'))
    return ' · '.join(parts)


def left_room(ctx: PageContext, event: ModerationNotice) -> None:
    """Kicked or banned: the page stops taking part in the room (presence, live events) and says why in place of
    the room; the notification came through the header (pages/layout.py)."""
    ctx.close()
    if ctx.root is None:
        return
    ctx.root.clear()
    with ctx.root, el.column(['w-full', 'items-center', 'gap-2', 'pt-8']):
        el.text(notice_text(ctx.t, event), ['text-h6', 'text-center'], props={'data-testid': 'page-gone'})
        el.link(ctx.t('back_to_rooms'), '/')
