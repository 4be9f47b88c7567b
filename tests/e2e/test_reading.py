"""In Chromium: what a reader has seen. Scrolled up, new messages are announced ("New messages below: N") and not
marked read; back at the newest message they are, on the reader's other tabs too; the room drawer's count, the
tab's title and the "New messages" line follow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Server, app_environment, sees_message
from tests.waiting import until_sync


@pytest.fixture
def reading_server(browser, tmp_path) -> Iterator[Server]:
    """A sender allowed to fill a room quickly."""
    env = app_environment(CHAT_MESSAGE_BURST='100', CHAT_MESSAGE_RATE='100')
    app = Server(tmp_path / 'data', env=env).start()
    yield app
    app.stop()


def scroll_up(page: Page) -> None:
    feed = page.locator('[data-testid=feed]')
    feed.hover()
    for _ in range(10):
        page.mouse.wheel(0, -600)
    page.wait_for_timeout(500)  # the browser reports the position at most every 0.3 s


def in_view(page: Page, text: str) -> bool:
    box = page.locator('[data-testid=feed] .q-message').filter(has_text=text).last.bounding_box()
    feed = page.locator('[data-testid=feed]').bounding_box()
    assert box is not None and feed is not None
    return box['y'] >= feed['y'] - 1 and box['y'] + box['height'] <= feed['y'] + feed['height'] + 1


def test_scrolled_up_the_reader_is_told_and_nothing_is_marked_read(reading_server: Server, people) -> None:
    ann, bob = people('ann', 'Ann', on=reading_server), people('bob', 'Bob', on=reading_server)
    ann.register()
    bob.register()
    general = ann.create_room('General')
    other = ann.create_room('Other')
    ann.enter(general)
    for number in range(1, 16):
        ann.say(f'paragraph {number:02d}\nsecond line\nthird line')
    page = bob.enter(general)
    sees_message(bob, 'paragraph 15')
    second = bob.context.new_page()  # the same person in another tab, elsewhere
    bob.enter(other, second)

    scroll_up(page)
    ann.say('fresh news')
    below = page.locator('[data-testid=new-below]')
    expect(below).to_contain_text('New messages below: 1')
    ann.say('more news')
    expect(below).to_contain_text('New messages below: 2')
    expect(second.locator(f'[data-testid=unread-{general}]')).to_have_text('2')  # not read: Bob is scrolled up
    expect(second).to_have_title('(2) Messenger')

    below.click()  # to the first one that came in while he was reading above
    expect(below).to_be_hidden()
    until_sync(
        lambda: in_view(page, 'fresh news'),
        what='the first new message scrolled into view',
        pause=lambda seconds: page.wait_for_timeout(seconds * 1000),
    )
    # at the newest message now: read, and the other tab hears it
    page.locator('[data-testid=feed]').hover()
    page.mouse.wheel(0, 5000)
    expect(second.locator(f'[data-testid=unread-{general}]')).to_be_hidden()
    expect(second).to_have_title('Messenger')


def test_the_new_messages_line_marks_where_reading_stopped(reading_server: Server, people) -> None:
    ann, bob = people('ann2', 'Ann', on=reading_server), people('bob2', 'Bob', on=reading_server)
    ann.register()
    bob.register()
    general = ann.create_room('Kitchen')
    bob.enter(general)
    ann.say('seen by bob')
    sees_message(bob, 'seen by bob')
    bob.page.goto('/')  # Bob leaves
    ann.say('while bob was away')
    expect(bob.page.locator(f'[data-testid=unread-{general}]')).to_have_text('1')
    bob.enter(general)
    divider = bob.page.locator('[data-testid=unread-divider]')
    expect(divider).to_have_text('New messages')
    seen = bob.page.locator('[data-testid=feed] .q-message').filter(has_text='seen by bob').bounding_box()
    line = divider.bounding_box()
    away = bob.page.locator('[data-testid=feed] .q-message').filter(has_text='while bob was away').bounding_box()
    assert seen is not None and line is not None and away is not None
    assert seen['y'] < line['y'] < away['y']


def close_tabs(person) -> None:
    """Closes every tab of the person's browser (opened again with `person.context.new_page()`)."""
    for tab in list(person.context.pages):
        tab.close()


def test_unread_counts_survive_a_restart(reading_server: Server, people) -> None:
    ann, bob = people('ann3', 'Ann', on=reading_server), people('bob3', 'Bob', on=reading_server)
    ann.register()
    bob.register()
    pantry = ann.create_room('Pantry')
    attic = ann.create_room('Attic')
    bob.enter(pantry)
    bob.enter(attic)  # Bob has been in both; he stays in the attic
    ann.enter(pantry)
    ann.say('jam is ready')
    badge = bob.page.locator(f'[data-testid=unread-{pantry}]')
    expect(badge).to_have_text('1')

    reading_server.stop()
    close_tabs(bob)  # a tab left open reloads itself after the restart: it would race the tabs opened below
    reading_server.start()
    page = bob.context.new_page()
    bob.enter(attic, page)
    expect(page.locator(f'[data-testid=unread-{pantry}]')).to_have_text('1')  # still unread after the restart
    bob.enter(pantry, page)  # read now
    sees_message(bob, 'jam is ready', page)
    other = bob.context.new_page()
    bob.enter(attic, other)
    expect(other.locator(f'[data-testid=unread-{pantry}]')).to_be_hidden()  # the service has the mark (in memory)

    reading_server.stop()
    close_tabs(bob)
    reading_server.start()
    last = bob.context.new_page()
    bob.enter(attic, last)
    expect(last.locator(f'[data-testid=room-entry-{pantry}]')).to_be_visible()
    expect(last.locator(f'[data-testid=unread-{pantry}]')).to_be_hidden()  # read before the restart: still read
