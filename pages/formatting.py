"""Times and days shown in the viewer's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=256)
def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or 'UTC')
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo('UTC')


def stamp(created_at_utc: datetime, time_zone: str | None, now: datetime | None = None) -> str:
    zone = _zone(time_zone)
    aware = created_at_utc if created_at_utc.tzinfo else created_at_utc.replace(tzinfo=UTC)
    local = aware.astimezone(zone)
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    return local.strftime('%H:%M') if local.date() == today else local.strftime('%d.%m.%Y %H:%M')


def short_stamp(moment_utc: datetime, time_zone: str | None, now: datetime | None = None) -> str:
    """A list's last-activity time in the viewer's time zone: the time today, the date before (no time: a row is
    narrow, and the day is what tells an old room from a busy one)."""
    zone = _zone(time_zone)
    local = aware(moment_utc).astimezone(zone)
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    return local.strftime('%H:%M') if local.date() == today else local.strftime('%d.%m.%Y')


def utc_now() -> datetime:
    """The clock pages read "today" from (a test gives a page another one)."""
    return datetime.now(UTC)


def next_midnight(now_utc: datetime, time_zone: str | None) -> datetime:
    """The next local midnight after `now_utc` in the time zone, as a UTC time (a day of 23 or 25 hours included)."""
    zone = _zone(time_zone)
    tomorrow = aware(now_utc).astimezone(zone).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone).astimezone(UTC)


def aware(moment: datetime) -> datetime:
    """Stored times are UTC, with or without their zone depending on the database: always with it here."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_day(moment_utc: datetime, time_zone: str | None) -> date:
    return aware(moment_utc).astimezone(_zone(time_zone)).date()


def day_label(day: date, today: date, t: Callable[..., str]) -> str:
    """A day separator's words in the viewer's language: "Today", "Yesterday", "5 December", "5 December 2025"."""
    if day == today:
        return t('day_today')
    if day == today - timedelta(days=1):
        return t('day_yesterday')
    month = t('month_names').split()[day.month - 1]
    if day.year == today.year:
        return t('day_date', d=day.day, m=month)
    return t('day_date_year', d=day.day, m=month, y=day.year)
