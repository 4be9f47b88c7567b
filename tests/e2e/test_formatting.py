"""Formatted message bodies in Chromium, with the speed layer on and off: what must stay inert stays inert (no dialog,
no image, no script, no compiled template), what is formatted shows formatted, and a long message folds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chat.settings import Settings
from models import Message
from storage import messages as message_queries
from storage import users as user_queries
from storage.db import Database
from tests.e2e.helpers import Person, Server, app_environment, sees_message

pytestmark = pytest.mark.e2e

INERT = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '[y](data:text/html,<script>alert(2)</script>)',
    '{{ 1+1 }}',
    '<b>raw</b>',
]
LONG_LINE = 'print("' + 'x' * 400 + '")'
CODE = f'```\n{LONG_LINE}\nsecond line\n```'
FORTY_LINES = '\n'.join(f'line {n}' for n in range(1, 41))


@pytest.fixture(scope='module')
def app(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of the module's own (CI runs these journeys with the speed layer on and off)."""
    server = Server(tmp_path_factory.mktemp('formatting') / 'data', env=app_environment()).start()
    yield server
    server.stop()


def store(data_dir: Path, username: str, room_id: int, body: str) -> None:
    """A message with line breaks, stored as the app stores one (the composer is a one-line field), shown from the
    room's history on entry."""
    db = Database(Settings(data_dir=data_dir).sqlalchemy_url, 1)

    def work(session) -> None:
        author = user_queries.by_username(session, username)
        assert author is not None and author.id is not None
        message_queries.add(session, Message(room_id=room_id, author_id=author.id, body=body))

    try:
        db.run_sync(work)
    finally:
        db.close()


def watch(page: Page) -> tuple[list[str], list[str]]:
    """Every dialog the page opens (dismissed) and every console message about the Content-Security-Policy."""
    dialogs: list[str] = []
    violations: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on('dialog', on_dialog)
    page.on('console', lambda message: 'Content Security Policy' in message.text and violations.append(message.text))
    return dialogs, violations


def test_formatting_shows_and_nothing_runs(app: Server, browser) -> None:
    anna = Person(browser, app, 'anna', display_name='Anna')
    boris = Person(browser, app, 'boris', display_name='Boris')
    try:
        dialogs, violations = watch(boris.page)
        anna.register()
        boris.register()
        room_id = anna.create_room('Markup')
        boris.enter(room_id)
        for body in [*INERT, '**bold** and **{{ 2+2 }}**', 'visit https://example.com/x now']:
            anna.say(body)
        sees_message(boris, 'visit')
        store(app.data_dir, 'anna', room_id, CODE)
        store(app.data_dir, 'anna', room_id, FORTY_LINES)
        store(app.data_dir, 'anna', room_id, '![img](http://example.com/a.png)')
        page = boris.enter(room_id)  # the stored ones come from the history
        feed = page.locator('[data-testid=feed]')
        texts = feed.locator('.q-message-text-content')
        expect(texts.filter(has_text='line 1')).to_have_count(1)

        for body in INERT:  # shown as written
            expect(texts.filter(has_text=body)).to_have_count(1)
        expect(texts.get_by_text('2', exact=True)).to_have_count(0)  # "{{ 1+1 }}" was not evaluated
        expect(feed.locator('strong').filter(has_text='{{ 2+2 }}')).to_have_count(1)  # nor inside formatting
        expect(feed.locator('strong').filter(has_text='bold')).to_have_count(1)
        assert texts.locator('img, script, b, iframe').count() == 0  # the avatars are outside the texts
        assert page.locator('a[href^="javascript:"], a[href^="data:"]').count() == 0

        link = feed.locator('a[href="https://example.com/x"]')
        expect(link).to_have_attribute('target', '_blank')
        expect(link).to_have_attribute('rel', 'noopener noreferrer')
        image_link = feed.locator('a[href="http://example.com/a.png"]')
        expect(image_link).to_have_text('img')  # a plain link, never a picture
        expect(image_link).to_have_attribute('rel', 'noopener noreferrer')

        pre = feed.locator('pre').filter(has_text='second line')
        expect(pre).to_have_count(1)
        code = pre.evaluate(
            """pre => ({
                overflowX: getComputedStyle(pre).overflowX,
                whiteSpace: getComputedStyle(pre).whiteSpace,
                font: getComputedStyle(pre.querySelector('code')).fontFamily,
                scrolls: pre.scrollWidth > pre.clientWidth,
                right: pre.closest('.q-message').getBoundingClientRect().right,
                width: document.documentElement.clientWidth,
            })"""
        )
        assert code['overflowX'] == 'auto' and code['whiteSpace'] == 'pre', code
        assert code['scrolls'] and code['right'] <= code['width'], code  # it scrolls; the bubble stays on screen
        assert 'mono' in code['font'].lower(), code

        button = feed.locator('[data-testid=fold]')
        body = button.locator('xpath=preceding-sibling::*[1]')  # the long message's body, beside its button
        anna.enter(room_id)
        anna_button = anna.page.locator('[data-testid=fold]')
        for shown in (button, anna_button):
            expect(shown).to_have_text('Show more')
        assert body.evaluate('body => body.scrollHeight > body.clientHeight + 100')  # folded: the end is hidden
        button.click()
        expect(button).to_have_text('Show less')
        expect(body).not_to_have_class(re.compile('overflow-hidden'))
        assert body.evaluate('body => body.scrollHeight <= body.clientHeight + 1')  # all of it shows
        expect(anna_button).to_have_text('Show more')  # on Boris's page only
        expect(anna_button.locator('xpath=preceding-sibling::*[1]')).to_have_class(re.compile('overflow-hidden'))
        assert dialogs == [] and violations == []
    finally:
        anna.close()
        boris.close()
