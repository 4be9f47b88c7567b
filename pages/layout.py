"""The shared frame: a one-row header with navigation and the user menu (profile, language, theme, sign-out)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.element import Element
from nicegui.events import ValueChangeEventArguments

from chat.errors import ChatError
from chat.events import Event, ModerationNotice, ProfileChanged, SessionEnded
from chat.hub import user_topic
from chat.i18n import LANGUAGE_NAMES, translate
from pages import elements as el
from pages.context import PageContext
from pages.live_status import live_status
from pages.moderation import notice_text
from pages.theme import SESSION_KEY, THEME_KEYS, LiveTheme, prepare_page, theme_of

HEADER_CLASSES = 'items-center justify-between no-wrap gap-2 bg-primary dark:bg-slate-800! px-3 py-2 sm:px-4'
MUTED = ['text-grey-7', 'dark:text-gray-400!']  # Quasar's grey is too dim on a dark page (its classes are !important)
LEFT_CLASSES = ['items-center', 'gap-2', 'no-wrap', 'min-w-0', 'shrink']
RIGHT_CLASSES = ['items-center', 'gap-1', 'no-wrap', 'shrink-0']
# text-white! (important): it is a link, and links have a colour class of their own (pages/theme.py)
APP_NAME_CLASSES = ['text-lg', 'font-bold', 'text-white!', 'no-underline', 'whitespace-nowrap', 'gt-xs']
TITLE_CLASSES = ['text-lg', 'truncate', 'min-w-0']
AVATAR_CLASSES = ['w-8', 'h-8', 'rounded-full', 'shrink-0']
NAME_CLASSES = ['max-w-40', 'truncate', 'gt-xs']  # the name beside the avatar: not on a phone (it is in the menu)
MENU_HEADING = ['text-xs', 'uppercase', *MUTED, 'px-4', 'pt-2', 'pb-1']
USERNAME_CLASSES = ['text-xs', *MUTED, 'px-4', 'pb-2', 'truncate']
SIGNED_OUT = '/auth/signout'  # clears the browser's cookie of an ended session (pages/sessions.py), then sign-in
HEADER_BUTTON = {'flat': True, 'round': True, 'color': 'white'}
SYSTEM = 'system'  # the theme choice's value for "follow the system" (stored as NULL)
DRAWER_WIDTH = 272  # px
# ! like Quasar's bg-white, or the drawer stays white on a dark page
DRAWER_CLASSES = ['nicegui-drawer', 'bg-white', 'dark:bg-slate-900!']
PANE_PROPS = {'show-if-above': True, 'bordered': True, 'width': DRAWER_WIDTH}
ROOMS_PANE_PROPS = {'side': 'left', **PANE_PROPS, 'data-testid': 'rooms-drawer'}
PEOPLE_PANE_PROPS = {'side': 'right', **PANE_PROPS, 'data-testid': 'people-drawer'}
DRAWER_BUTTON = {**HEADER_BUTTON, 'dense': True}
# The user menu holds more than menu items (names, headings, the theme's radio group): a dialog, not a `menu`, whose
# list has only list items (its separators are drawn, not read)
MENU_PROPS = {'auto-close': True, 'anchor': 'bottom right', 'self': 'top right', 'role': 'dialog'}
SEPARATOR = {'role': 'none', 'aria-orientation': None}  # null: Vue drops Quasar's attribute


def hint(text: str) -> dict[str, str]:
    """An icon button's name: shown by the browser on hover and read by screen readers (a `ui.tooltip` would be one
    more element on every page)."""
    return {'title': text, 'aria-label': text}


def language_switch(current: str, session: dict[str, Any]) -> None:
    """The sign-in pages' menu of the languages, each named in itself (built from pages/elements.py)."""

    def change(language: str) -> None:
        if language != current:
            session['lang'] = language
            ui.navigate.reload()

    with (
        el.box(
            ['w-28'],
            tag='q-btn-dropdown',
            props={
                'label': LANGUAGE_NAMES[current],
                'flat': True,
                'dense': True,
                'no-caps': True,
                'auto-close': True,
                'color': 'white',
                'data-testid': 'language',
            },
        ),
        el.box(tag='q-list', props={'dense': True}),
    ):
        for code, name in LANGUAGE_NAMES.items():
            el.menu_item(
                name,
                lambda code=code: change(code),
                props={'active': code == current, 'data-testid': f'language-{code}'},
            )


def anonymous_header(lang: str, session: dict[str, Any]) -> None:
    prepare_page(lang, theme_of(session.get(SESSION_KEY)))
    with ui.header().classes(HEADER_CLASSES):
        el.text(translate(lang, 'app_name'), ['text-lg', 'font-bold'])
        language_switch(lang, session)


def rooms_drawer() -> Element:
    """The user's rooms, left of the page: beside it on a wide screen, over it on a phone."""
    return _side_pane('left', ROOMS_PANE_PROPS)


def people_drawer() -> Element:
    """A room's people, right of the page: beside it on a wide screen, over it on a phone."""
    return _side_pane('right', PEOPLE_PANE_PROPS)


def _side_pane(side: str, props: dict[str, Any]) -> Element:
    """A side pane (Quasar's drawer) whose open state the browser owns: Quasar opens it on a wide screen
    (`show-if-above`), closes it when the window narrows, and the header's button toggles it there. The server keeps
    no copy, so the pane is a plain element of the page's layout, not NiceGUI's drawer (a value element with its
    bindings, whose copy echoed back after a resize would open it over the page again). Placed as NiceGUI places a
    fixed drawer: in the layout's view, and before (left) or after (right) the page's container."""
    client = ui.context.client
    layout = client.layout
    view = list(layout.props['view'])
    view[0 if side == 'left' else 2] = 'h'
    view[4 if side == 'left' else 6] = side[0].upper()
    view[8 if side == 'left' else 10] = 'f'
    layout.props['view'] = ''.join(view)
    with layout:
        pane = el.box(DRAWER_CLASSES, tag='q-drawer', props=props)
    index = layout.default_slot.children.index(client.page_container)
    el.place(layout, pane, index if side == 'left' else index + 1)
    return pane


def toggler(pane: Element) -> Callable[[], None]:
    """What the header's button for a side pane does: opens or closes it, in the browser."""
    return lambda: pane.run_method('toggle')


def header(
    ctx: PageContext,
    title: str | None = None,
    *,
    rooms: Element | None = None,
    people: Element | None = None,
    search: bool = True,
) -> Element:
    """Returns the title label so a page can change it live (e.g. a room rename). `rooms` and `people`: the page's
    drawers, each opened by a header button where the screen is too narrow to show it beside the page. `search`: the
    header's search field (a button on a phone); the results page has its own."""
    prepare_page(ctx.lang, ctx.user.theme)
    with ui.header().classes(HEADER_CLASSES):
        with el.row(LEFT_CLASSES):
            if rooms is not None:
                el.button(
                    toggler(rooms), icon='menu', classes=['lt-md'], props={**DRAWER_BUTTON, **hint(ctx.t('open_rooms'))}
                )
            el.link(ctx.t('app_name'), '/', APP_NAME_CLASSES)
            title_label = el.text(title or '', TITLE_CLASSES)
        with el.row(RIGHT_CLASSES):
            if search:
                from pages.search import header_search  # pages/search.py builds on this module

                header_search(ctx)
            if people is not None:
                el.button(
                    toggler(people),
                    icon='group',
                    classes=['lt-md'],
                    props={**DRAWER_BUTTON, **hint(ctx.t('open_people'))},
                )
            el.button(lambda: ui.navigate.to('/'), icon='forum', props={**HEADER_BUTTON, **hint(ctx.t('browse_rooms'))})
            avatar, name, theme = user_menu(ctx)

    def on_user_event(event: Event) -> None:
        if isinstance(event, ProfileChanged) and event.user.id == ctx.user.id:
            el.set_text(name, event.user.display_name)
            el.set_image(avatar, event.user.avatar_url)
            theme.follow(event.user.theme)
        elif isinstance(event, SessionEnded):
            ctx.run(_check_session(ctx))
        elif isinstance(event, ModerationNotice):  # muted, removed, banned...: told on every page, in its language
            ui.notify(notice_text(ctx.t, event), type='warning', multi_line=True, timeout=10000)

    ctx.subscribe(user_topic(ctx.user.id), on_user_event)
    live_status(ctx)
    return title_label


def user_menu(ctx: PageContext) -> tuple[Element, Element, ThemeChoice]:
    """The avatar (and the name, on a wide screen) opening one menu: profile, language, theme and sign-out.
    Returns the avatar, the name and the theme choice, which follow changes made on the user's other pages."""
    menu_button = {
        'flat': True,
        'dense': True,
        'no-caps': True,
        'color': 'white',
        'padding': '2px 6px',
        'data-testid': 'user-menu',
        **hint(ctx.t('user_menu')),
    }
    with el.box(tag='q-btn', props=menu_button):
        with el.row(['items-center', 'gap-2', 'no-wrap']):
            avatar = el.image(ctx.user.avatar_url, AVATAR_CLASSES)
            name = el.text(ctx.user.display_name, NAME_CLASSES, props={'data-testid': 'me'})
            el.box(tag='q-icon', props={'name': 'arrow_drop_down'})
        theme = ThemeChoice(ctx)
        # built the first time the menu opens: most pages never open it
        el.lazy_menu(
            lambda: _user_menu_items(ctx, theme),
            props={**MENU_PROPS, 'aria-label': ctx.t('user_menu'), 'data-testid': 'user-menu-items'},
        )
    return avatar, name, theme


def _user_menu_items(ctx: PageContext, theme: ThemeChoice) -> None:
    with el.box(['min-w-56', 'max-w-80'], tag='q-list', props={'dense': True}):
        el.text(ctx.user.display_name, ['px-4', 'pt-3', 'pb-1', 'font-bold', 'truncate'])
        el.text('@' + ctx.user.username, USERNAME_CLASSES)
        el.box(tag='q-separator', props=SEPARATOR)
        el.menu_item(ctx.t('profile'), lambda: ui.navigate.to('/panel'), props={'data-testid': 'panel-link'})
        if ctx.user.is_admin:
            el.menu_item(ctx.t('admin'), lambda: ui.navigate.to('/admin'), props={'data-testid': 'admin-link'})
        el.box(tag='q-separator', props=SEPARATOR)
        el.text(ctx.t('language'), MENU_HEADING)
        for code, language in LANGUAGE_NAMES.items():
            el.menu_item(
                language,
                lambda code=code: _change_language(ctx, code),
                props={'active': code == ctx.lang, 'data-testid': f'language-{code}'},
            )
        el.box(tag='q-separator', props=SEPARATOR)
        el.text(ctx.t('theme'), MENU_HEADING)
        with el.box(props={'role': 'listitem'}):
            theme.build()
        el.box(tag='q-separator', props=SEPARATOR)

        async def sign_out() -> None:
            # this page leaves by itself: it stops listening first, or the session's end (announced to every
            # page of the user) would send it to the sign-in page a second time, maybe after it was there
            ctx.close()
            await ctx.services.accounts.end_session(ctx.user)  # every other page of this session ends too
            ui.navigate.to(SIGNED_OUT)

        el.menu_item(ctx.t('sign_out'), sign_out, props={'data-testid': 'sign-out'})


class ThemeChoice:
    """Light, dark or as the system: one radio group (one element, made with the user menu's items), kept in step
    with the user's other pages.

    Choices are stored one after the other, in the order made, so the last one is the one kept; each comes back as
    the user's profile change, and the echo of an earlier choice while a later one is on its way is not shown (the
    page would flip back to a theme the person has just left)."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx, self.live, self.stored = ctx, LiveTheme(), ctx.user.theme
        self.radio: ui.radio | None = None
        self.sent: list[str | None] = []  # themes chosen on this page and not yet heard back, oldest first
        self.writing = asyncio.Lock()

    def build(self) -> None:
        options = {key or SYSTEM: self.ctx.t(label) for key, label in THEME_KEYS.items()}
        self.radio = ui.radio(options, value=self.stored or SYSTEM, on_change=self.choose).classes('px-2 pb-1')
        self.radio.props.update({'dense': True, 'data-testid': 'theme'})

    async def choose(self, event: ValueChangeEventArguments) -> None:
        theme = None if event.value == SYSTEM else event.value
        self.live.set(theme)  # this page at once, before the database has it
        if theme == self.stored:
            return
        self.stored = theme
        self.ctx.session[SESSION_KEY] = theme  # the sign-in page after signing out keeps it
        self.sent.append(theme)
        async with self.writing:
            try:
                self.ctx.user = await self.ctx.services.accounts.set_theme(self.ctx.user, theme)
            except ChatError as error:
                self.sent.remove(theme)
                self.ctx.show_error(error)

    def follow(self, theme: str | None) -> None:
        """Chosen on another page of this user (or this page's own choice, heard back): shown here too, not stored
        again."""
        if theme in self.sent:
            del self.sent[: self.sent.index(theme) + 1]
            if self.sent:  # a later choice of this page is on its way: the page shows that one already
                return
        self.stored = theme
        if self.radio is None:  # the menu was never opened on this page
            self.live.set(theme)
        else:
            self.radio.value = theme or SYSTEM  # its change handler switches this page


async def _change_language(ctx: PageContext, language: str) -> None:
    if language == ctx.lang:
        return
    ctx.session['lang'] = language
    try:
        ctx.user = await ctx.services.accounts.set_language(ctx.user, language)
    except ChatError as error:
        ctx.show_error(error)
        return
    ui.navigate.reload()


async def _check_session(ctx: PageContext) -> None:
    """A session of this user ended (sign-out, a password change): a page of an ended session ends too."""
    user = await ctx.services.accounts.user_for_token(ctx.user.session_token)
    if user is None:
        ctx.end(SIGNED_OUT, ctx.t('session_ended'))
    else:
        ctx.user = user
