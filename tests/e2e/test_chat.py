"""Journeys 1-3 in real browsers: chatting live, private messages, leaving and coming back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import Server, app_environment, screenshot, sees_message

pytestmark = pytest.mark.e2e


def room_badge(page, room_name: str):
    """The online-count badge of one room's row on the room list."""
    row = page.locator('[data-testid=room-list] .q-card').filter(
        has=page.get_by_role('link', name=room_name, exact=True)
    )
    return row.locator('.q-badge')


def test_two_people_chat_live_and_the_room_list_counts_them(people, own: Server) -> None:
    # a server of its own: the room list in the README's screenshot shows this test's room only
    anna, boris = people('anna', 'Anna', on=own), people('boris', 'Boris', on=own)
    anna.page.goto('/login')
    expect(anna.page.locator('[data-testid=submit]')).to_have_text('Sign in')
    screenshot(anna.page, 'sign-in.png')

    anna.register()
    boris.register()
    room_id = anna.create_room('Lounge')
    expect(anna.page.get_by_text('Lounge', exact=True).first).to_be_visible()

    lobby = anna.new_page()  # a third tab, on the room list
    lobby.goto('/')
    expect(room_badge(lobby, 'Lounge')).to_have_text('1 online')

    boris.page.goto('/')
    boris.page.get_by_role('link', name='Lounge', exact=True).click()
    boris.wait_in_room()
    expect(room_badge(lobby, 'Lounge')).to_have_text('2 online')  # live, without reloading the tab
    expect(anna.page.locator('[data-testid=online-boris]')).to_be_visible()
    expect(boris.page.locator('[data-testid=online-anna]')).to_be_visible()
    assert boris.page.url.endswith(f'/room/{room_id}')

    anna.say('Hello Boris, welcome to the lounge')
    sees_message(boris, 'Hello Boris, welcome to the lounge')
    boris.say('Hi Anna, glad to be here')
    sees_message(anna, 'Hi Anna, glad to be here')
    sees_message(boris, 'Hi Anna, glad to be here')  # one's own message shows too
    screenshot(lobby, 'room-list.png')


def test_private_message_reaches_only_its_recipient(people) -> None:
    alice, bob, carol = people('alice', 'Alice'), people('bob', 'Bob'), people('carol', 'Carol')
    for person in (alice, bob, carol):
        person.register()
    room_id = alice.create_room('Garden')
    bob.enter(room_id)
    carol.enter(room_id)
    for person in (alice, bob, carol):
        for other in ('alice', 'bob', 'carol'):
            expect(person.page.locator(f'[data-testid=online-{other}]')).to_be_visible()
    alice.say('Good morning everyone')
    bob.say('Morning Alice')
    sees_message(carol, 'Morning Alice')

    secret = 'the spare key is under the blue flowerpot'
    alice.page.locator('[data-testid=online-bob]').click()  # Bob's card, and on it the private note
    alice.page.locator('[data-testid=profile-whisper]').click()
    private_field = alice.page.locator('input[data-testid=private-input]')
    expect(private_field).to_be_visible()
    private_field.fill(secret)
    alice.page.locator('[data-testid=private-send]').click()
    expect(private_field).to_have_value('')

    # Bob sees it marked private, from Alice; Alice sees her own copy addressed to Bob
    received = bob.page.locator('[data-testid=private-message]')
    expect(received).to_have_count(1)
    expect(received).to_contain_text('Alice (private)')
    sees_message(bob, secret)
    sent = alice.page.locator('[data-testid=private-message]')
    expect(sent).to_have_count(1)
    expect(sent).to_contain_text('private to Bob')

    # a public message after it: once Carol has that one, anything sent before it would have reached her too
    alice.say('Shall we start the meeting')
    sees_message(carol, 'Shall we start the meeting')
    sees_message(bob, 'Shall we start the meeting')
    expect(carol.page.locator('[data-testid=private-message]')).to_have_count(0)
    assert secret not in carol.page.content()
    # every server message to Carol came over the websocket we listened to (no fallback to HTTP long-polling)
    assert carol.page.evaluate('window.socket.io.engine.transport.name') == 'websocket'
    assert carol.frames, "Carol's websocket frames were not captured"
    leaked = [frame for frame in carol.frames if secret in frame or 'flowerpot' in frame]
    assert not leaked, f"the private text reached Carol's browser: {leaked[:1]}"
    screenshot(bob.page, 'room.png')


def test_leaving_and_coming_back_shows_what_was_missed(people) -> None:
    dora, emil = people('dora'), people('emil')
    dora.register()
    emil.register()
    room_id = dora.create_room('Harbour')
    emil.enter(room_id)
    expect(emil.page.locator('[data-testid=online-dora]')).to_be_visible()
    dora.say('Back in a minute')
    sees_message(emil, 'Back in a minute')

    dora.page.close()  # Dora leaves: her tab is gone
    feed = emil.page.locator('[data-testid=feed]')
    expect(feed.locator('.notice').filter(has_text='dora left')).to_have_count(1)
    expect(emil.page.locator('[data-testid=online-dora]')).to_have_count(0)

    emil.say('The ferry leaves at noon')
    emil.say('Bring a coat')

    dora.page = dora.new_page()  # she comes back
    dora.enter(room_id)
    sees_message(dora, 'Back in a minute')
    sees_message(dora, 'The ferry leaves at noon')
    sees_message(dora, 'Bring a coat')
    expect(feed.locator('.notice').filter(has_text='dora joined')).to_have_count(1)
    expect(emil.page.locator('[data-testid=online-dora]')).to_be_visible()


@pytest.fixture
def long_window_server(browser, tmp_path) -> Iterator[Server]:
    """Pages whose socket ends other than by their tab closing are kept for 120 s (the app's default is 3 s)."""
    app = Server(tmp_path / 'data', env=app_environment(CHAT_RECONNECT_TIMEOUT='120')).start()
    yield app
    app.stop()


@pytest.mark.fastpath  # at once: the speed layer's closed_tabs; plain NiceGUI waits out the reconnect window
def test_a_closed_tab_leaves_at_once_and_a_reload_does_not_leave(long_window_server: Server, people) -> None:
    gil, hana = people('gil', on=long_window_server), people('hana', on=long_window_server)
    gil.register()
    hana.register()
    room_id = gil.create_room('Pier')
    hana.enter(room_id)
    expect(hana.page.locator('[data-testid=online-gil]')).to_be_visible()
    feed = hana.page.locator('[data-testid=feed]')

    gil.page.reload()  # the old page goes at once, but the new one is already in the room
    gil.wait_in_room()
    gil.say('Back after a reload')
    sees_message(hana, 'Back after a reload')
    expect(feed.locator('.notice').filter(has_text='gil left')).to_have_count(0)
    expect(hana.page.locator('[data-testid=online-gil]')).to_be_visible()

    gil.page.close()  # within seconds, although the server would wait 120 s for a lost connection to come back
    expect(feed.locator('.notice').filter(has_text='gil left')).to_have_count(1)
    expect(hana.page.locator('[data-testid=online-gil]')).to_have_count(0)


def test_the_language_menu_switches_the_page_to_russian_and_back(people) -> None:
    nina = people('nina', 'Nina')
    nina.page.goto('/login')
    expect(nina.page.locator('[data-testid=submit]')).to_have_text('Sign in')
    nina.page.locator('[data-testid=language]').click()
    nina.page.locator('[data-testid=language-ru]').click()
    expect(nina.page.locator('[data-testid=submit]')).to_have_text('Войти')
    expect(nina.page.locator('[data-testid=language]')).to_contain_text('Русский')
    nina.page.locator('[data-testid=language]').click()
    nina.page.locator('[data-testid=language-en]').click()
    expect(nina.page.locator('[data-testid=submit]')).to_have_text('Sign in')
