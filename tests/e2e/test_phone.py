"""A room on a phone (390×844) in Chromium, in English and in Russian: the drawers open from the header, a private
message goes out from the people drawer, the rooms drawer shows an unread room and opens it, and nothing sticks out of
the screen. Also writes the room screenshots of docs/screenshots (room-desktop-*, room-phone-*)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from chat.i18n import translate
from tests.e2e.helpers import VIEWPORT, Person, Server, connected, open_user_menu, screenshot, sees_message
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


# "is typing" lasts long enough to be in every screenshot
OWN_ENV = {'CHAT_TYPING_EXPIRY': '120'}


def _locale(lang: str) -> str:
    return 'ru-RU' if lang == 'ru' else 'en-US'


def _header_button(page: Page, lang: str, key: str):
    return page.locator(f'header [aria-label="{translate(lang, key)}"]')


def _in_room_on_a_phone(person: Person) -> None:
    """Like Person.wait_in_room (shown and connected), but the person's own entry in the online list is in the closed
    people drawer."""
    page = person.page
    expect(page.locator('textarea[data-testid=message-input]')).to_be_visible()
    expect(page.locator(f'[data-testid=online-{person.username}]')).to_have_count(1)
    connected(page)


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
        online_anna.click()  # her card: a private note is one more tap
        page.locator('[data-testid=profile-whisper]').click()
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


# the message field's placeholder as the browser lays it out: its words on one line within the field's content box
PLACEHOLDER_FITS = """field => {
    const style = getComputedStyle(field);
    const context = document.createElement('canvas').getContext('2d');
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {
        width: context.measureText(field.placeholder).width, room: room,
        overflows: field.scrollWidth > field.clientWidth || field.scrollHeight > field.clientHeight,
    };
}"""


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_the_message_field_says_little_on_a_phone_and_names_shift_enter_on_a_desktop(
    browser: Browser, own: Server, lang: str
) -> None:
    """On a phone the placeholder is one short line, not cut, and Shift+Enter is not mentioned (no Shift key at hand);
    on a wide screen a line under the field says it."""
    person = Person(browser, own, f'pia_ph_{lang}', locale=_locale(lang)).register()
    try:
        person.create_room('Placeholder' if lang == 'en' else 'Подсказка')
        page = person.page
        field = page.locator('textarea[data-testid=message-input]')
        hint = page.locator('[data-testid=newline-hint]')
        expect(field).to_have_attribute('placeholder', translate(lang, 'message_placeholder'))
        assert 'Shift' not in translate(lang, 'message_placeholder')
        for size, desktop in ((PHONE, False), (VIEWPORT, True)):
            page.set_viewport_size(size)
            expect(field).to_be_visible()
            fits = field.evaluate(PLACEHOLDER_FITS)
            assert fits['width'] <= fits['room'] and not fits['overflows'], f'{size}: the placeholder is cut: {fits}'
            if desktop:
                expect(hint).to_be_visible()
                expect(hint).to_have_text(translate(lang, 'message_newline_hint'))
            else:
                expect(hint).to_be_hidden()
    finally:
        person.close()


def _settled_box(locator: Locator) -> dict:
    """Where the element is once it stopped moving (a notification slides in from above the page)."""
    boxes: list[dict | None] = [None]

    def still() -> dict | None:
        boxes.append(locator.bounding_box())
        return boxes[-1] if boxes[-1] is not None and boxes[-1] == boxes[-2] else None

    return until_sync(still, what='the element in place', pause=lambda s: locator.page.wait_for_timeout(s * 1000))


def _overlap(one: dict | None, other: dict | None) -> bool:
    assert one is not None and other is not None
    return not (
        one['x'] + one['width'] <= other['x']
        or other['x'] + other['width'] <= one['x']
        or one['y'] + one['height'] <= other['y']
        or other['y'] + other['height'] <= one['y']
    )


def _choose_theme(page: Page, lang: str, theme: str) -> None:
    """Through the user menu, as a person does; Escape closes the menu."""
    open_user_menu(page)
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
        boris.page.locator('[data-testid=profile-whisper]').click()
        boris.page.locator('input[data-testid=private-input]').fill(psst)
        boris.page.locator('[data-testid=private-send]').click()
        sees_message(anna, psst)
        # a mention in the other room, from another tab (his kitchen page stays): Anna's sidebar marks it
        elsewhere = boris.enter(garden, boris.new_page())
        boris.say(f'@vera_lind_{lang} {gate}', elsewhere)
        expect(anna.page.locator(f'[data-testid=mentioned-{garden}]')).to_be_visible()
        toast = anna.page.locator('.q-notification', has_text=translate(lang, 'mentioned_in', room=garden_name))
        expect(toast).to_be_visible()  # and it leaves the header's buttons free
        assert not _overlap(_settled_box(toast), anna.page.locator('[data-testid=user-menu]').bounding_box())
        expect(toast).to_have_count(0)  # gone after its 5 s: the pictures show the room, not a toast fading out
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
