"""Journeys 6 and 7: a server restart on the same data folder, and the page in Russian."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from chat.i18n import translate
from tests.e2e.helpers import Server, sees_message

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_server(browser, tmp_path) -> Iterator[Server]:
    app = Server(tmp_path / 'data').start()
    yield app
    app.stop()


def test_history_survives_a_restart_and_the_page_comes_back(own_server: Server, people) -> None:
    fiona = people('fiona', on=own_server)
    fiona.register()
    room_id = fiona.create_room('Lighthouse')
    fiona.say('The lamp was cleaned today')
    fiona.say('Oil delivery on Friday')
    sees_message(fiona, 'Oil delivery on Friday')

    fiona.page.evaluate('window.loadedBeforeRestart = true')  # gone once the page has loaded itself again
    own_server.stop()  # SIGTERM: the graceful stop tells the page before its socket closes
    expect(fiona.page.get_by_text(translate('en', 'restart_notice'))).to_be_visible()
    expect(fiona.page.locator('textarea[data-testid=message-input]')).to_be_visible()  # the page stays while it waits
    own_server.start()  # same port, same data folder

    # NiceGUI's client finds its old connection gone: the page reconnects and loads itself again, still signed in
    fiona.page.wait_for_function('!window.loadedBeforeRestart && window.did_handshake === true', timeout=30_000)
    assert fiona.page.url.endswith(f'/room/{room_id}')
    fiona.wait_in_room()
    sees_message(fiona, 'The lamp was cleaned today', timeout_ms=30_000)
    sees_message(fiona, 'Oil delivery on Friday')
    fiona.say('Still here after the restart')  # the connection is live again: the server takes new messages
    sees_message(fiona, 'Still here after the restart')
    fiona.page.reload()
    fiona.wait_in_room()
    for text in ('The lamp was cleaned today', 'Oil delivery on Friday', 'Still here after the restart'):
        sees_message(fiona, text)


def test_pages_in_russian(people) -> None:
    ivan = people('ivan', locale='ru-RU')  # Accept-Language: ru-RU
    ivan.page.goto('/')  # signed out: sent to sign-in
    ivan.page.wait_for_url('**/login**')
    expect(ivan.page.locator('[data-testid=submit]')).to_have_text('Войти')
    expect(ivan.page.locator('.text-h5')).to_have_text('Войти')
    expect(ivan.page.locator('input[data-testid=username]')).to_have_attribute('aria-label', 'Имя пользователя')
    assert 'Sign in' not in ivan.page.locator('#app').inner_text()

    ivan.page.get_by_role('link', name='Нет аккаунта? Зарегистрируйтесь').click()
    expect(ivan.page.locator('.text-h5')).to_have_text('Создать аккаунт')
    expect(ivan.page.locator('[data-testid=submit]')).to_have_text('Зарегистрироваться')
    ivan.register()
    expect(ivan.page.locator('header')).to_contain_text('Все комнаты')
    expect(ivan.page.locator('input[data-testid=room-name]')).to_have_attribute(
        'aria-label', 'Войти в комнату или создать её по имени'
    )
    expect(ivan.page.locator('[data-testid=open-room]')).to_have_text('Открыть')
