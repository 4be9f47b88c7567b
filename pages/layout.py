"""The shared frame: header with navigation, the viewer's name, the language switch and sign-out."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from nicegui.element import Element

from chat.errors import ChatError
from chat.events import Event, ProfileChanged, SessionEnded
from chat.hub import user_topic
from chat.i18n import LANGUAGE_NAMES, translate
from pages import elements as el
from pages.context import PageContext
from pages.live_status import live_status

LEFT_CLASSES = ['items-center', 'gap-2', 'no-wrap', 'min-w-0']
RIGHT_CLASSES = ['items-center', 'gap-1', 'no-wrap']
APP_NAME_CLASSES = ['text-lg', 'font-bold', 'text-white', 'no-underline']
TITLE_CLASSES = ['text-lg', 'truncate']
AVATAR_CLASSES = ['w-8', 'h-8', 'rounded-full']
NAME_CLASSES = ['max-w-40', 'truncate', 'mr-2']
SIGNED_OUT = '/auth/signout'  # clears the browser's cookie of an ended session (pages/sessions.py), then sign-in
HEADER_BUTTON = {'flat': True, 'round': True, 'color': 'white'}


def hint(text: str) -> dict[str, str]:
    """An icon button's name: shown by the browser on hover and read by screen readers (a `ui.tooltip` would be one
    more element on every page)."""
    return {'title': text, 'aria-label': text}


def language_switch(current: str, session: dict[str, Any], ctx: PageContext | None = None) -> None:
    """A menu of the languages, each named in itself (built from pages/elements.py: every open page has one)."""

    async def change(language: str) -> None:
        if language == current:
            return
        session['lang'] = language
        if ctx is not None:
            try:
                ctx.user = await ctx.services.accounts.set_language(ctx.user, language)
            except ChatError as error:
                ctx.show_error(error)
                return
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
    with ui.header().classes('items-center justify-between bg-primary'):
        ui.label(translate(lang, 'app_name')).classes('text-lg font-bold')
        language_switch(lang, session)


def header(ctx: PageContext, title: str | None = None) -> Element:
    """Returns the title label so a page can change it live (e.g. a room rename)."""
    with ui.header().classes('items-center justify-between bg-primary gap-2'):
        with el.row(LEFT_CLASSES):
            el.link(ctx.t('app_name'), '/', APP_NAME_CLASSES)
            title_label = el.text(title or '', TITLE_CLASSES)
        with el.row(RIGHT_CLASSES):
            el.button(lambda: ui.navigate.to('/'), icon='forum', props={**HEADER_BUTTON, **hint(ctx.t('rooms'))})
            el.button(
                lambda: ui.navigate.to('/panel'),
                icon='settings',
                props={**HEADER_BUTTON, 'data-testid': 'panel-link', **hint(ctx.t('control_panel'))},
            )
            avatar = el.image(ctx.user.avatar_url, AVATAR_CLASSES)
            name = el.text(ctx.user.display_name, NAME_CLASSES, props={'data-testid': 'me'})
            language_switch(ctx.lang, ctx.session, ctx)

            async def sign_out() -> None:
                await ctx.services.accounts.end_session(ctx.user)  # every page of this session ends on the server
                ui.navigate.to(SIGNED_OUT)

            el.button(
                sign_out, icon='logout', props={**HEADER_BUTTON, 'data-testid': 'sign-out', **hint(ctx.t('sign_out'))}
            )

    def on_user_event(event: Event) -> None:
        if isinstance(event, ProfileChanged) and event.user.id == ctx.user.id:
            el.set_text(name, event.user.display_name)
            el.set_image(avatar, event.user.avatar_url)
        elif isinstance(event, SessionEnded):
            ctx.run(_check_session(ctx))

    ctx.subscribe(user_topic(ctx.user.id), on_user_event)
    live_status(ctx)
    return title_label


async def _check_session(ctx: PageContext) -> None:
    """A session of this user ended (sign-out, a password change): a page of an ended session ends too."""
    user = await ctx.services.accounts.user_for_token(ctx.user.session_token)
    if user is None:
        ctx.end(SIGNED_OUT, ctx.t('session_ended'))
    else:
        ctx.user = user
