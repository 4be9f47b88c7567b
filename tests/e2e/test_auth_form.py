"""Sign-in and registration as forms in a real browser: Enter and the button each sign in exactly once, the page
never reloads, and the fields tell password managers what they hold."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, Server, open_user_menu

pytestmark = pytest.mark.e2e


def sessions_of(server: Server, username: str) -> int:
    """Signed-in browsers of the user, as stored (one row per sign-in)."""
    with sqlite3.connect(server.data_dir / 'chat.db') as db:
        (count,) = db.execute(
            'SELECT count(*) FROM login_session JOIN user ON user.id = login_session.user_id WHERE user.username = ?',
            (username,),
        ).fetchone()
    return count


def test_enter_and_the_button_each_sign_in_once(people, server: Server) -> None:
    vera = people('vesna', 'Vesna')
    page = vera.page
    page.goto('/register')
    form = page.locator('form')
    expect(form.locator('input[name=username]')).to_have_attribute('autocomplete', 'username')
    expect(form.locator('input[name=nickname]')).to_have_attribute('autocomplete', 'nickname')
    expect(form.locator('input[name=password]')).to_have_attribute('autocomplete', 'new-password')
    page.locator('input[data-testid=username]').fill('vesna')
    page.locator('input[data-testid=password]').fill(PASSWORD)
    page.locator('input[data-testid=password]').press('Enter')  # the browser's implicit submission
    expect(page.locator('[data-testid=room-list]')).to_be_visible()
    assert '?' not in page.url and PASSWORD not in page.url  # no native submission reached an address
    assert sessions_of(server, 'vesna') == 1

    for submit in ('Enter', 'click'):
        open_user_menu(page)
        page.locator('[data-testid=sign-out]').click()
        expect(page.locator('[data-testid=submit]')).to_have_text('Sign in')
        assert sessions_of(server, 'vesna') == 0
        expect(page.locator('input[name=password]')).to_have_attribute('autocomplete', 'current-password')
        page.locator('input[data-testid=username]').fill('vesna')
        page.locator('input[data-testid=password]').fill(PASSWORD)
        if submit == 'Enter':
            page.locator('input[data-testid=password]').press('Enter')
        else:
            page.locator('[data-testid=submit]').click()
        expect(page.locator('[data-testid=room-list]')).to_be_visible()
        expect(page.locator('[data-testid=error]')).to_have_count(0)
        assert sessions_of(server, 'vesna') == 1, submit
