"""Sign-in and registration: the only pages an anonymous visitor may see."""

from __future__ import annotations

import contextlib
from urllib.parse import quote

from fastapi import Request
from nicegui import app, ui

from chat.errors import ChatError
from chat.i18n import translate
from chat.services import Services
from chat.views import UserView
from pages.context import client_address, language_for, safe_next
from pages.layout import anonymous_header
from pages.sessions import finish_url

# the form's card, centred; on a phone it keeps a margin from the screen's edges (max-w-full touched them)
CARD_CLASSES = 'absolute-center w-96 max-w-[calc(100vw-2rem)]'


async def _start_session(services: Services, request: Request, user: UserView, target: str) -> None:
    """Signed in: a new session cookie is set by the navigation that follows (pages/sessions.py)."""
    user = await services.accounts.start_session(user)
    ui.navigate.to(finish_url(user.session_token or '', request, target))


def register(services: Services) -> None:
    @ui.page('/login')
    async def login_page(request: Request, next: str = '/') -> None:
        session = app.storage.user
        lang = language_for(services, request)
        address = client_address(request, services.settings)
        target = safe_next(next)

        def t(key: str, **params: object) -> str:
            return translate(lang, key, **params)

        anonymous_header(lang, session)
        with ui.card().classes(CARD_CLASSES):
            ui.label(t('sign_in')).classes('text-h5')
            username = ui.input(t('username')).classes('w-full').props('autofocus data-testid=username')
            password = ui.input(t('password'), password=True).classes('w-full').props('data-testid=password')
            error = ui.label().classes('text-negative').props('data-testid=error')

            async def submit() -> None:
                error.text = ''
                try:
                    user = await services.accounts.authenticate(username.value, password.value, client=address)
                except ChatError as failure:
                    error.text = t(failure.key, **failure.params)
                    return
                await _start_session(services, request, user, target)

            password.on('keydown.enter', submit)
            ui.button(t('sign_in'), on_click=submit).classes('w-full').props('data-testid=submit')
            ui.link(t('no_account'), f'/register?next={quote(target)}')

    @ui.page('/register')
    async def register_page(request: Request, next: str = '/') -> None:
        session = app.storage.user
        lang = language_for(services, request)
        address = client_address(request, services.settings)
        target = safe_next(next)

        def t(key: str, **params: object) -> str:
            return translate(lang, key, **params)

        anonymous_header(lang, session)
        with ui.card().classes(CARD_CLASSES):
            ui.label(t('create_account')).classes('text-h5')
            username = (
                ui.input(t('username'))
                .classes('w-full')
                .props(f'autofocus hint="{t("username_hint")}" data-testid=username')
            )
            display = ui.input(t('display_name_optional')).classes('w-full').props('data-testid=display-name')
            password = (
                ui.input(t('password'), password=True)
                .classes('w-full')
                .props(f'hint="{t("password_hint")}" data-testid=password')
            )
            error = ui.label().classes('text-negative').props('data-testid=error')

            async def submit() -> None:
                error.text = ''
                try:
                    user = await services.accounts.register(
                        username.value, password.value, display.value, client=address
                    )
                except ChatError as failure:
                    error.text = t(failure.key, **failure.params)
                    return
                if session.get('lang'):
                    with contextlib.suppress(ChatError):
                        user = await services.accounts.set_language(user, session['lang'])
                await _start_session(services, request, user, target)

            password.on('keydown.enter', submit)
            ui.button(t('register'), on_click=submit).classes('w-full').props('data-testid=submit')
            ui.link(t('have_account'), f'/login?next={quote(target)}')
