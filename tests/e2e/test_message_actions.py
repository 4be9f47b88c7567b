"""Actions on a message in real Chromium: the menu button shows on hover (and always on a phone), a reaction and a
reply reach the other person, and a quote leads back to its message, highlighted."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.helpers import screenshot, sees_message


def bubble(page: Page, text: str):
    return page.locator('[data-testid=feed] .q-message').filter(has_text=text).first


def test_menu_on_hover_reactions_and_a_reply_that_leads_back(people) -> None:
    anna, boris = people('anna_ma', 'Annika'), people('boris_ma', 'Borislav')
    anna.register()
    boris.register()
    room_id = anna.create_room('Actions')
    boris.enter(room_id)
    anna.say('Who brings the cake?')
    sees_message(boris, 'Who brings the cake?')

    menu = bubble(boris.page, 'Who brings the cake?').locator('[data-testid=message-menu]')
    boris.page.mouse.move(0, 0)
    expect(menu).to_have_css('opacity', '0')  # out of the way until the pointer is on the message
    bubble(boris.page, 'Who brings the cake?').hover()
    expect(menu).to_have_css('opacity', '1')
    menu.click()
    expect(boris.page.locator('[data-testid=action-reply]')).to_be_visible()
    expect(boris.page.locator('[data-testid=action-edit]')).to_have_count(0)  # not his message
    screenshot(boris.page, 'message-menu.png')
    boris.page.locator('[data-testid="react-🎉"]').click()
    reaction = anna.page.locator('[data-testid=reactions] [data-testid=reaction]').first
    expect(reaction).to_contain_text('🎉 1')
    expect(reaction).to_have_attribute('title', 'Borislav')

    menu.click()
    boris.page.locator('[data-testid=action-reply]').click()
    expect(boris.page.locator('[data-testid=reply-to]')).to_contain_text('Replying to Annika: Who brings the cake?')
    boris.say('I do!')
    sees_message(anna, 'I do!')
    quote = bubble(anna.page, 'I do!').locator('[data-testid=quote]')
    expect(quote).to_have_text('Annika: Who brings the cake?')
    quote.click()
    expect(anna.page.locator('[data-testid=highlighted-message]')).to_contain_text('Who brings the cake?')
    screenshot(anna.page, 'message-actions.png')

    phone = boris.new_page()
    phone.set_viewport_size({'width': 390, 'height': 800})
    phone.goto(f'/room/{room_id}')  # (the people list is hidden on a phone)
    sees_message(boris, 'I do!', phone)
    expect(bubble(phone, 'I do!').locator('[data-testid=message-menu]')).to_have_css('opacity', '1')  # no hover there
