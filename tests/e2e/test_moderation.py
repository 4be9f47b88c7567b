"""Moderation in real Chromium: a moderator mutes someone, who is told at once and cannot post (the text stays), then
bans them, and their page leaves the room. The screenshots in docs/screenshots/moderation-*.png come from here."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from chat.i18n import translate
from tests.e2e.helpers import VIEWPORT, Person, Server, screenshot, sees_message

PHONE = {'width': 390, 'height': 844}


def _moderate_author(page: Page, text: str) -> None:
    """Hover the bubble, open its menu, "Moderate …": the author's moderation menu."""
    bubble = page.locator('[data-testid=feed] .q-message').filter(has_text=text).last
    bubble.hover()
    bubble.locator('[data-testid=message-menu]').click()
    page.locator('[data-testid=action-moderate]').click()
    expect(page.locator('[data-testid=moderation-menu]')).to_be_visible()


def _choose_in_people_list(page: Page, username: str) -> None:
    page.locator(f'[data-testid=online-{username}]').click()
    page.locator('[data-testid=profile-moderate]').click()  # on their card
    expect(page.locator('[data-testid=moderation-menu]')).to_be_visible()


def test_a_moderator_mutes_then_bans_and_the_page_leaves_the_room(people) -> None:
    anna, boris, carl = people('anna_mod', 'Anna M'), people('boris_mod', 'Boris M'), people('carl_mod', 'Carl M')
    for person in (anna, boris, carl):
        person.register()
    room_id = anna.create_room('Moderated')
    boris.enter(room_id)
    carl.enter(room_id)

    _choose_in_people_list(anna.page, 'boris_mod')  # the owner appoints Boris
    anna.page.locator('[data-testid=mod-appoint]').click()
    anna.page.locator('[data-testid=mod-confirm]').click()
    expect(boris.page.get_by_text('Anna M made you a moderator of “Moderated”.')).to_be_visible()

    carl.say('BUY CHEAP STUFF')
    sees_message(boris, 'BUY CHEAP STUFF')
    _moderate_author(boris.page, 'BUY CHEAP STUFF')
    boris.page.locator('[data-testid=mod-mute]').click()
    boris.page.locator('[data-testid=mod-duration]').get_by_text('10 minutes').click()
    boris.page.locator('input[data-testid=mod-reason]').fill('advertising')
    boris.page.locator('[data-testid=mod-confirm]').click()

    expect(carl.page.get_by_text('Boris M muted you in “Moderated” until')).to_be_visible()
    expect(carl.page.locator('[data-testid=mute-banner]')).to_contain_text('Reason: advertising')
    field = carl.page.locator('textarea[data-testid=message-input]')
    field.fill('but really cheap')
    field.press('Enter')
    expect(carl.page.locator('[data-testid=send-error]')).to_contain_text('You are muted in this room until')
    expect(field).to_have_value('but really cheap')  # nothing typed is lost
    assert not anna.received('but really cheap', anna.page)

    _choose_in_people_list(boris.page, 'carl_mod')
    boris.page.locator('[data-testid=mod-ban]').click()
    boris.page.locator('input[data-testid=mod-reason]').fill('spam')
    boris.page.locator('[data-testid=mod-confirm]').click()
    gone = 'Boris M banned you from “Moderated”. Reason: spam'
    expect(carl.page.locator('[data-testid=page-gone]')).to_have_text(gone)
    expect(carl.page.locator('textarea[data-testid=message-input]')).to_have_count(0)
    expect(anna.page.locator('[data-testid=online-carl_mod]')).to_have_count(0)  # gone from the room
    carl.page.goto(f'/room/{room_id}')
    expect(carl.page.locator('[data-testid=banned]')).to_have_text('You are banned from this room.')


# the pictures worth keeping in docs/screenshots (the others go to the test's temporary folder, to be looked at)
KEEP = {
    'moderation-menu-en-desktop-light.png',
    'moderation-menu-ru-phone-dark.png',
    'moderation-dialog-en-desktop-light.png',
    'moderation-dialog-ru-desktop-dark.png',
    'moderation-dialog-en-phone-dark.png',
    'moderation-dialog-ru-phone-light.png',
    'moderation-muted-en-desktop-light.png',
    'moderation-muted-ru-desktop-dark.png',
    'moderation-muted-en-phone-light.png',
    'moderation-muted-ru-phone-dark.png',
    'moderation-panel-en-desktop-light.png',
    'moderation-panel-ru-desktop-dark.png',
}
LOOKS = [(size, theme) for theme in ('light', 'dark') for size in ('desktop', 'phone')]


def _picture(page: Page, name: str, folder: Path) -> None:
    if name in KEEP:
        screenshot(page, name)
    else:
        page.wait_for_timeout(300)
        page.screenshot(path=folder / name)


def _fresh_page(person: Person, room_id: int, size: str, theme: str) -> Page:
    """The room on a new page of the person's, at that size and in that theme (a page resized with its drawers open
    keeps them open over the feed, which no phone shows)."""
    page = person.new_page()
    page.set_viewport_size(VIEWPORT if size == 'desktop' else PHONE)
    page.emulate_media(color_scheme=theme)
    page.goto(f'/room/{room_id}')  # (on a phone the people list is hidden)
    expect(page.locator('textarea[data-testid=message-input]')).to_be_visible()
    return page


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_screens_of_the_menu_the_dialog_and_the_muted_composer(
    browser: Browser, own: Server, lang: str, tmp_path: Path
) -> None:
    locale = 'ru-RU' if lang == 'ru' else 'en-US'
    names = ('Анна', 'Борис', 'Кухня') if lang == 'ru' else ('Anna', 'Boris', 'Kitchen')
    anna = Person(browser, own, f'anna_{lang}', display_name=names[0], locale=locale).register()
    boris = Person(browser, own, f'boris_{lang}', display_name=names[1], locale=locale).register()
    line = 'КУПИТЕ ДЁШЕВО' if lang == 'ru' else 'BUY CHEAP STUFF'
    try:
        room_id = anna.create_room(names[2])
        boris.enter(room_id)
        boris.say(line)
        sees_message(anna, line)
        for number, (size, theme) in enumerate(LOOKS):
            page = _fresh_page(anna, room_id, size, theme)
            _moderate_author(page, line)
            _picture(page, f'moderation-menu-{lang}-{size}-{theme}.png', tmp_path)
            page.locator('[data-testid=mod-mute]').click()
            page.locator('input[data-testid=mod-reason]').fill('реклама' if lang == 'ru' else 'advertising')
            _picture(page, f'moderation-dialog-{lang}-{size}-{theme}.png', tmp_path)
            if number == len(LOOKS) - 1:
                page.locator('[data-testid=mod-confirm]').click()
                expect(page.locator('[data-testid=moderation-menu]')).to_be_hidden()
            page.close()

        refused = translate(lang, 'muted_until_reason').split('{until}')[0]
        for size, theme in LOOKS:
            page = _fresh_page(boris, room_id, size, theme)
            expect(page.locator('[data-testid=mute-banner]')).to_be_visible()
            field = page.locator('textarea[data-testid=message-input]')
            field.fill('но правда дёшево' if lang == 'ru' else 'but really cheap')
            field.press('Enter')
            expect(page.locator('[data-testid=send-error]')).to_contain_text(refused)
            _picture(page, f'moderation-muted-{lang}-{size}-{theme}.png', tmp_path)
            page.close()

        for theme in ('light', 'dark'):
            page = _fresh_page(anna, room_id, 'desktop', theme)
            page.locator('[data-testid=moderation-open]').click()
            expect(page.locator('[data-testid=mod-log]')).to_be_visible()
            _picture(page, f'moderation-panel-{lang}-desktop-{theme}.png', tmp_path)
            page.close()
    finally:
        anna.close()
        boris.close()
