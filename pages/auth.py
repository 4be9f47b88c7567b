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
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from nicegui import app, ui

from chat.errors import ChatError
from chat.i18n import translate
from chat.services import Services
from chat.views import UserView
from pages.context import client_address, language_for, route, safe_next
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


@dataclass
class Visitor:
    """What both forms know of their anonymous visitor: the language, the client's address, where to go after."""

    t: Callable[..., str]
    address: str
    target: str
    session: dict[str, Any]


@contextlib.contextmanager
def _card(services: Services, request: Request, next: str, title: str) -> Iterator[Visitor]:
    """The anonymous header, then a centred card with its title; yields inside the card."""
    session = app.storage.user
    lang = language_for(services, request)

    def t(key: str, **params: object) -> str:
        return translate(lang, key, **params)

    anonymous_header(lang, session)
    with ui.card().classes(CARD_CLASSES):
        ui.label(t(title)).classes('text-h5')
        yield Visitor(t, client_address(request, services.settings), safe_next(next), session)


def _username(t: Callable[..., str]) -> ui.input:
    return (
        ui.input(t('username'))
        .classes('w-full')
        .props('autofocus name=username autocomplete=username data-testid=username')
    )


def _password(t: Callable[..., str], autocomplete: str) -> ui.input:
    return (
        ui.input(t('password'), password=True)
        .classes('w-full')
        .props(f'name=password autocomplete={autocomplete} data-testid=password')
    )


def _submit(label: str, work: Callable[[], Awaitable[bool]]) -> None:
    once = Once()
    ui.button(label, on_click=lambda: once.run(work)).classes('w-full').props('type=submit data-testid=submit')


def register(services: Services) -> None:
    @route(services, '/login')
    async def login_page(request: Request, next: str = '/') -> None:
        with _card(services, request, next, 'sign_in') as visitor:
            t = visitor.t
            with _form().props('data-testid=login-form'):
                username = _username(t)
                password = _password(t, 'current-password')
                error = ui.label().classes('text-negative').props('data-testid=error')

                async def sign_in() -> bool:
                    error.text = ''
                    try:
                        user = await services.accounts.authenticate(
                            username.value, password.value, client=visitor.address
                        )
                    except ChatError as failure:
                        error.text = t(failure.key, **failure.params)
                        return False
                    await _start_session(services, request, user, visitor.target)
                    return True

                _submit(t('sign_in'), sign_in)
            ui.link(t('no_account'), f'/register?next={quote(visitor.target)}')

    @route(services, '/register')
    async def register_page(request: Request, next: str = '/') -> None:
        with _card(services, request, next, 'create_account') as visitor:
            t = visitor.t
            with _form().props('data-testid=register-form'):
                username = _username(t)
                username.props['hint'] = t('username_hint')
                display = (
                    ui.input(t('display_name_optional'))
                    .classes('w-full')
                    .props('name=nickname autocomplete=nickname data-testid=display-name')
                )
                password = _password(t, 'new-password')
                password.props['hint'] = t('password_hint')
                error = ui.label().classes('text-negative').props('data-testid=error')

                async def create() -> bool:
                    error.text = ''
                    try:
                        user = await services.accounts.register(
                            username.value, password.value, display.value, client=visitor.address
                        )
                    except ChatError as failure:
                        error.text = t(failure.key, **failure.params)
                        return False
                    if visitor.session.get('lang'):
                        with contextlib.suppress(ChatError):
                            user = await services.accounts.set_language(user, visitor.session['lang'])
                    await _start_session(services, request, user, visitor.target)
                    return True

                _submit(t('register'), create)
            ui.link(t('have_account'), f'/login?next={quote(visitor.target)}')
