"""The words of the feed's day separators (pages/formatting.py), in both languages and across time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chat.i18n import translate
from pages.formatting import day_label, local_day

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
