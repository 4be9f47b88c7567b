"""A private room in Chromium, in English and Russian: the owner sets a topic and makes the room private in the
settings dialog, makes an invite link; a second person (their own browser context) is refused at the room's address,
opens the link, joins and reads the history. The screenshots docs/screenshots/room-settings-*.png and
room-private-*.png (desktop and phone, light and dark) come from here."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chat.i18n import translate
from tests.e2e.helpers import Server, screenshot, sees_message

PHONE = {'width': 390, 'height': 844}
DESKTOP = {'width': 1280, 'height': 800}
NAMES = {
    'en': ('Annette', 'Bruno', 'Book club'),
    'ru': ('Алёна', 'Богдан', 'Книжный клуб'),
}  # unique on the shared server
TOPICS = {'en': 'Monthly picks and the next meeting', 'ru': 'Книга месяца и следующая встреча'}
LINES = {'en': 'We read “Dune” in March', 'ru': 'В марте читаем «Дюну»'}


def shots(page: Page, name: str) -> None:
    """The page at both sizes, light and dark (the account follows the system's scheme)."""
    for scheme in ('light', 'dark'):
        page.emulate_media(color_scheme=scheme)
        dark = re.compile(r'\bbody--dark\b')
        if scheme == 'dark':
            expect(page.locator('body')).to_have_class(dark)
        else:
            expect(page.locator('body')).not_to_have_class(dark)
        for size, viewport in (('desktop', DESKTOP), ('phone', PHONE)):
            page.set_viewport_size(viewport)
            screenshot(page, f'{name}-{size}-{scheme}.png')
    page.emulate_media(color_scheme='light')
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_private_room_invite_link_journey(people, server: Server, lang: str) -> None:
    anna_name, boris_name, room_name = NAMES[lang]
    locale = 'ru-RU' if lang == 'ru' else 'en-US'
    anna = people(f'pr_anna_{lang}', anna_name, locale=locale).register()
    boris = people(f'pr_boris_{lang}', boris_name, locale=locale).register()
    room = anna.create_room(room_name)
    anna.say(LINES[lang])
    page = anna.page

    page.locator('[data-testid=room-settings]').click()
    page.locator('input[data-testid=topic-input]').fill(TOPICS[lang])
    page.locator('[data-testid=private-switch]').click()
    expect(page.locator('[data-testid=private-switch]')).to_have_attribute('aria-checked', 'true')
    shots(page, f'room-settings-{lang}')
    page.locator('[data-testid=save-settings]').click()
    expect(page.locator('[data-testid=room-topic]')).to_have_text(TOPICS[lang])
    expect(page.locator('[data-testid=room-private-mark]')).to_be_visible()

    refused = boris.new_page()  # a fresh tab (his room list heard of the room while it was public)
    refused.goto(f'/room/{room}')  # not a member: the refusal, nothing of the room
    expect(refused.locator('[data-testid=room-private]')).to_have_text(translate(lang, 'room_private_title'))
    assert not boris.received(LINES[lang], refused)
    assert not boris.received(room_name, refused)
    assert not boris.received(TOPICS[lang], refused)
    shots(refused, f'room-private-{lang}')
    refused.goto('/')
    expect(refused.locator('[data-testid=room-list]')).to_be_visible()
    assert not boris.received(room_name, refused)  # nor in his room list

    page.locator('[data-testid=room-invite]').click()
    page.locator('[data-testid=invite-create]').click()
    link = page.locator('input[data-testid=invite-link]')
    expect(link).to_have_value(re.compile(r'/invite/[A-Za-z0-9_-]{32}$'))
    address = link.input_value()
    shots(page, f'room-invite-{lang}')
    page.keyboard.press('Escape')
    expect(link).to_be_hidden()

    boris.page.goto(address)
    expect(boris.page.locator('[data-testid=invite-room]')).to_have_text(
        translate(lang, 'invite_to_room', name=room_name)
    )
    boris.page.locator('[data-testid=invite-join]').click()
    boris.page.wait_for_url(f'**/room/{room}')
    boris.wait_in_room()
    sees_message(boris, LINES[lang])  # the history, now that he is a member
    expect(boris.page.locator('[data-testid=room-topic]')).to_have_text(TOPICS[lang])

    boris.page.goto('/')  # he goes: Anna's people pane lists him among the members not here
    expect(page.locator('[data-testid=member-list] [data-testid=last-seen]')).to_have_text(
        translate(lang, 'last_seen_now')
    )
    member_shots(page, lang)


def member_shots(page: Page, lang: str) -> None:
    """The people pane: beside the room on a desktop, opened from the header on a phone."""
    for scheme in ('light', 'dark'):
        page.emulate_media(color_scheme=scheme)
        screenshot(page, f'room-members-{lang}-desktop-{scheme}.png')
    page.set_viewport_size(PHONE)
    seen = page.locator('[data-testid=member-list] [data-testid=last-seen]')
    expect(seen).not_to_be_in_viewport()  # narrowed, Quasar closes the pane (its transition may take a while)
    page.locator(f'header [aria-label="{translate(lang, "open_people")}"]').click()
    expect(seen).to_be_in_viewport()
    for scheme in ('dark', 'light'):
        page.emulate_media(color_scheme=scheme)
        screenshot(page, f'room-members-{lang}-phone-{scheme}.png')
    page.set_viewport_size(DESKTOP)
