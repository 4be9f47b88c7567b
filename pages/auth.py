"""Sign-in and registration: the only pages an anonymous visitor may see.

Each is a real form, so password managers offer to fill and to save it: the fields carry `name` and `autocomplete`
(`current-password` to sign in, `new-password` to register). Enter in a field is the browser's own implicit
submission, which clicks the form's submit button: the button's click is the one way in, from a mouse, from Enter
and from clients that only send clicks. The form's submit event is only prevented (no page load; nothing runs for
it), and a second submission while one is under way is ignored, so a double click or Enter pressed twice signs in
once and shows no error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
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


def _form() -> ui.element:
    """A form whose own submission never leaves the page: the button's click does the work (see above). `post`: even
    a submission that slipped past would not put the password into an address."""
    return ui.element('form').classes('w-full column gap-2').props('method=post').on('submit.prevent', args=[])


class Once:
    """Lets one submission run at a time; after a success the page is leaving, so none runs again."""

    def __init__(self) -> None:
        self.busy = False

    async def run(self, work: Callable[[], Awaitable[bool]]) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            done = await work()
        except BaseException:
            self.busy = False
            raise
        self.busy = done


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
        once = Once()
        with ui.card().classes(CARD_CLASSES):
            ui.label(t('sign_in')).classes('text-h5')
            with _form().props('data-testid=login-form'):
                username = (
                    ui.input(t('username'))
                    .classes('w-full')
                    .props('autofocus name=username autocomplete=username data-testid=username')
                )
                password = (
                    ui.input(t('password'), password=True)
                    .classes('w-full')
                    .props('name=password autocomplete=current-password data-testid=password')
                )
                error = ui.label().classes('text-negative').props('data-testid=error')

                async def sign_in() -> bool:
                    error.text = ''
                    try:
                        user = await services.accounts.authenticate(username.value, password.value, client=address)
                    except ChatError as failure:
                        error.text = t(failure.key, **failure.params)
                        return False
                    await _start_session(services, request, user, target)
                    return True

                ui.button(t('sign_in'), on_click=lambda: once.run(sign_in)).classes('w-full').props(
                    'type=submit data-testid=submit'
                )
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
        once = Once()
        with ui.card().classes(CARD_CLASSES):
            ui.label(t('create_account')).classes('text-h5')
            with _form().props('data-testid=register-form'):
                username = (
                    ui.input(t('username'))
                    .classes('w-full')
                    .props('autofocus name=username autocomplete=username data-testid=username')
                )
                username.props['hint'] = t('username_hint')
                display = (
                    ui.input(t('display_name_optional'))
                    .classes('w-full')
                    .props('name=nickname autocomplete=nickname data-testid=display-name')
                )
                password = (
                    ui.input(t('password'), password=True)
                    .classes('w-full')
                    .props('name=password autocomplete=new-password data-testid=password')
                )
                password.props['hint'] = t('password_hint')
                error = ui.label().classes('text-negative').props('data-testid=error')

                async def create() -> bool:
                    error.text = ''
                    try:
                        user = await services.accounts.register(
                            username.value, password.value, display.value, client=address
                        )
                    except ChatError as failure:
                        error.text = t(failure.key, **failure.params)
                        return False
                    if session.get('lang'):
                        with contextlib.suppress(ChatError):
                            user = await services.accounts.set_language(user, session['lang'])
                    await _start_session(services, request, user, target)
                    return True

                ui.button(t('register'), on_click=lambda: once.run(create)).classes('w-full').props(
                    'type=submit data-testid=submit'
                )
            ui.link(t('have_account'), f'/login?next={quote(target)}')
