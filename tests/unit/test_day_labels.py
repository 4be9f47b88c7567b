"""The words of the feed's day separators (pages/formatting.py), in both languages and across time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chat.i18n import translate
from pages.formatting import day_label, local_day, next_midnight, short_stamp

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ('language', 'day', 'words'),
    [
        ('en', date(2026, 12, 6), 'Today'),
        ('en', date(2026, 12, 5), 'Yesterday'),
        ('en', date(2026, 12, 4), '4 December'),
        ('en', date(2025, 3, 1), '1 March 2025'),
        ('ru', date(2026, 12, 6), 'Сегодня'),
        ('ru', date(2026, 12, 5), 'Вчера'),
        ('ru', date(2026, 5, 9), '9 мая'),
        ('ru', date(2025, 12, 31), '31 декабря 2025 г.'),
    ],
)
def test_day_label(language: str, day: date, words: str) -> None:
    assert day_label(day, TODAY, lambda key, **params: translate(language, key, **params)) == words


def test_a_day_is_the_viewer_s_own() -> None:
    late = datetime(2026, 12, 5, 22, 30)  # stored UTC, without its zone (SQLite)
    assert local_day(late, 'UTC') == date(2026, 12, 5)
    assert local_day(late, 'Europe/Moscow') == date(2026, 12, 6)  # already the next day there
    assert local_day(late.replace(tzinfo=UTC), 'America/New_York') == date(2026, 12, 5)
    assert local_day(late, 'Not/AZone') == date(2026, 12, 5)  # an unknown zone: UTC


def test_the_room_list_shows_the_time_today_and_the_date_before() -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
    assert short_stamp(datetime(2026, 12, 6, 8, 5, tzinfo=UTC), 'Europe/Moscow', now) == '11:05'
    assert short_stamp(datetime(2026, 12, 5, 20, 59), 'Europe/Moscow', now) == '05.12.2026'
    assert short_stamp(datetime(2026, 12, 5, 21, 0), 'Europe/Moscow', now) == '00:00'  # stored without a zone: UTC
    assert short_stamp(datetime(2026, 12, 5, 21, 0, tzinfo=UTC), None, now) == '05.12.2026'


@pytest.mark.parametrize(
    ('now', 'zone', 'midnight'),
    [
        (datetime(2026, 12, 6, 16, 5, tzinfo=UTC), 'UTC', datetime(2026, 12, 7, tzinfo=UTC)),
        (datetime(2026, 12, 6, 16, 5, tzinfo=UTC), 'Europe/Moscow', datetime(2026, 12, 6, 21, tzinfo=UTC)),
        (datetime(2026, 12, 6, 22, 0, tzinfo=UTC), 'Europe/Moscow', datetime(2026, 12, 7, 21, tzinfo=UTC)),
        (datetime(2026, 12, 6, 16, 5, tzinfo=UTC), 'America/New_York', datetime(2026, 12, 7, 5, tzinfo=UTC)),
        # the night clocks go forward (a 23-hour day) and back: still the local midnight
        (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), 'Europe/Berlin', datetime(2026, 3, 28, 23, tzinfo=UTC)),
        (datetime(2026, 3, 29, 12, 0, tzinfo=UTC), 'Europe/Berlin', datetime(2026, 3, 29, 22, tzinfo=UTC)),
        (datetime(2026, 12, 6, 16, 5), None, datetime(2026, 12, 7, tzinfo=UTC)),  # stored without zone; none known
    ],
)
def test_the_next_local_midnight(now: datetime, zone: str | None, midnight: datetime) -> None:
    assert next_midnight(now, zone) == midnight
