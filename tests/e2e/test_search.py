"""In Chromium: a person searches for a word (the header's field on a desktop, its button on a phone), clicks the
result, and the room opens at that message, highlighted, with the history around it. Also writes the results page's
screenshots (docs/screenshots/search-*), desktop and phone, English and Russian, light and dark."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from chat.i18n import translate
from tests.e2e.helpers import VIEWPORT, Person, Server, connected, open_user_menu, screenshot
from tests.waiting import until_sync

pytestmark = pytest.mark.e2e
PHONE = {'width': 390, 'height': 844}


# a person may post a room's worth of history quickly
OWN_ENV = {'CHAT_MESSAGE_BURST': '200', 'CHAT_MESSAGE_RATE': '200'}


def _search_from_header(page: Page, query: str, phone: bool) -> None:
    if phone:
        expect(page.locator('input[data-testid=header-search]')).to_be_hidden()  # one header row: a button
        page.locator('[data-testid=header-search-button]').click()
        page.wait_for_url('**/search')
        connected(page)  # a new page: what is typed before its socket's handshake may arrive out of order
        field = page.locator('input[data-testid=search-input]')
        field.fill(query)
        field.press('Enter')
    else:
        field = page.locator('input[data-testid=header-search]')
        field.fill(query)
        field.press('Enter')
    page.wait_for_url('**/search?q=*')
    expect(page.locator('[data-testid=search-result]').first).to_be_visible()


@pytest.mark.parametrize('size', ['desktop', 'phone'])
def test_a_search_result_opens_the_room_at_that_message(browser: Browser, own: Server, size: str) -> None:
    anna = Person(browser, own, f'anna_{size}', display_name=f'Anna {size}')
    try:
        anna.register()
        room = anna.create_room(f'Pantry {size}')
        anna.say(f'the pineapple{size} is in the fridge')
        for number in range(60):  # the message is far from the newest: the permalink loads its page of history
            anna.say(f'filler line {number}')
        page = anna.page
        if size == 'phone':
            page.set_viewport_size(PHONE)
        _search_from_header(page, f'pineapple{size}', size == 'phone')
        results = page.locator('[data-testid=search-result]')
        expect(results).to_have_count(1)
        expect(results.first.locator('mark')).to_have_text(f'pineapple{size}')
        expect(results.first).to_contain_text(f'#Pantry {size}')
        width = page.evaluate('document.scrollingElement.scrollWidth')
        assert width <= page.viewport_size['width'], f'the results page scrolls sideways: {width} px'
        results.first.click()
        page.wait_for_url(f'**/room/{room}?message=*')
        highlighted = page.locator('[data-testid=highlighted-message]')
        expect(highlighted).to_contain_text(f'the pineapple{size} is in the fridge')
        expect(highlighted).to_be_in_viewport()
        expect(page.locator('[data-testid=feed]')).to_contain_text('filler line 0')  # the history after it
    finally:
        anna.close()


LINES = {
    'en': [
        'Are we still meeting on Friday?',
        'The **meeting** moved to the big room',
        'Notes from the meeting: bring the budget numbers and the new plan',
        'lunch first, then meetings all afternoon',
    ],
    'ru': [
        'Встреча в пятницу в силе?',
        'Встречу перенесли в большую комнату',
        'Итоги встречи: принести бюджет и новый план',
        'сначала обед, потом встречи до вечера',
    ],
}
QUERY = {'en': 'meeting', 'ru': 'встреч'}
DARK = re.compile(r'\bbody--dark\b')  # the class Quasar gives the body in dark mode


def _theme(page: Page, lang: str, theme: str) -> None:
    open_user_menu(page)
    choice = page.get_by_role('radio', name=translate(lang, f'theme_{theme}'))
    choice.click()
    page.keyboard.press('Escape')
    expect(choice).to_be_hidden()
    body = page.locator('body')  # the server's answer has arrived: the picture shows the theme chosen
    if theme == 'dark':
        expect(body).to_have_class(DARK)
    else:
        expect(body).not_to_have_class(DARK)


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_results_page_screenshots(browser: Browser, own: Server, lang: str) -> None:
    locale = 'ru-RU' if lang == 'ru' else 'en-US'
    vera_name = 'Вера Линд' if lang == 'ru' else 'Vera Lind'
    vera = Person(browser, own, f'vera_{lang}', display_name=vera_name, locale=locale)
    oleg = Person(browser, own, f'oleg_{lang}', display_name='Олег' if lang == 'ru' else 'Oleg', locale=locale)
    try:
        vera.register()
        oleg.register()
        office = vera.create_room('Офис' if lang == 'ru' else 'Office')
        oleg.enter(office)
        for number, line in enumerate(LINES[lang]):
            (vera if number % 2 else oleg).say(line)
        page = vera.page
        page.goto(f'/search?q={QUERY[lang]}')
        expect(page.locator('[data-testid=search-result]')).to_have_count(len(LINES[lang]))
        for theme in ('light', 'dark'):
            _theme(page, lang, theme)
            page.set_viewport_size(VIEWPORT)
            page.locator('[data-testid=search-help]').click()  # nothing focused
            screenshot(page, f'search-desktop-{lang}-{theme}.png')
            page.set_viewport_size(PHONE)
            page.locator('[data-testid=search-help]').click()
            until_sync(  # once the drawer's transition after the resize has ended
                lambda: page.evaluate('document.scrollingElement.scrollWidth') <= PHONE['width'],
                what='the results page not scrolling sideways',
                pause=lambda seconds: page.wait_for_timeout(seconds * 1000),
            )
            screenshot(page, f'search-phone-{lang}-{theme}.png')
        _theme(page, lang, 'light')
    finally:
        vera.close()
        oleg.close()
