"""Times shown in the viewer's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
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
