"""Reading comfort in the feed: day separators, an author's quick messages grouped under one name, and older pages
that prepend to what is on screen up to the beginning of the room."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from nicegui.element import Element
from nicegui.testing import User
from sqlmodel import Session

from chat.views import UserView
from models.tables import Message
from pages import room as room_page
from pages.formatting import next_midnight
from tests.ui.helpers import by_testid, open_room, people_in_room, register, room_id_of, send, services, wait_for
from tests.waiting import until

ZONE = ZoneInfo('Europe/Moscow')  # every simulated user's time zone (tests/ui/helpers.py)
MONTHS = {
    'en': 'January February March April May June July August September October November December',
    'ru': 'января февраля марта апреля мая июня июля августа сентября октября ноября декабря',
}


def _children(element: Element) -> list[Element]:
    return [child for slot in element.slots.values() for child in slot.children]


def feed_lines(person: User) -> list[tuple[str, str | None, str]]:
    """What the feed shows, top to bottom: ('day', None, words), ('message', author name or None, text),
    ('beginning', None, words), ('name', None, the first message's author above it)."""
    assert person.client is not None
    shown = person.client.layout.descendants()
    (feed,) = [e for e in shown if e.props.get('data-testid') == 'feed' and not e.is_deleted]
    lines: list[tuple[str, str | None, str]] = []

    def walk(element: Element) -> None:
        testid = element.props.get('data-testid')
        if not element.visible:
            return
        if element.tag == 'q-chat-message':
            lines.append(('message', element.props.get('name'), element.default_slot.children[0]._text))
            return
        if testid == 'day-separator':
            lines.append(('day', None, element._text))
            return
        if testid == 'room-beginning':
            lines.append(('beginning', None, element._text))
            return
        if testid == 'top-name':
            lines.append(('name', None, element._text))
            return
        for child in _children(element):
            walk(child)

    walk(feed)
    return lines


async def user_view(username: str) -> UserView:
    from storage import users as user_queries

    found = await services().db.run(user_queries.by_username, username)
    assert found is not None
    view = await services().accounts.session_user(found.id, found.session_version)
    assert view is not None
    return view


async def post_at(author: UserView, room_id: int, text: str, when: datetime | None = None) -> int:
    """Posts through the service, then moves the stored message back in time (`when`, UTC)."""
    services().messages.rate.limit = 10_000
    message = await services().messages.post(author, room_id, text)
    if when is not None:

        def work(session: Session) -> None:
            stored = session.get(Message, message.id)
            assert stored is not None
            stored.created_at = when
            session.add(stored)
            session.commit()

        await services().db.run(work)
    return message.id


def label(day: datetime, language: str) -> str:
    local = day.astimezone(ZONE)
    today = datetime.now(UTC).astimezone(ZONE).date()
    words = f'{local.day} {MONTHS[language].split()[local.month - 1]}'
    if local.year == today.year:
        return words
    return f'{words} {local.year}' + (' г.' if language == 'ru' else '')


async def _days_in_history(user: User, create_user, language: str, today: str, yesterday: str) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    anna = await user_view('anna')
    now = datetime.now(UTC)
    long_ago, weeks_ago, a_day_ago = now - timedelta(days=400), now - timedelta(days=40), now - timedelta(days=1)
    await post_at(anna, room_id, 'a year ago', long_ago)
    await post_at(anna, room_id, 'weeks ago', weeks_ago)
    await post_at(anna, room_id, 'a day ago', a_day_ago)
    await post_at(anna, room_id, 'just now')

    reader = create_user()
    if language == 'ru':
        reader.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(reader, 'boris', display_name='Boris', expect='Все комнаты' if language == 'ru' else 'Browse rooms')
    await open_room(reader, 'Kitchen')
    await reader.should_see('just now')
    lines = [(kind, text) for kind, _, text in feed_lines(reader)]
    assert lines == [
        ('beginning', 'Начало комнаты' if language == 'ru' else 'The beginning of the room'),
        ('day', label(long_ago, language)),
        ('message', 'a year ago'),
        ('day', label(weeks_ago, language)),
        ('message', 'weeks ago'),
        ('day', yesterday),
        ('message', 'a day ago'),
        ('day', today),
        ('message', 'just now'),
    ]


async def test_history_has_a_separator_per_day_in_english(user: User, create_user) -> None:
    await _days_in_history(user, create_user, 'en', 'Today', 'Yesterday')


async def test_history_has_a_separator_per_day_in_russian(user: User, create_user) -> None:
    await _days_in_history(user, create_user, 'ru', 'Сегодня', 'Вчера')


async def test_a_live_message_on_a_new_day_gets_today(user: User, create_user) -> None:
    anna_page, boris_page = await people_in_room(user, create_user, ['Anna', 'Boris'])
    anna = await user_view('anna')
    room_id = room_id_of(anna_page)
    await post_at(anna, room_id, 'said yesterday', datetime.now(UTC) - timedelta(days=1))
    await open_room(boris_page, 'Kitchen')  # the history: yesterday's message under its separator
    await boris_page.should_see('said yesterday')
    assert [line for line in feed_lines(boris_page) if line[0] == 'day'] == [('day', None, 'Yesterday')]

    await send(anna_page, 'said today')  # live: a new day on Boris's page
    await boris_page.should_see('said today')
    assert [(kind, text) for kind, _, text in feed_lines(boris_page)][-4:] == [
        ('day', 'Yesterday'),
        ('message', 'said yesterday'),
        ('day', 'Today'),
        ('message', 'said today'),
    ]
    await send(anna_page, 'and again today')  # the same day: no new separator
    await boris_page.should_see('and again today')
    assert [line[2] for line in feed_lines(boris_page) if line[0] == 'day'] == ['Yesterday', 'Today']


async def test_quick_messages_of_one_author_show_the_name_once(user: User, create_user) -> None:
    ann_page, boris_page = await people_in_room(user, create_user, ['Ann', 'Boris'])
    for text in ('first of Ann', 'second of Ann', 'third of Ann'):
        await send(ann_page, text)
        await boris_page.should_see(text)
    await send(boris_page, 'Boris in between')
    await ann_page.should_see('Boris in between')
    await send(ann_page, 'Ann again')
    await boris_page.should_see('Ann again')
    expected = [
        ('Ann', 'first of Ann'),
        (None, 'second of Ann'),
        (None, 'third of Ann'),
        ('Boris', 'Boris in between'),
        ('Ann', 'Ann again'),
    ]
    live = [(name, text) for kind, name, text in feed_lines(boris_page) if kind == 'message']
    assert live == expected  # live on Boris's page
    await open_room(boris_page, 'Kitchen')
    await boris_page.should_see('Ann again')
    assert [(name, text) for kind, name, text in feed_lines(boris_page) if kind == 'message'] == expected  # history
    assert [(name, text) for kind, name, text in feed_lines(ann_page) if kind == 'message'] == expected  # own page


async def test_a_deleted_message_breaks_the_group(user: User, create_user) -> None:
    ann_page, boris_page = await people_in_room(user, create_user, ['Ann', 'Boris'])
    ann = await user_view('ann')
    room_id = room_id_of(ann_page)
    first = await post_at(ann, room_id, 'one')
    await post_at(ann, room_id, 'two')
    await boris_page.should_see('two')
    assert [name for kind, name, _ in feed_lines(boris_page) if kind == 'message'] == ['Ann', None]
    await services().messages.delete(ann, room_id, first)
    await until(
        lambda: [name for kind, name, _ in feed_lines(boris_page) if kind == 'message'] == ['Ann', 'Ann'],
        what='the message after the deleted one showing its author',
    )


async def test_older_pages_prepend_up_to_the_beginning_of_the_room(user: User, create_user) -> None:
    ann_page, boris_page = await people_in_room(user, create_user, ['Ann', 'Boris'])
    ann = await user_view('ann')
    room_id = room_id_of(ann_page)
    for number in range(1, 161):
        await post_at(ann, room_id, f'message {number:03d}')
    await open_room(boris_page, 'Kitchen')
    await boris_page.should_see('message 160')
    await boris_page.should_not_see('message 110')
    for oldest in ('message 061', 'message 011', 'message 001'):
        by_testid(boris_page, 'load-older').click()
        await boris_page.should_see(oldest)
    await wait_for(boris_page, 'room-beginning')
    lines = feed_lines(boris_page)
    assert lines[0] == ('beginning', None, 'The beginning of the room')
    assert lines[1] == ('day', None, 'Today')
    texts = [text for kind, _, text in lines if kind == 'message']
    assert texts == [f'message {number:03d}' for number in range(1, 161)]  # all of them, in order, once each
    assert [kind for kind, _, _ in lines].count('day') == 1
    assert not by_testid(boris_page, 'load-older').elements.pop().visible

    await send(ann_page, 'still live')  # the window grew while paging back: live messages still come
    await boris_page.should_see('still live')
    assert feed_lines(boris_page)[-1] == ('message', None, 'still live')


async def test_the_first_message_of_a_trimmed_window_shows_its_day_and_author(user: User, create_user) -> None:
    """Live messages push the oldest out (the window: 50): the first one left, a follower, is still dated and named."""
    ann_page, boris_page = await people_in_room(user, create_user, ['Ann', 'Boris'])
    ann = await user_view('ann')
    room_id = room_id_of(ann_page)
    for number in range(1, 61):
        await post_at(ann, room_id, f'message {number:03d}')
    await boris_page.should_see('message 060')
    lines = feed_lines(boris_page)
    assert lines[:3] == [('day', None, 'Today'), ('name', None, 'Ann'), ('message', None, 'message 011')]
    assert len([line for line in lines if line[0] == 'message']) == 50  # the separator went first, then 001-010

    by_testid(boris_page, 'load-older').click()  # the older page brings the leader back: no header lines
    await boris_page.should_see('message 001')
    lines = feed_lines(boris_page)
    assert lines[:3] == [
        ('beginning', None, 'The beginning of the room'),
        ('day', None, 'Today'),
        ('message', 'Ann', 'message 001'),
    ]
    assert [kind for kind, _, _ in lines].count('day') == 1 and ('name', None, 'Ann') not in lines
    assert [name for kind, name, _ in lines if kind == 'message'].count('Ann') == 1  # one group: one name


def _clock_near_midnight(seconds_before: float):
    """A clock that reads `seconds_before` the viewer's next midnight now and runs on from there at real speed."""
    start = time.monotonic()
    midnight = next_midnight(datetime.now(UTC), str(ZONE))
    return lambda: midnight - timedelta(seconds=seconds_before - (time.monotonic() - start))


async def _days_move_on_at_midnight(
    user: User, create_user, monkeypatch: pytest.MonkeyPatch, language: str, today: str, yesterday: str
) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    anna = await user_view('anna')
    a_day_ago = datetime.now(UTC) - timedelta(days=1)
    await post_at(anna, room_id, 'said yesterday', a_day_ago)
    await post_at(anna, room_id, 'said today')
    reader = create_user()
    if language == 'ru':
        reader.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(reader, 'boris', display_name='Boris', expect='Все комнаты' if language == 'ru' else 'Browse rooms')

    monkeypatch.setattr(room_page, 'clock', _clock_near_midnight(1.0))  # the page opens a second before midnight
    midnights: list[room_page.Midnight] = []

    class Watched(room_page.Midnight):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            midnights.append(self)

    monkeypatch.setattr(room_page, 'Midnight', Watched)
    await open_room(reader, 'Kitchen')
    await reader.should_see('said today')
    assert [line[2] for line in feed_lines(reader) if line[0] == 'day'] == [yesterday, today]

    # past the reader's midnight, nothing new posted: yesterday's "Today" says "Yesterday", the day before its date
    two_days_ago = label(a_day_ago, language)  # (today is still today for this helper's real clock)
    await until(
        lambda: [line[2] for line in feed_lines(reader) if line[0] == 'day'] == [two_days_ago, yesterday],
        what=lambda: f'the separators moved on a day (shown: {feed_lines(reader)})',
    )
    assert [line[2] for line in feed_lines(reader) if line[0] == 'message'] == ['said yesterday', 'said today']
    (midnight,) = [m for m in midnights if m.ctx.client is reader.client]
    assert midnight._handle is not None  # waiting for the next midnight
    assert reader.client is not None
    reader.client.delete()  # the tab closed: nothing waits for its midnight any more
    await until(lambda: midnight._handle is None, what="the closed page's timer cancelled")


async def test_today_becomes_yesterday_at_the_viewers_midnight(
    user: User, create_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _days_move_on_at_midnight(user, create_user, monkeypatch, 'en', 'Today', 'Yesterday')


async def test_today_becomes_yesterday_at_the_viewers_midnight_in_russian(
    user: User, create_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _days_move_on_at_midnight(user, create_user, monkeypatch, 'ru', 'Сегодня', 'Вчера')
