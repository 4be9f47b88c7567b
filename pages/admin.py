"""The admin page (/admin): a dashboard of activity, people and rooms - and the page a reset link opens (/reset/...).

Admins reach it from the user menu and the control panel. Every action goes through chat/admin.py, which refuses a
non-admin: the "not allowed" message here is only what such a visitor sees.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from nicegui import app, ui

from chat import admin as admin_service
from chat.admin import Dashboard, RoomRow, UserRow
from chat.errors import ChatError
from chat.i18n import format_number, format_size, translate
from chat.moderation import LOG_PAGE
from chat.services import Services
from pages import forms
from pages.context import PageContext, language_for, route, signed_in_page
from pages.layout import MUTED, anonymous_header, header
from pages.moderation import log_entries

# chart text and lines readable on the light and the dark page alike (a system theme is not known to the server)
CHART_TEXT = {'light': '#374151', 'dark': '#e5e7eb', None: '#6b7280'}
CHART_LINES = {'light': '#e5e7eb', 'dark': '#334155', None: 'rgba(128, 128, 128, 0.3)'}
CHART_COLOURS = ['#2563eb', '#16a34a', '#d97706']


def chart_options(dashboard: Dashboard, kind: str, theme: str | None) -> dict[str, Any]:
    """The options of one chart: 'messages', 'authors' (by day) or 'rooms' (the busiest rooms)."""
    text, lines = CHART_TEXT.get(theme, CHART_TEXT[None]), CHART_LINES.get(theme, CHART_LINES[None])
    axis = {
        'axisLabel': {'color': text},
        'axisLine': {'lineStyle': {'color': lines}},
        'splitLine': {'lineStyle': {'color': lines}},
    }
    base: dict[str, Any] = {
        'backgroundColor': 'transparent',
        'textStyle': {'color': text},
        'tooltip': {'trigger': 'axis'},
        'grid': {'left': 8, 'right': 16, 'top': 16, 'bottom': 8, 'containLabel': True},
        'animation': False,
    }
    if kind == 'rooms':
        names = [name for name, _ in reversed(dashboard.top_rooms)]
        counts = [count for _, count in reversed(dashboard.top_rooms)]
        return {
            **base,
            'xAxis': {'type': 'value', 'minInterval': 1, **axis},
            'yAxis': {
                'type': 'category',
                'data': names,
                **axis,
                'axisLabel': {'color': text, 'width': 120, 'overflow': 'truncate'},
            },
            'series': [{'type': 'bar', 'data': counts, 'color': CHART_COLOURS[2]}],
        }
    days = [day[5:] for day in dashboard.days]  # 'MM-DD'
    values = dashboard.messages if kind == 'messages' else dashboard.authors
    series = {'type': 'bar', 'data': values, 'color': CHART_COLOURS[0]}
    if kind == 'authors':
        series = {'type': 'line', 'data': values, 'color': CHART_COLOURS[1], 'areaStyle': {'opacity': 0.15}}
    return {
        **base,
        'xAxis': {'type': 'category', 'data': days, **axis},
        'yAxis': {'type': 'value', 'minInterval': 1, **axis},
        'series': [series],
    }


class DashboardTab:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        t = ctx.t
        with ui.row().classes('w-full items-center justify-end'):
            ui.button(t('admin_refresh'), icon='refresh', on_click=self.load).props(
                'flat no-caps data-testid=dashboard-refresh'
            )
        with ui.grid().classes('w-full gap-2 sm:gap-4 grid-cols-3'):
            self.online = self._stat(t('online_now'), 'stat-online')
            self.database = self._stat(t('storage_database'), 'stat-database')
            self.media = self._stat(t('storage_media'), 'stat-media')
        self.charts: dict[str, ui.echart] = {}
        with ui.grid().classes('w-full gap-4 grid-cols-1 lg:grid-cols-2'):
            for kind, title in (('messages', 'chart_messages'), ('authors', 'chart_authors'), ('rooms', 'chart_rooms')):
                with ui.card().classes('w-full').props('flat bordered'):
                    ui.label(t(title)).classes('text-subtitle1')
                    self.charts[kind] = (
                        ui.echart({}, theme=None).classes('w-full h-64').props(f'data-testid=chart-{kind}')
                    )

    def _stat(self, title: str, testid: str) -> ui.label:
        with ui.card().classes('min-w-0 max-sm:p-3').props('flat bordered'):
            ui.label(title).classes(' '.join(['text-sm', *MUTED]))
            return ui.label('…').classes('text-h6 sm:text-h5 whitespace-nowrap').props(f'data-testid={testid}')

    async def load(self) -> None:
        try:
            dashboard = await self.ctx.services.admin.dashboard(self.ctx.user)
        except ChatError as error:
            self.ctx.show_error(error)
            return
        lang = self.ctx.lang
        self.online.text = format_number(lang, dashboard.online)
        self.database.text = format_size(lang, dashboard.database_bytes)
        self.media.text = format_size(lang, dashboard.media_bytes)
        for kind, chart in self.charts.items():
            chart.options.clear()
            chart.options.update(chart_options(dashboard, kind, self.ctx.user.theme))
            chart.update()


class Pager:
    """Search field, rows and previous/next for the users and rooms tabs."""

    def __init__(
        self, ctx: PageContext, name: str, load: Callable[[str, int], Awaitable[Any]], row: Callable[[Any], None]
    ) -> None:
        self.ctx, self.load_page, self.row, self.page, self.pages = ctx, load, row, 0, 1
        self.asked = 0  # loads asked for so far: only the newest one's answer is shown
        t = ctx.t
        with ui.row().classes('w-full items-center no-wrap gap-2'):
            self.search = (
                ui.input(t('admin_search'))
                .classes('grow')
                .props(f'dense outlined clearable data-testid=admin-search-{name}')
            )
            self.search.on('keydown.enter', lambda: self.go(0))
            self.search.on('clear', lambda: self.go(0))
            ui.button(icon='search', on_click=lambda: self.go(0)).props(
                f'flat round aria-label="{t("admin_search")}" data-testid=admin-search-{name}-go'
            )
        self.rows = ui.column().classes('w-full gap-2').props(f'data-testid=admin-{name}-rows')
        with ui.row().classes('w-full items-center justify-between no-wrap gap-1'):
            self.previous = ui.button(t('admin_previous'), icon='chevron_left', on_click=lambda: self.go(self.page - 1))
            self.previous.props(f'flat no-caps no-wrap data-testid=admin-{name}-previous')
            self.status = (
                ui.label()
                .classes(' '.join(['text-sm', 'text-center', 'min-w-0', *MUTED]))
                .props(f'data-testid=admin-{name}-status')
            )
            self.next = ui.button(t('admin_next'), on_click=lambda: self.go(self.page + 1))
            self.next.props(f'flat no-caps no-wrap icon-right=chevron_right data-testid=admin-{name}-next')

    async def go(self, page: int) -> None:
        """Shows a page of rows. Loads overlap (a search still under way when a change reloads the list), and an
        older one may answer last: its rows would undo what the newer one shows, so only the newest is shown."""
        self.asked += 1
        asked = self.asked
        try:
            result = await self.load_page(self.search.value or '', max(page, 0))
        except ChatError as error:
            if asked == self.asked:
                self.ctx.show_error(error)
            return
        if asked != self.asked:
            return
        self.page, self.pages = result.page, result.pages
        self.rows.clear()
        with self.rows:
            for item in result.rows:
                self.row(item)
        self.status.text = self.ctx.t('admin_page_of', page=result.page + 1, pages=result.pages, count=result.total)
        self.previous.set_enabled(result.page > 0)
        self.next.set_enabled(result.page + 1 < result.pages)

    async def reload(self) -> None:
        await self.go(self.page)


class UsersTab:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        admin = ctx.services.admin
        self.pager = Pager(ctx, 'users', lambda q, p: admin.users(ctx.user, q, p), self.row)
        with ui.dialog() as self.dialog, ui.card().classes('w-full max-w-lg'):
            self.dialog_text = ui.label()
            self.link = ui.input().classes('w-full').props('readonly outlined dense data-testid=reset-link')
            with ui.row().classes('w-full justify-end'):
                ui.button(ctx.t('close'), on_click=self.dialog.close).props('flat data-testid=reset-close')

    def row(self, user: UserRow) -> None:
        t = self.ctx.t
        with ui.card().classes('w-full').props(f'flat bordered data-testid=admin-user-{user.id}'):
            with ui.row().classes('w-full items-center justify-between gap-2'):
                with ui.column().classes('gap-0 min-w-0'):
                    with ui.row().classes('items-center gap-2 no-wrap min-w-0'):
                        ui.label(user.display_name).classes('font-bold truncate')
                        if user.is_admin:
                            ui.badge(t('admin_badge')).props('color=primary outline')
                        if user.disabled:
                            ui.badge(t('disabled_badge')).props(f'color=negative data-testid=disabled-{user.id}')
                    ui.label('@' + user.username).classes(' '.join(['text-sm', 'truncate', *MUTED]))
                with ui.row().classes('items-center gap-1'):
                    ui.button(
                        t('admin_enable') if user.disabled else t('admin_disable'),
                        on_click=lambda u=user: self.act(
                            u, self.ctx.services.admin.set_disabled(self.ctx.user, u.id, not u.disabled)
                        ),
                    ).props(
                        f'flat dense no-caps color={"positive" if user.disabled else "negative"} '
                        f'data-testid=disable-{user.id}'
                    )
                    ui.button(
                        t('admin_demote') if user.is_admin else t('admin_promote'),
                        on_click=lambda u=user: self.act(
                            u, self.ctx.services.admin.set_admin(self.ctx.user, u.id, not u.is_admin)
                        ),
                    ).props(f'flat dense no-caps data-testid=admin-toggle-{user.id}')
                    ui.button(t('admin_reset'), on_click=lambda u=user: self.reset(u)).props(
                        f'flat dense no-caps data-testid=reset-{user.id}'
                    )

    async def act(self, user: UserRow, change: Awaitable[UserRow]) -> None:
        try:
            await change
        except ChatError as error:
            self.ctx.show_error(error)
            return
        with self.ctx.root or self.ctx.client:
            ui.notify(self.ctx.t('admin_user_changed', name=user.display_name), type='positive')
        await self.pager.reload()

    async def reset(self, user: UserRow) -> None:
        try:
            token = await self.ctx.services.admin.reset_link(self.ctx.user, user.id)
        except ChatError as error:
            self.ctx.show_error(error)
            return
        try:
            base = str(self.ctx.client.request.base_url).rstrip('/')
        except RuntimeError:
            base = ''
        self.dialog_text.text = self.ctx.t('admin_reset_made', name=user.display_name)
        self.link.value = f'{base}/reset/{token}'
        self.dialog.open()


class RoomsTab:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        admin = ctx.services.admin
        self.pager = Pager(ctx, 'rooms', lambda q, p: admin.rooms_page(ctx.user, q, p), self.row)
        self.dialog, self.dialog_text = forms.confirm_delete_dialog(ctx)

    def row(self, room: RoomRow) -> None:
        t = self.ctx.t
        with ui.card().classes('w-full').props(f'flat bordered data-testid=admin-room-{room.id}'):
            with ui.row().classes('w-full items-center justify-between no-wrap gap-2'):
                ui.link(room.name, f'/room/{room.id}').classes('text-lg truncate min-w-0')
                ui.label(f'{t("admin_owner")}: ' + (f'@{room.owner}' if room.owner else t('admin_no_owner'))).classes(
                    ' '.join(['text-sm', 'shrink-0', *MUTED])
                ).props(f'data-testid=room-owner-{room.id}')
            with ui.row().classes('w-full items-start no-wrap gap-2'):
                owner = forms.clears_when_typing(
                    ui.input(t('admin_new_owner'), value=room.owner or '')
                    .classes('grow')
                    .props(f'dense outlined data-testid=owner-input-{room.id}')
                )
                ui.button(t('admin_set_owner'), on_click=lambda r=room, f=owner: self.set_owner(r, f)).props(
                    f'flat no-caps data-testid=owner-save-{room.id}'
                )
                ui.button(t('delete'), icon='delete', on_click=lambda r=room: self.delete(r)).props(
                    f'flat no-caps color=negative data-testid=admin-delete-room-{room.id}'
                )

    async def set_owner(self, room: RoomRow, field: ui.input) -> None:
        try:
            await self.ctx.services.admin.set_owner(self.ctx.user, room.id, field.value or '')
        except ChatError as error:
            forms.show(field, self.ctx, error)
            return
        with self.ctx.root or self.ctx.client:
            ui.notify(self.ctx.t('admin_owner_changed', name=room.name), type='positive')
        await self.pager.reload()

    async def delete(self, room: RoomRow) -> None:
        self.dialog_text.text = self.ctx.t('confirm_delete', name=room.name)
        if not await self.dialog:
            return
        try:
            await self.ctx.services.admin.delete_room(self.ctx.user, room.id)
        except ChatError as error:
            self.ctx.show_error(error)
            return
        with self.ctx.root or self.ctx.client:
            ui.notify(self.ctx.t('room_deleted', name=room.name), type='positive')
        await self.pager.reload()


class ModerationLogTab:
    """Every room's moderation log, newest first, a page at a time (`Moderation.log` refuses anyone but admins)."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx, self.oldest = ctx, None
        self.loading = False
        self.empty = ui.label(ctx.t('moderation_log_empty')).classes(' '.join(MUTED))
        self.empty.visible = False
        self.list = ui.column().classes('w-full gap-1').props('data-testid=admin-log')
        self.button = ui.button(ctx.t('moderation_log_older'), on_click=self.more).props('flat no-caps')
        self.button.props('data-testid=admin-log-older')
        self.button.visible = False

    async def more(self) -> None:
        """The next older page. A click while one is on its way does nothing: it would ask for the same page."""
        if self.loading:
            return
        self.loading = True
        try:
            entries = await self.ctx.services.moderation.log(self.ctx.user, None, self.oldest)
        except ChatError as error:
            self.ctx.show_error(error)
            return
        finally:
            self.loading = False
        with self.list:
            log_entries(self.ctx, entries, rooms=True)
        if entries:
            self.oldest = entries[-1].id
        self.empty.visible = self.oldest is None
        self.button.visible = len(entries) >= LOG_PAGE


def register(services: Services) -> None:
    @signed_in_page(services, '/admin')
    async def admin_page(ctx: PageContext) -> None:
        t = ctx.t
        header(ctx, t('admin'))
        with ui.column().classes('w-full max-w-5xl mx-auto gap-4') as ctx.root:
            try:
                await services.admin.check(ctx.user)
            except ChatError:
                ui.label(t('admin_not_allowed')).classes('text-h6').props('data-testid=admin-not-allowed')
                ui.link(t('back_to_rooms'), '/')
                return
            with ui.tabs().classes('w-full').props('align=left no-caps') as tabs:
                dashboard_tab = ui.tab('dashboard', t('admin_dashboard'), icon='insights').props(
                    'data-testid=admin-tab-dashboard'
                )
                users_tab = ui.tab('users', t('admin_users'), icon='people').props('data-testid=admin-tab-users')
                rooms_tab = ui.tab('rooms', t('admin_rooms'), icon='forum').props('data-testid=admin-tab-rooms')
                log_tab = ui.tab('log', t('moderation_log'), icon='gavel').props('data-testid=admin-tab-log')
            with ui.tab_panels(tabs, value=dashboard_tab).classes('w-full bg-transparent'):
                with ui.tab_panel(dashboard_tab).classes('px-0'):
                    dashboard = DashboardTab(ctx)
                with ui.tab_panel(users_tab).classes('px-0'):
                    users = UsersTab(ctx)
                with ui.tab_panel(rooms_tab).classes('px-0'):
                    rooms = RoomsTab(ctx)
                with ui.tab_panel(log_tab).classes('px-0'):
                    log = ModerationLogTab(ctx)
        await dashboard.load()
        await users.pager.go(0)
        await rooms.pager.go(0)
        await log.more()

    @route(services, '/reset/{token}')
    async def reset_page(request: Request, token: str) -> None:
        session = app.storage.user
        lang = language_for(services, request)
        t = lambda key, **params: translate(lang, key, **params)  # noqa: E731
        anonymous_header(lang, session)
        with ui.card().classes('w-full max-w-sm mx-auto mt-8'):
            ui.label(t('reset_title')).classes('text-h6')
            if not await admin_service.reset_valid(services.db, token):
                ui.label(t('reset_invalid')).props('data-testid=reset-invalid')
                ui.link(t('sign_in'), '/login')
                return
            with ui.column().classes('w-full gap-2') as form:
                password = (
                    ui.input(t('new_password'), password=True, password_toggle_button=True)
                    .classes('w-full')
                    .props(f'outlined autocomplete=new-password hint="{t("password_hint")}" data-testid=reset-password')
                )
                password.on('keydown.enter', lambda: save())
                error = forms.error_line('reset-error')
                ui.button(t('save'), on_click=lambda: save()).classes('w-full').props('data-testid=reset-submit')
            done = ui.column().classes('w-full gap-2')
            done.set_visibility(False)
            with done:
                ui.label(t('reset_done')).props('data-testid=reset-done')
                ui.link(t('sign_in'), '/login')

            async def save() -> None:
                try:
                    await admin_service.redeem_reset(services.db, services.hub, token, password.value or '')
                except ChatError as failure:
                    forms.say(error, t(failure.key, **failure.params))
                    return
                password.value = ''
                form.set_visibility(False)
                done.set_visibility(True)
