"""A person's card: avatar, name, @username, since when they are here, and the ways to write to them — "Message"
(the two people's direct conversation, chat/direct.py) and, for someone in the room now, a private note that is not
saved. One dialog per page, built the first time someone is chosen (most pages never open it): the name, avatar and
buttons show at once from what the page knows, the "member since" line follows from the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from nicegui import ui
from nicegui.element import Element

from chat.errors import ChatError
from chat.views import UserView
from pages import elements as el
from pages.context import PageContext
from pages.formatting import local_day
from pages.layout import MUTED


def member_since(t: Callable[..., str], moment: datetime, time_zone: str | None) -> str:
    """ "Member since 5 December 2026", the day in the viewer's time zone and language."""
    day = local_day(moment, time_zone)
    month = t('month_names').split()[day.month - 1]
    return t('profile_member_since', date=t('day_date_year', d=day.day, m=month, y=day.year))


class ProfileCard:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.user: UserView | None = None
        self.whisper: Callable[[UserView], None] | None = None
        self.moderate: Callable[[UserView], object] | None = None
        self.dialog: ui.dialog | None = None

    def _build(self) -> None:
        t = self.ctx.t
        with self.ctx.root or self.ctx.client, ui.dialog() as self.dialog:
            with ui.card().classes('w-80 max-w-full items-center gap-2').props('data-testid=profile-card'):
                self.avatar: Element = el.image('', ['w-20', 'h-20', 'rounded-full'])
                self.name = el.text('', ['text-h6', 'text-center', 'break-all'], props={'data-testid': 'profile-name'})
                self.username = el.text('', ['text-sm', *MUTED], props={'data-testid': 'profile-username'})
                self.since = el.text('', ['text-sm', *MUTED], props={'data-testid': 'profile-since'})
                self.error = el.text('', ['text-negative', 'text-sm'], props={'data-testid': 'profile-error'})
                with el.column(['w-full', 'gap-2', 'pt-2']):
                    self.message = ui.button(t('profile_message'), icon='chat', on_click=self._message)
                    self.message.props('unelevated no-caps data-testid=profile-message').classes('w-full')
                    self.private = ui.button(t('profile_whisper'), icon='lock', on_click=self._whisper)
                    self.private.props('outline no-caps color=amber-8 data-testid=profile-whisper').classes('w-full')
                    self.moderation = ui.button(t('profile_moderate'), icon='shield', on_click=self._moderate)
                    self.moderation.props('outline no-caps data-testid=profile-moderate').classes('w-full')
                    ui.button(t('profile_close'), on_click=self.close).props('flat no-caps').classes('w-full')

    def open(
        self,
        user: UserView,
        whisper: Callable[[UserView], None] | None = None,
        moderate: Callable[[UserView], object] | None = None,
    ) -> None:
        """The card of `user`; `whisper`: how to send them a private note here (only while they are in the room);
        `moderate`: how to open their moderation menu (only for the room's moderators)."""
        if self.dialog is None:
            self._build()
        assert self.dialog is not None
        self.user, self.whisper, self.moderate = user, whisper, moderate
        own = user.id == self.ctx.user.id
        el.set_image(self.avatar, user.avatar_url)
        el.set_text(self.name, user.display_name)
        el.set_text(self.username, f'@{user.username}')
        el.set_text(self.since, '')
        el.set_text(self.error, '')
        self.message.set_visibility(not own)
        self.private.set_visibility(not own and whisper is not None)
        self.moderation.set_visibility(not own and moderate is not None)
        self.dialog.open()
        self.ctx.run(self._load(user.id))

    async def _load(self, user_id: int) -> None:
        try:
            profile = await self.ctx.services.rooms.profile(self.ctx.user, user_id)
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return
        if self.user is not None and self.user.id == user_id:
            el.set_text(self.since, member_since(self.ctx.t, profile.member_since, self.ctx.user.time_zone))

    async def _message(self) -> None:
        if self.user is None:
            return
        try:
            room = await self.ctx.services.rooms.direct(self.ctx.user, self.user.id)
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return
        self.close()
        ui.navigate.to(f'/room/{room.id}')

    def _whisper(self) -> None:
        if self.user is not None and self.whisper is not None:
            self.whisper(self.user)
        self.close()

    def _moderate(self) -> None:
        user, moderate = self.user, self.moderate
        self.close()
        if user is not None and moderate is not None:
            self.ctx.run(moderate(user))  # type: ignore[arg-type]

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
