"""A room on a phone (390×844) in Chromium, in English and in Russian: the drawers open from the header, a private
message goes out from the people drawer, the rooms drawer shows an unread room and opens it, and nothing sticks out of
the screen. Also writes the room screenshots of docs/screenshots (room-desktop-*, room-phone-*)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from chat.i18n import translate
from tests.e2e.helpers import VIEWPORT, Person, Server, app_environment, screenshot, sees_message
from tests.waiting import until_sync

pytestmark = pytest.mark.e2e
PHONE = {'width': 390, 'height': 844}
EDGE = 8  # px: a card this close to the screen's edge looks cut off
DARK = re.compile(r'\bbody--dark\b')
NAMES = {
    'en': ('Anna Petrova', 'Boris Maximilian Featherstonehaugh-Long', 'Kitchen', 'Garden'),
    'ru': ('Анна Петрова', 'Борис Максимилианович Длиннофамильный', 'Кухня', 'Сад'),
}
SHOT_ROOMS = {'en': ('Saturday dinner', 'Garden club'), 'ru': ('Ужин в субботу', 'Садовый клуб')}
SHOT_NAMES = {'en': ('Vera Lind', 'Oleg', 'Clara'), 'ru': ('Вера Линд', 'Олег', 'Клара')}  # the pictures' people
LINES = {
    'en': (
        'Dinner at seven?',
        'Yes! I bring the **bread**',
        'Then I make soup',
        'The roses need water',
        'meet me at the gate',
    ),
    'ru': (
        'Ужин в семь?',
        'Да! Я принесу **хлеб**',
        'Тогда я сварю суп',
        'Розы надо полить',
        'встретимся у калитки',
    ),
}


@pytest.fixture(scope='module')
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own (these names would meet other journeys' people on the shared one); "is typing" lasts long
    enough to be in every screenshot."""
    env = app_environment(CHAT_TYPING_EXPIRY='120')
    app = Server(tmp_path_factory.mktemp('phone') / 'data', env=env).start()
    yield app
    app.stop()


def _locale(lang: str) -> str:
    return 'ru-RU' if lang == 'ru' else 'en-US'


def _header_button(page: Page, lang: str, key: str):
    return page.locator(f'header [aria-label="{translate(lang, key)}"]')


def _in_room_on_a_phone(person: Person) -> None:
    """Like Person.wait_in_room, but the person's own entry in the online list is in the closed people drawer."""
    page = person.page
    expect(page.locator('textarea[data-testid=message-input]')).to_be_visible()
    expect(page.locator(f'[data-testid=online-{person.username}]')).to_have_count(1)


def _fits_the_phone(page: Page) -> None:
    """The input is wholly on the screen, nothing is wider than it, and the user menu is reachable."""
    field = page.locator('textarea[data-testid=message-input]').bounding_box()
    assert field is not None and field['y'] + field['height'] <= PHONE['height'], f'the input is cut off: {field}'
    width = page.evaluate('document.scrollingElement.scrollWidth')
    assert width <= PHONE['width'], f'the page scrolls sideways: {width} px wide'
    menu = page.locator('[data-testid=user-menu]').bounding_box()
    assert menu is not None and menu['x'] + menu['width'] <= PHONE['width'], f'the user menu is off-screen: {menu}'


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_on_a_phone_the_drawers_carry_a_private_message_and_an_unread_room(
    browser: Browser, own: Server, lang: str
) -> None:
    anna_name, boris_name, kitchen_name, garden_name = NAMES[lang]
    dinner, _, _, roses, _ = LINES[lang]
    secret = 'the key is under the mat' if lang == 'en' else 'ключ под ковриком'
    anna = Person(browser, own, f'anna_ph_{lang}', display_name=anna_name, locale=_locale(lang)).register()
    boris = Person(browser, own, f'boris_ph_{lang}', display_name=boris_name, locale=_locale(lang)).register()
    try:
        garden = anna.create_room(garden_name)
        kitchen = anna.create_room(kitchen_name)
        boris.enter(garden)  # joins it
        boris.enter(kitchen)
        for person in (anna, boris):
            person.page.set_viewport_size(PHONE)
        anna.say(dinner)
        sees_message(boris, dinner)

        page = boris.page
        online_anna = page.locator(f'[data-testid=online-anna_ph_{lang}]')
        expect(online_anna).to_be_hidden()  # the people drawer is closed on a phone
        _fits_the_phone(page)
        _header_button(page, lang, 'open_people').click()
        online_anna.click()
        field = page.locator('input[data-testid=private-input]')
        expect(field).to_be_visible()
        expect(field).to_have_attribute('placeholder', translate(lang, 'private_placeholder', name=anna_name))
        field.fill(secret)
        page.locator('[data-testid=private-send]').click()
        expect(field).to_have_value('')
        received = anna.page.locator('[data-testid=private-message]')
        expect(received).to_have_count(1)
        expect(received).to_contain_text(translate(lang, 'private_from', name=boris_name))
        sees_message(anna, secret)
        page.mouse.click(40, PHONE['height'] // 2)  # a tap on the dimmed page beside the drawer closes it
        expect(online_anna).to_be_hidden()

        anna.page.goto(f'/room/{garden}')
        _in_room_on_a_phone(anna)
        anna.say(roses)
        rooms_button = _header_button(page, lang, 'open_rooms')
        rooms_button.click()
        expect(page.locator(f'[data-testid=unread-{garden}]')).to_have_text('1')
        page.locator(f'[data-testid=room-entry-{garden}]').click()
        page.wait_for_url(f'**/room/{garden}')
        _in_room_on_a_phone(boris)
        sees_message(boris, roses)
        expect(page.locator('header')).to_contain_text(garden_name)
        _fits_the_phone(page)
    finally:
        anna.close()
        boris.close()


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_on_a_phone_the_sign_in_card_keeps_off_the_edges(browser: Browser, own: Server, lang: str) -> None:
    context = browser.new_context(viewport=PHONE, locale=_locale(lang), base_url=own.url)
    try:
        page = context.new_page()
        for address in ('/login', '/register'):
            page.goto(address)
            card = page.locator('.q-card').first.bounding_box()
            assert card is not None, address
            assert card['x'] >= EDGE, f'{address}: the card touches the left edge: {card}'
            assert card['x'] + card['width'] <= PHONE['width'] - EDGE, f'{address}: it touches the right edge: {card}'
    finally:
        context.close()


def _choose_theme(page: Page, lang: str, theme: str) -> None:
    """Through the user menu, as a person does; Escape closes the menu."""
    page.locator('[data-testid=user-menu]').click()
    choice = page.get_by_role('radio', name=translate(lang, f'theme_{theme}'))
    expect(choice).to_be_visible()
    choice.click()
    if theme == 'dark':
        expect(page.locator('body')).to_have_class(DARK)
    else:
        expect(page.locator('body')).not_to_have_class(DARK)
    page.keyboard.press('Escape')
    expect(choice).to_be_hidden()


def _settle(page: Page) -> None:
    """A click on the feed's empty top: nothing keeps the focus (a focused header button looks highlighted)."""
    page.locator('[data-testid=feed]').click(position={'x': 4, 'y': 4})


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_room_screenshots_on_a_desktop_and_a_phone(browser: Browser, own: Server, lang: str) -> None:
    anna_name, boris_name, clara_name = SHOT_NAMES[lang]
    kitchen_name, garden_name = SHOT_ROOMS[lang]
    dinner, bread, soup, _, gate = LINES[lang]
    psst = 'psst: I also bring a cake' if lang == 'en' else 'тсс: я ещё и торт принесу'
    anna = Person(browser, own, f'vera_lind_{lang}', display_name=anna_name, locale=_locale(lang)).register()
    boris = Person(browser, own, f'oleg_ivanov_{lang}', display_name=boris_name, locale=_locale(lang)).register()
    clara = Person(browser, own, f'clara_berg_{lang}', display_name=clara_name, locale=_locale(lang)).register()
    try:
        garden = anna.create_room(garden_name)
        kitchen = anna.create_room(kitchen_name)
        boris.enter(garden)
        boris.enter(kitchen)
        clara.enter(kitchen)
        anna.say(dinner)
        boris.say(bread)
        anna.say(soup)
        boris.page.locator(f'[data-testid=online-vera_lind_{lang}]').click()
        boris.page.locator('input[data-testid=private-input]').fill(psst)
        boris.page.locator('[data-testid=private-send]').click()
        sees_message(anna, psst)
        # a mention in the other room, from another tab (his kitchen page stays): Anna's sidebar marks it
        elsewhere = boris.enter(garden, boris.new_page())
        boris.say(f'@vera_lind_{lang} {gate}', elsewhere)
        expect(anna.page.locator(f'[data-testid=mentioned-{garden}]')).to_be_visible()
        clara.page.locator('textarea[data-testid=message-input]').click()
        clara.page.keyboard.type('Я тоже' if lang == 'ru' else 'Me too', delay=60)  # not sent: Clara is typing
        expect(anna.page.locator('[data-testid=typing]')).to_contain_text(clara_name)

        page = anna.page
        for theme in ('light', 'dark'):
            _choose_theme(page, lang, theme)
            page.set_viewport_size(VIEWPORT)
            expect(page.locator(f'[data-testid=online-clara_berg_{lang}]')).to_be_visible()  # both drawers shown
            expect(page.locator(f'[data-testid=room-entry-{garden}]')).to_be_visible()
            _settle(page)
            screenshot(page, f'room-desktop-{lang}-{theme}.png')
            page.set_viewport_size(PHONE)
            expect(page.locator(f'[data-testid=room-entry-{garden}]')).to_be_hidden()
            _settle(page)
            screenshot(page, f'room-phone-{lang}-{theme}.png')
        _choose_theme(page, lang, 'light')
        _header_button(page, lang, 'open_rooms').click()
        expect(page.locator(f'[data-testid=room-entry-{garden}]')).to_be_visible()
        until_sync(
            lambda: (page.locator('[data-testid=rooms-drawer]').bounding_box() or {'x': -1})['x'] >= 0,
            5,
            step=0.1,
            what='the rooms drawer slid in',
            pause=lambda seconds: page.wait_for_timeout(seconds * 1000),
        )
        screenshot(page, f'room-phone-drawer-{lang}.png')
    finally:
        for person in (anna, boris, clara):
            person.close()
