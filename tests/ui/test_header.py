"""The header's user menu (profile, language, theme, sign-out), the dark theme and the page for unknown addresses."""

from __future__ import annotations

import asyncio
import re

import pytest
from nicegui import Client, ui
from nicegui.element import Element
from nicegui.elements.dark_mode import DarkMode
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from chat.views import UserView
from storage import users as user_queries
from tests.ui.helpers import by_testid, open_user_menu, register, services, sign_in, wait_for
from tests.waiting import until


def _descendants(element: Element) -> list[Element]:
    found = []
    for child in element.default_slot.children:
        found += [child, *_descendants(child)]
    return found


def _testids_inside(person: User, testid: str) -> set[str]:
    (element,) = by_testid(person, testid).elements
    return {str(e.props.get('data-testid')) for e in _descendants(element) if e.props.get('data-testid')}


def _dark(person: User) -> bool | None:
    """What the page shows: the first paint's theme, or the live switch once the theme changed on that page."""
    assert person.client is not None
    switches = [e for e in person.client.elements.values() if isinstance(e, DarkMode)]
    assert len(switches) <= 1
    return switches[0].value if switches else person.client.page.dark


def _choose_theme(person: User, label: str) -> None:
    open_user_menu(person)  # made the first time it opens; later openings change nothing
    UserInteraction(person, by_testid(person, 'theme').elements, label).click()


async def test_the_theme_switch_lives_outside_the_menu_that_closes_on_the_choice(user: User) -> None:
    """A click in the user menu closes it, and a closed Quasar menu unmounts its content: a switch made in there
    would not apply a theme that arrives after the menu closed (on a busy server, the choice seemed to do nothing)."""
    await register(user, 'anna')
    _choose_theme(user, 'Dark')
    client = user.client
    assert client is not None
    (switch,) = await until(
        lambda: [e for e in client.elements.values() if isinstance(e, DarkMode)], what='the theme switch made'
    )
    (menu,) = by_testid(user, 'user-menu-items').elements
    assert switch not in _descendants(menu)
    assert switch.parent_slot is not None and switch.parent_slot.parent is client.layout
    assert _dark(user) is True


async def _stored_theme(username: str) -> str | None:
    user = await services().db.run(user_queries.by_username, username)
    assert user is not None
    return user.theme


@pytest.mark.fastpath
async def test_with_the_speed_layer_the_user_menu_is_made_when_it_first_opens(user: User) -> None:
    """Most pages never open the menu, so they never hold it (plain NiceGUI makes it with the page: see Kit)."""
    await register(user, 'anna', display_name='Anna Lee')
    assert 'sign-out' not in _testids_inside(user, 'user-menu')
    open_user_menu(user)
    assert 'sign-out' in _testids_inside(user, 'user-menu')


async def test_one_user_menu_holds_name_profile_language_theme_and_sign_out(user: User) -> None:
    await register(user, 'anna', display_name='Anna Lee')
    open_user_menu(user)
    inside = _testids_inside(user, 'user-menu')
    assert {'me', 'panel-link', 'language-en', 'language-ru', 'theme', 'sign-out'} <= inside
    await user.should_see('Anna Lee')
    by_testid(user, 'panel-link').click()
    await wait_for(user, 'profile-display-name')
    open_user_menu(user)
    by_testid(user, 'sign-out').click()
    await wait_for(user, 'submit')


async def test_dark_is_stored_switches_the_other_pages_and_opens_dark(user: User, create_user) -> None:
    await register(user, 'anna')
    assert _dark(user) is None  # nothing chosen: as the system
    other_tab = create_user()  # the same person in another browser
    await sign_in(other_tab, 'anna')
    await wait_for(other_tab, 'room-list')
    assert _dark(other_tab) is None

    _choose_theme(user, 'Dark')
    await until(lambda: _dark(user) is True, what='this page switched to dark')
    assert await until(lambda: _stored_theme('anna'), what='the theme stored') == 'dark'
    await until(lambda: _dark(other_tab) is True, what='the other page switched to dark')
    open_user_menu(other_tab)  # the menu made after the change shows it
    assert by_testid(other_tab, 'theme').elements.pop().value == 'dark'  # type: ignore[attr-defined]

    await user.open('/panel')
    assert _dark(user) is True
    assert user.client is not None and user.client.page.dark is True  # the first paint is dark already

    _choose_theme(user, 'Light')
    await until(lambda: _dark(other_tab) is False, what='the other page switched to light')
    _choose_theme(user, 'As the system')
    await until(lambda: _dark(other_tab) is None, what='the other page follows the system again')
    assert await _stored_theme('anna') is None


async def test_the_page_speaks_the_language_of_its_reader_also_when_the_connection_drops(user: User) -> None:
    user.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(user, 'anna', expect='Все комнаты')
    page = await user.http_client.get('/')
    assert '<html lang="ru"' in page.text
    assert 'Соединение потеряно' in page.text and 'Connection lost' not in page.text


async def _not_found_page(person: User, path: str) -> Client:
    response = await person.http_client.get(path)
    assert response.status_code == 404
    match = re.search(r"'client_id': '([0-9a-f-]+)'", response.text)
    assert match is not None, 'an app page, not a bare error'
    client = Client.instances[match.group(1)]
    person.client = client
    return client


async def test_an_unknown_address_shows_the_app_in_the_readers_language_with_a_way_back(
    user: User, create_user
) -> None:
    user.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(user, 'anna', expect='Все комнаты')
    await _not_found_page(user, '/no/such/page')
    assert by_testid(user, 'not-found').elements
    await user.should_see('Страница не найдена')
    (back,) = by_testid(user, 'back').elements
    assert isinstance(back, ui.button) and back.text == 'Все комнаты'
    open_user_menu(user)
    assert 'sign-out' in _testids_inside(user, 'user-menu')  # the header, as on every page

    visitor = create_user()
    visitor.http_client.headers['accept-language'] = 'en'
    await _not_found_page(visitor, '/room/nothing/here')
    (back,) = by_testid(visitor, 'back').elements
    assert back.text == 'Go to sign-in'  # type: ignore[attr-defined]

    missing_file = await user.http_client.get('/media/' + 'a' * 64 + '.png')
    assert missing_file.status_code == 404 and 'client_id' not in missing_file.text  # files stay plain


async def test_the_last_of_two_quick_theme_choices_is_kept_and_shown(user: User, monkeypatch) -> None:
    """Light, then at once Dark, while storing Light takes longer (as under load): Dark is stored and shown, and the
    page does not flip back to Light when Light's change comes back."""
    await register(user, 'anna')
    accounts = services().accounts
    original = accounts.set_theme

    async def slow_light(actor: UserView, theme: str | None) -> UserView:
        if theme == 'light':
            await asyncio.sleep(0.3)
        return await original(actor, theme)

    monkeypatch.setattr(accounts, 'set_theme', slow_light)
    open_user_menu(user)
    (radio,) = by_testid(user, 'theme').elements
    radio.value = 'light'  # type: ignore[attr-defined]  # two clicks, the second before the first is stored
    radio.value = 'dark'  # type: ignore[attr-defined]

    async def dark_stored() -> bool:
        return await _stored_theme('anna') == 'dark'

    await until(dark_stored, what='the last choice stored')
    await asyncio.sleep(0.5)  # time for Light's slower write and its change to come back: checking neither wins
    assert await _stored_theme('anna') == 'dark'
    assert _dark(user) is True
