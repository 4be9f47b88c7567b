"""The message field with a real keyboard: Shift+Enter breaks the line and Enter sends, a paste over the length
limit is refused with its reason and kept, and a half-typed message outlives a server restart, with the speed layer
on and off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Server, app_environment, sees_message
from tests.waiting import until_sync

pytestmark = pytest.mark.e2e

FIELD = 'textarea[data-testid=message-input]'
BODY = '[data-testid=feed] .q-message-text-content > div:not(.q-message-stamp)'  # a bubble's text, not its time
RED = re.compile(r'\btext-negative\b')


# the text a reader sees, without the bubble's menu button (its icon's ligature name is text in the DOM)
WORDS = (
    "els => els.map(e => { const c = e.cloneNode(true); c.querySelectorAll('.q-btn').forEach(b => b.remove());"
    ' return c.textContent; })'
)


def bubble_texts(page: Page, containing: str) -> list[str]:
    """The text of each message in the feed containing `containing` (its line breaks shown: the height check)."""
    return page.locator(BODY).filter(has_text=containing).evaluate_all(WORDS)


def test_shift_enter_breaks_the_line_and_enter_sends(people) -> None:
    lena, tom = people('lena', 'Lena'), people('tom', 'Tom')
    lena.register()
    tom.register()
    room_id = lena.create_room('Lines')
    tom.enter(room_id)
    field = lena.page.locator(FIELD)
    field.click()
    lena.page.keyboard.type('line one')
    lena.page.keyboard.press('Shift+Enter')
    lena.page.keyboard.type('line two')
    expect(field).to_have_value('line one\nline two')  # Shift+Enter sent nothing
    lena.page.keyboard.press('Enter')
    expect(field).to_have_value('')  # Enter sent it: stored, and the field empties
    sees_message(tom, 'line two')
    assert bubble_texts(tom.page, 'line two') == ['line one\nline two']  # one bubble, two lines
    box = tom.page.locator(BODY).filter(has_text='line two').bounding_box()
    one_line = tom.page.locator('[data-testid=feed] .q-message-name').first.bounding_box()
    assert box is not None and one_line is not None and box['height'] > 1.5 * one_line['height']


def test_a_long_paste_is_refused_with_its_reason_and_kept(people) -> None:
    vera = people('vera', 'Vera')
    vera.register()
    vera.create_room('Essays')
    text = ' '.join(f'word{number:04d}' for number in range(600)) + '.'  # 5,400 characters, many words
    assert len(text) == 5400
    field = vera.page.locator(FIELD)
    field.click()
    vera.page.keyboard.insert_text(text)  # what a paste does: one insertion of the whole text
    expect(field).to_have_value(text)  # nothing cut off
    counter = vera.page.locator('[data-testid=message-counter]')
    expect(counter).to_have_text('5,400 / 4,000')
    expect(counter).to_have_class(RED)
    vera.page.keyboard.press('Enter')
    expect(vera.page.locator('[data-testid=send-error]')).to_have_text(
        'The message is too long: at most 4,000 characters.'
    )
    expect(field).to_have_value(text)  # still there, to be shortened
    assert not bubble_texts(vera.page, 'word0001')
    field_box = field.bounding_box()
    assert field_box is not None and field_box['height'] < 260  # it grew, up to its maximum, then scrolls


@pytest.fixture
def restartable(browser, tmp_path: Path) -> Iterator[Server]:
    """A server of the test's own, to restart (CI runs these journeys with the speed layer on and off)."""
    app = Server(tmp_path / 'data', env=app_environment()).start()
    yield app
    app.stop()


def _draft_on_disk(data_dir: Path, text: str) -> bool:
    return any(text in path.read_text(errors='replace') for path in (data_dir / 'sessions').glob('storage-user-*.json'))


def test_a_draft_outlives_a_restart_a_reload_and_a_visit_elsewhere(restartable: Server, people) -> None:
    nina = people('nina', 'Nina', on=restartable)
    nina.register()
    elsewhere = nina.create_room('Elsewhere')
    room_id = nina.create_room('Drafts')
    draft = 'Dear all,\nabout Friday: the boat leaves at'
    field = nina.page.locator(FIELD)
    field.click()
    nina.page.keyboard.type('Dear all,')
    nina.page.keyboard.press('Shift+Enter')
    nina.page.keyboard.type('about Friday: the boat leaves at')
    expect(field).to_have_value(draft)
    # written once typing paused (no click away): the server keeps it in the session's storage file
    until_sync(
        lambda: _draft_on_disk(restartable.data_dir, 'the boat leaves at'),
        what='the draft in the session storage',
        pause=lambda seconds: nina.page.wait_for_timeout(seconds * 1000),
    )

    nina.page.evaluate('window.loadedBeforeRestart = true')
    restartable.stop()
    restartable.start()  # same port, same data folder
    nina.page.wait_for_function('!window.loadedBeforeRestart && window.did_handshake === true', timeout=30_000)
    assert nina.page.url.endswith(f'/room/{room_id}')
    expect(nina.page.locator(FIELD)).to_have_value(draft)  # the reloaded page shows it

    nina.page.reload()
    nina.wait_in_room()
    expect(nina.page.locator(FIELD)).to_have_value(draft)
    nina.enter(elsewhere)
    expect(nina.page.locator(FIELD)).to_have_value('')  # the other room has none
    nina.enter(room_id)
    expect(nina.page.locator(FIELD)).to_have_value(draft)
    nina.page.locator(FIELD).press('Enter')
    expect(nina.page.locator(FIELD)).to_have_value('')
    sees_message(nina, 'the boat leaves at')
    nina.page.reload()
    nina.wait_in_room()
    expect(nina.page.locator(FIELD)).to_have_value('')  # sent: the draft went with it
