"""The header in a real browser: one row on a phone with everything reachable, and the dark theme, in both modes of
the app (the speed layer on and off). Also writes the dark screenshots of docs/screenshots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import VIEWPORT, Server, keep_picture, open_user_menu
from tests.waiting import until_sync

pytestmark = pytest.mark.e2e
PHONE = {'width': 390, 'height': 844}
DARK = re.compile(r'\bbody--dark\b')  # the class Quasar gives the body in dark mode
ONE_ROW = 64  # px: a header taller than this has wrapped onto a second row


@pytest.fixture
def app(server: Server) -> Server:
    """The shared app (CI runs these journeys with the speed layer on and off)."""
    return server


def _inside_the_screen(page: Page, testid: str) -> None:
    """Once a menu has finished opening (it grows from its button), the element is wholly on the screen."""

    def inside() -> bool:
        box = page.locator(f'[data-testid={testid}]').bounding_box()
        return box is not None and box['x'] >= 0 and box['x'] + box['width'] <= PHONE['width']

    until_sync(
        inside,
        5,
        step=0.1,
        what=f'{testid} wholly on the screen',
        pause=lambda seconds: page.wait_for_timeout(seconds * 1000),
    )


def _choose_theme(page: Page, label: str) -> None:
    open_user_menu(page)
    page.get_by_role('radio', name=label).click()


def test_on_a_phone_the_header_is_one_row_and_its_menu_holds_theme_and_sign_out(people, app: Server) -> None:
    quinn = people('quinn', 'Quinn Quartermaine-Longfellow', on=app)
    quinn.register()
    quinn.create_room('A kitchen with a name far too long for a phone screen')
    page = quinn.page
    page.set_viewport_size(PHONE)
    header = page.locator('header').bounding_box()
    assert header is not None and header['height'] < ONE_ROW, f'the header wraps: {header}'
    _inside_the_screen(page, 'user-menu')

    _choose_theme(page, 'Dark')
    expect(page.locator('body')).to_have_class(DARK)
    page.reload()  # opens dark: the choice is the account's
    expect(page.locator('body')).to_have_class(DARK)
    expect(page.locator('textarea[data-testid=message-input]')).to_be_visible()

    open_user_menu(page)
    expect(page.locator('[data-testid=sign-out]')).to_be_visible()
    _inside_the_screen(page, 'sign-out')
    page.locator('[data-testid=sign-out]').click()
    page.wait_for_url('**/login**')


def test_an_unknown_address_shows_the_app_with_a_way_back(people) -> None:
    rita = people('rita', 'Rita', locale='ru-RU').register()
    response = rita.page.goto('/no/such/page')
    assert response is not None and response.status == 404
    expect(rita.page.locator('[data-testid=not-found]')).to_have_text('Страница не найдена')
    rita.page.locator('[data-testid=back]').click()
    expect(rita.page.locator('[data-testid=room-list]')).to_be_visible()


PAGES = {'room-list': '/', 'control-panel': '/panel'}
DEVICES = {'desktop': VIEWPORT, 'phone': PHONE}


def test_screens_in_the_dark_theme(browser: Browser, people, tmp_path: Path) -> None:
    """Every screen in dark, in both languages, on a desktop and a phone (written to docs/screenshots). An app of its
    own, so the room list shows the same rooms whichever journeys ran before."""
    server = Server(tmp_path / 'data').start()
    try:
        _screens(browser, people, server)
    finally:
        server.stop()


def _screens(browser: Browser, people, server: Server) -> None:
    for lang, locale, name in (('en', 'en-US', 'Sara Lindqvist'), ('ru', 'ru-RU', 'Сара Линдквист')):
        sara = people(f'sara-{lang}', name, locale=locale, on=server).register()
        room_id = sara.create_room(f'Garden {lang}')
        sara.say('Good evening, everyone!' if lang == 'en' else 'Всем добрый вечер!')
        _choose_theme(sara.page, 'Dark' if lang == 'en' else 'Тёмная')
        expect(sara.page.locator('body')).to_have_class(DARK)
        for device, viewport in DEVICES.items():
            sara.page.set_viewport_size(viewport)
            for screen, path in {**PAGES, 'room': f'/room/{room_id}'}.items():
                sara.page.goto(path)
                expect(sara.page.locator('body')).to_have_class(DARK)
                if screen == 'room':
                    expect(sara.page.locator('textarea[data-testid=message-input]')).to_be_visible()
                _picture(sara.page, f'{screen}-dark-{device}-{lang}.png')
            visitor = browser.new_context(viewport=viewport, locale=locale, color_scheme='dark', base_url=server.url)
            login = visitor.new_page()
            login.goto('/login')  # before sign-in: as the system says (dark here)
            expect(login.locator('body')).to_have_class(DARK)
            _picture(login, f'sign-in-dark-{device}-{lang}.png')
            visitor.close()


def _picture(page: Page, name: str) -> None:
    page.wait_for_timeout(300)  # let transitions (notifications, avatars) settle
    keep_picture(name, page.screenshot())
