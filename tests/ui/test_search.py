"""Searching from the header and the results page, and opening a result: the room at that message."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from chat.accounts import to_view
from pages.search import Span
from storage import users as user_queries
from tests.ui.helpers import by_testid, open_room, register, send, services, value_of, wait_for
from tests.waiting import until


def _results(user: User) -> list[ui.link]:
    """The results in the order shown."""
    (column,) = by_testid(user, 'search-results').elements
    return [link for link in column.default_slot.children if isinstance(link, ui.link)]


def _snippets(user: User) -> list[list[tuple[str, str]]]:
    """Each result's snippet as (tag, text) parts, in order."""
    found = []
    for link in _results(user):
        snippet = next(e for e in link.descendants() if e.props.get('data-testid') == 'search-snippet')
        found.append([(part.tag, part.text) for part in snippet.default_slot.children if isinstance(part, Span)])
    return found


async def test_search_finds_marks_and_opens_the_message(user: User) -> None:
    await register(user, 'anna', display_name='Anna Lee')
    await open_room(user, 'Kitchen')
    for text in ['Приветствую всех, the deployment is done', 'unrelated words', 'a second deploy, <b>bold</b>?']:
        await send(user, text)
        await until(lambda: value_of(user, 'message-input') == '', what='sent')
    (field,) = by_testid(user, 'header-search').elements  # a GET form's field: Enter is the browser's submission
    form = field.parent_slot.parent
    assert (form.tag, form.props['action'], form.props['method'], field.props['name']) == (
        'form',
        '/search',
        'get',
        'q',
    )
    await user.open('/search?q=deploy')  # what the browser asks for when Enter submits the form
    await wait_for(user, 'search-results')
    await until(lambda: len(_results(user)) == 2)
    assert _snippets(user) == [
        [('span', 'a second '), ('mark', 'deploy'), ('span', ', <b>bold</b>?')],
        [('span', 'Приветствую всех, the '), ('mark', 'deployment'), ('span', ' is done')],
    ]
    await user.should_see('#Kitchen')
    await user.should_see('Anna Lee')
    links = [link.props['href'] for link in _results(user)]
    room = await services().rooms.all()
    assert links[1].startswith(f'/room/{room[0].id}?message=')

    by_testid(user, 'search-input').clear().type('привет in:kitchen').trigger('keydown.enter')
    await until(lambda: len(_results(user)) == 1)
    assert _snippets(user)[0][0] == ('mark', 'Приветствую')

    await user.open(links[1])  # what a click on the result does: the room at that message, highlighted
    await wait_for(user, 'message-input')
    await user.should_see('the deployment is done')


async def test_refusals_are_shown_under_the_field_and_keep_the_text(user: User) -> None:
    await register(user, 'anna')
    await user.open('/search?q=lunch%20after:someday')
    await user.should_see('"someday" is not a date: write it as 2026-01-31.')
    assert by_testid(user, 'search-input').elements.pop().value == 'lunch after:someday'
    by_testid(user, 'search-input').clear().type('"*"').trigger('keydown.enter')
    await user.should_see('Type a word to search for.')


async def test_more_results_and_nothing_found(user: User) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    anna = to_view(await services().db.run(user_queries.by_username, 'anna'))
    room = (await services().rooms.all())[0]
    for i in range(22):  # more than a burst of the composer's rate limit: through the service
        services().messages.rate.reset(f'messages:{anna.id}')
        await services().messages.post(anna, room.id, f'note {i}')
    await user.open('/search?q=note')
    await until(lambda: len(_results(user)) == 20)
    by_testid(user, 'search-more').click()
    await until(lambda: len(_results(user)) == 22)
    assert not next(iter(by_testid(user, 'search-more').elements)).visible
    by_testid(user, 'search-input').clear().type('absentword').trigger('keydown.enter')
    await user.should_see('No messages found.')
    assert not _results(user)
