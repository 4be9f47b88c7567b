"""In Chromium: "load older" prepends without moving what the reader looks at, and grouped messages are compact."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, expect

from tests.e2e.helpers import Server, app_environment, screenshot, sees_message

PAGE = 25  # history page and window: a few screens of messages in all


@pytest.fixture
def paging_server(browser, tmp_path) -> Iterator[Server]:
    """Small pages, and a sender allowed to post a room's worth of messages at once."""
    env = app_environment(
        CHAT_HISTORY_PAGE_SIZE=str(PAGE), CHAT_FEED_WINDOW=str(PAGE), CHAT_MESSAGE_BURST='100', CHAT_MESSAGE_RATE='100'
    )
    app = Server(tmp_path / 'data', env=env).start()
    yield app
    app.stop()


def _top(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box['y']


def test_load_older_keeps_the_message_being_read_in_place(paging_server: Server, people) -> None:
    ann, bob = people('ann', 'Ann', on=paging_server), people('bob', 'Bob', on=paging_server)
    ann.register()
    bob.register()
    room_id = ann.create_room('Archive')
    for number in range(1, 46):
        ann.say(f'line {number:02d}')
    page = bob.enter(room_id)
    sees_message(bob, 'line 45')
    feed = page.locator('[data-testid=feed]')
    bubbles = feed.locator('.q-message')
    expect(bubbles).to_have_count(PAGE)  # lines 21-45

    # grouped: one name for Ann's run of messages, and a follower is far lower than its leader
    expect(feed.locator('.q-message .q-message-name')).to_have_count(1)
    leader, follower = bubbles.nth(0), bubbles.nth(1)
    leader_box, follower_box = leader.bounding_box(), follower.bounding_box()
    assert leader_box is not None and follower_box is not None
    print(f'leader {leader_box["height"]:.0f} px, follower {follower_box["height"]:.0f} px')  # the sizes, with -s
    assert follower_box['height'] < 0.6 * leader_box['height'], (leader_box, follower_box)
    leader_text = leader.locator('.q-message-text').bounding_box()
    follower_text = follower.locator('.q-message-text').bounding_box()
    assert leader_text is not None and follower_text is not None
    assert abs(leader_text['x'] - follower_text['x']) <= 2  # the followers line up under the leader's bubble
    screenshot(page, 'feed-groups.png')

    # the reader scrolls up to the oldest message shown and asks for older ones
    older = page.locator('[data-testid=load-older]')
    older.scroll_into_view_if_needed()
    reading = bubbles.filter(has_text='line 21')
    before = _top(reading)
    older.click()
    expect(bubbles).to_have_count(45)  # prepended: lines 1-45
    expect(page.locator('[data-testid=room-beginning]')).to_have_count(1)
    after = _top(reading)  # measured once the older page is in: layout (and any scroll jump) is done
    assert abs(after - before) <= 3, f'line 21 moved from y={before} to y={after}'
    first = bubbles.nth(0)
    expect(first).to_contain_text('line 01')
    assert _top(first) < before  # the older messages are above, out of view until the reader scrolls up
