"""The admin journey in Chromium: the dashboard draws its charts from the activity, a user is disabled and their open
page ends at once. Also the admin page's screenshots (desktop and phone, English and Russian, light and dark)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from chat.i18n import translate
from tests.e2e.helpers import PASSWORD, ROOT, Person, Server, app_environment, connected, open_user_menu, screenshot

pytestmark = pytest.mark.e2e

CHART_DATA = """element => {
    const chart = getElement(element).chart;
    return chart ? chart.getOption().series[0].data : null;
}"""


def make_admin(server: Server, username: str) -> None:
    """The operator's command (main.py create-admin), run beside the running server as in docs/operations.md."""
    env = app_environment(CHAT_DATA_DIR=str(server.data_dir), CHAT_ADMIN_PASSWORD=PASSWORD)
    subprocess.run([sys.executable, 'main.py', 'create-admin', username], cwd=ROOT, env=env, check=True, timeout=60)


def chart_data(page: Page, kind: str) -> list:
    chart = page.locator(f'[data-testid=chart-{kind}]')
    expect(chart.locator('canvas')).to_have_count(1)  # echarts drew it
    page.wait_for_function(
        """id => { const c = getElement(id)?.chart; return c && c.getOption().series?.length > 0; }""",
        arg=(chart.get_attribute('id') or '')[1:],
    )
    return chart.evaluate(CHART_DATA)


def test_admin_sees_the_activity_and_disables_a_user(people) -> None:
    root, zoe = people('rootadm', 'Root'), people('zoe', 'Zoe')
    root.register()
    zoe.register()
    room_id = root.create_room('Harbour')
    for text in ('first', 'second'):
        root.say(text)
    zoe.enter(room_id)
    zoe.say('third')
    make_admin(root.server, 'rootadm')

    admin = root.new_page()
    admin.goto('/admin')
    expect(admin.locator('[data-testid=chart-messages]')).to_be_visible()
    messages = chart_data(admin, 'messages')
    assert len(messages) == 30 and messages[-1] >= 3  # the shared server may hold other tests' messages of today
    authors = chart_data(admin, 'authors')
    assert authors[-1] >= 2
    assert 3 in chart_data(admin, 'rooms')
    expect(admin.locator('[data-testid=stat-online]')).not_to_have_text('…')

    admin.locator('[data-testid=admin-tab-users]').click()
    admin.locator('input[data-testid=admin-search-users]').fill('zoe')
    admin.locator('input[data-testid=admin-search-users]').press('Enter')
    expect(admin.locator('[data-testid=admin-users-status]')).to_have_text('Page 1 of 1 (1 found)')
    row = admin.locator('[data-testid^=admin-user-]')
    expect(row).to_have_count(1)
    row.locator('[data-testid^=disable-]').click()
    expect(row.locator('[data-testid^=disabled-]')).to_be_visible()

    zoe.page.wait_for_url('**/login**', timeout=5000)  # at once: the session sweep would take up to 10 s
    zoe.page.locator('input[data-testid=username]').fill('zoe')
    zoe.page.locator('input[data-testid=password]').fill(PASSWORD)
    zoe.page.locator('[data-testid=submit]').click()
    expect(zoe.page.locator('[data-testid=error]')).to_have_text('This account is disabled. Ask an admin.')


@pytest.mark.parametrize('size', ['desktop', 'phone'])
@pytest.mark.parametrize('locale', ['en', 'ru'])
@pytest.mark.parametrize('theme', ['light', 'dark'])
def test_admin_screenshots(browser, server: Server, size: str, locale: str, theme: str) -> None:
    name = f'adm{size[0]}{locale}{theme[0]}'
    person = Person(browser, server, name, display_name=name)
    try:
        person.register()
        room_id = person.create_room(f'Room {name}')
        for i in range(3):
            person.say(f'message {i}')
        make_admin(server, name)
        page = person.page
        if size == 'phone':
            page.set_viewport_size({'width': 390, 'height': 844})
        page.goto('/admin')
        open_user_menu(page)
        page.locator(f'[data-testid=language-{locale}]').click()
        # a new language reloads the page: wait for the page that speaks it, not the one about to go
        expect(page.locator('[data-testid=user-menu]')).to_have_attribute('aria-label', translate(locale, 'user_menu'))
        expect(page.locator('[data-testid=chart-messages] canvas')).to_have_count(1)
        if theme == 'dark':
            open_user_menu(page)
            page.get_by_role('radio', name='Dark' if locale == 'en' else 'Тёмная').click()
            page.keyboard.press('Escape')
        page.goto('/admin')
        expect(page.locator('[data-testid=chart-messages] canvas')).to_have_count(1)
        chart_data(page, 'messages')
        screenshot(page, f'admin-dashboard-{theme}-{size}-{locale}.png', full_page=True)
        connected(page)  # the search words reach the server before the Enter that searches for them
        page.locator('[data-testid=admin-tab-users]').click()
        page.locator('input[data-testid=admin-search-users]').fill(name)
        page.locator('input[data-testid=admin-search-users]').press('Enter')
        expect(page.locator('[data-testid^=admin-user-]')).to_have_count(1)
        screenshot(page, f'admin-users-{theme}-{size}-{locale}.png')
        assert room_id
    finally:
        person.close()
