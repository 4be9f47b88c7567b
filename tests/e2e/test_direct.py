"""A direct conversation in Chromium, in English and Russian: Anna opens Boris's card from the people in the room,
writes to him with "Message", and Boris finds the conversation in his rooms drawer under her name and answers. The
screenshots docs/screenshots/profile-card-*.png (desktop and phone, light and dark) come from here."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from chat.i18n import translate
from tests.e2e.helpers import Server, sees_message
from tests.e2e.test_private_rooms import shots

NAMES = {'en': ('Anna', 'Boris', 'Garden'), 'ru': ('Анна', 'Борис', 'Сад')}
LINES = {'en': ('Hi Boris, a word in private?', 'Sure, Anna'), 'ru': ('Борис, можно тебя на минуту?', 'Конечно, Анна')}


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_direct_conversation_from_a_profile_card(people, own: Server, lang: str) -> None:
    anna_name, boris_name, room_name = NAMES[lang]
    locale = 'ru-RU' if lang == 'ru' else 'en-US'
    anna = people(f'dm_anna_{lang}', anna_name, locale=locale, on=own).register()
    boris = people(f'dm_boris_{lang}', boris_name, locale=locale, on=own).register()
    room = anna.create_room(room_name)
    boris.enter(room)
    page = anna.page

    page.locator(f'[data-testid=online-{boris.username}]').click()
    card = page.locator('[data-testid=profile-card]')
    expect(card.locator('[data-testid=profile-name]')).to_have_text(boris_name)
    expect(card.locator('[data-testid=profile-since]')).to_contain_text(
        translate(lang, 'profile_member_since', date='').strip()
    )
    shots(page, f'profile-card-{lang}')
    card.locator('[data-testid=profile-message]').click()
    page.wait_for_url(lambda url: not url.endswith(f'/room/{room}'))
    anna.wait_in_room()
    direct = int(page.url.rsplit('/', 1)[1])
    expect(page.locator('header')).to_contain_text(boris_name)
    expect(page.locator('[data-testid=room-invite]')).to_be_hidden()
    anna.say(LINES[lang][0])

    entry = boris.page.locator(f'[data-testid=room-entry-{direct}]')  # live, in his rooms drawer
    expect(entry).to_contain_text(anna_name)
    boris.enter(direct)
    sees_message(boris, LINES[lang][0])
    boris.say(LINES[lang][1])
    sees_message(anna, LINES[lang][1])
