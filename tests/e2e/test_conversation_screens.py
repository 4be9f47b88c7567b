"""A conversation that uses what a messenger offers - a reply, a reaction, an edit, a deletion, formatting, a
mention - driven
in Chromium as people do it (hovering a bubble, its menu), in English and in Russian; the screenshots in
docs/screenshots/conversation-*.png come from here."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from chat.i18n import translate
from tests.e2e.helpers import Person, Server, screenshot, sees_message

PHONE = {'width': 390, 'height': 844}
NAMES = {
    'en': ('Anna', 'Boris', 'Weekend trip'),
    'ru': ('Анна', 'Борис', 'Поездка на выходные'),
}
LINES = {
    'en': (
        'Who brings the **cake** on Saturday?',
        'I do! And `candles`',
        'We leave at 9',
        'We leave at 10, not 9',
        'Plan:\n- bake\n- drive\n- sing',
        'oops, wrong room',
    ),
    'ru': (
        'Кто принесёт **торт** в субботу?',
        'Я! И `свечи`',
        'Выезжаем в 9',
        'Выезжаем в 10, не в 9',
        'План:\n- испечь\n- доехать\n- спеть',
        'ой, не та комната',
    ),
}


def _bubble(page: Page, text: str):
    return page.locator('[data-testid=feed] .q-message').filter(has_text=text).last


def _menu(page: Page, text: str, entry: str) -> None:
    """Hover the bubble, open its menu, pick `entry`."""
    bubble = _bubble(page, text)
    bubble.hover()
    bubble.locator('[data-testid=message-menu]').click()
    page.locator(f'[data-testid={entry}]').click()


@pytest.mark.parametrize('lang', ['en', 'ru'])
def test_a_conversation_with_replies_reactions_edits_and_deletions(browser: Browser, own: Server, lang: str) -> None:
    server = own
    anna_name, boris_name, room_name = NAMES[lang]
    ask, answer, wrong, right, plan, oops = LINES[lang]
    asked, answered, planned = ('Saturday', 'candles', 'bake') if lang == 'en' else ('субботу', 'свечи', 'испечь')
    see_you = 'see you at 10' if lang == 'en' else 'до встречи в 10'
    locale = 'ru-RU' if lang == 'ru' else 'en-US'
    anna = Person(browser, server, f'anna_{lang}', display_name=anna_name, locale=locale).register()
    boris = Person(browser, server, f'boris_{lang}', display_name=boris_name, locale=locale).register()
    try:
        room = anna.create_room(room_name)
        boris.enter(room)
        anna.say(ask)
        sees_message(boris, asked)

        _menu(boris.page, asked, 'action-reply')  # a reply quotes the question
        expect(boris.page.locator('[data-testid=reply-to]')).to_be_visible()
        boris.say(answer)
        sees_message(anna, answered)
        expect(_bubble(anna.page, answered).locator('[data-testid=quote]')).to_be_visible()

        _menu(anna.page, answered, 'react-👍')
        expect(boris.page.locator('[data-testid=reaction]').first).to_have_text('👍 1')

        anna.say(wrong)  # then corrected
        _menu(anna.page, wrong, 'action-edit')
        editor = anna.page.locator('textarea[data-testid=edit-input]')
        editor.fill(right)
        anna.page.locator('[data-testid=edit-save]').click()
        sees_message(boris, right)
        edited = translate(lang, 'message_edited_mark')
        expect(_bubble(boris.page, right)).to_contain_text(edited)

        anna.say(plan)
        anna.say(oops)
        _menu(anna.page, oops, 'action-delete')
        anna.page.locator('[data-testid=delete-confirm]').click()
        deleted = translate(lang, 'message_deleted')
        expect(_bubble(boris.page, deleted)).to_be_visible()
        expect(boris.page.locator('[data-testid=feed]')).not_to_contain_text(oops)

        # formatting: bold and code are elements, the list is a list
        expect(_bubble(boris.page, planned).locator('li')).to_have_count(3)
        expect(boris.page.locator('[data-testid=feed] strong').first).to_be_visible()

        # a mention, picked from the suggestions: Anna's page marks it
        boris.page.locator('textarea[data-testid=message-input]').click()
        boris.page.keyboard.type('@anna', delay=80)  # a person's pace: each key's value reaches the server
        expect(boris.page.locator('[data-testid=mention-option]').first).to_be_visible()
        boris.page.locator('[data-testid=mention-option]').first.click()  # picks (Enter: tests/e2e/test_mentions)
        # the server writes the completed name and then gives the field its focus back. NiceGUI writes an input's
        # value in two messages (the new value, then a call that applies it again): a key typed between them is
        # lost, so he types on once the focus is back, which comes after both
        field = boris.page.locator('textarea[data-testid=message-input]')
        expect(field).to_be_focused()
        expect(field).to_have_value(f'@anna_{lang} ')
        boris.page.keyboard.type(see_you, delay=80)
        boris.page.keyboard.press('Enter')  # sends
        expect(anna.page.locator('[data-testid=mention]')).to_contain_text(f'@anna_{lang} {see_you}')

        screenshot(anna.page, f'conversation-desktop-{lang}.png')
        anna.page.set_viewport_size(PHONE)
        anna.page.wait_for_timeout(300)
        screenshot(anna.page, f'conversation-phone-{lang}.png')
    finally:
        anna.close()
        boris.close()
