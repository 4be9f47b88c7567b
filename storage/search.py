"""The full-text query: SQLite's FTS5 table `message_fts`, or PostgreSQL's `message.search` tsvector (both made by
migration 0007). The match expression comes from chat/search.py, built from words that are letters and digits only;
it is always a bound parameter here."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import column, table, text
from sqlmodel import Session, col, or_, select

from models import Message, Room, User
from storage import access

_FTS = table('message_fts', column('rowid'))


class Found(NamedTuple):
    message_id: int
    room_id: int
    room_name: str
    username: str
    display_name: str
    body: str
    created_at: datetime


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == 'postgresql'


def find(
    session: Session,
    user_id: int,
    match: str,
    *,
    room_key: str | None = None,
    room_ids: list[int] | None = None,
    author_key: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 20,
) -> list[Found]:
    """Messages matching `match` in the rooms the user may read, newest first, older than `before_id` (the next
    page). Filters: the room's case-folded name (or one of `room_ids`: the direct conversations shown under that
    name), the author's lower-cased username, created at or after `since` and
    before `until` (UTC). Walks the index newest first and stops after `limit` rows."""
    columns = (
        col(Message.id),
        col(Message.room_id),
        col(Room.name),
        col(User.username),
        col(User.display_name),
        col(Message.body),
        col(Message.created_at),
    )
    if is_postgres(session):
        query = select(*columns).select_from(Message)
        query = query.where(text("message.search @@ to_tsquery('simple', :match)").bindparams(match=match))
        order = col(Message.id).desc()
        if before_id is not None:
            query = query.where(col(Message.id) < before_id)
    else:
        query = select(*columns).select_from(_FTS).join(Message, col(Message.id) == _FTS.c.rowid)
        query = query.where(text('message_fts MATCH :match').bindparams(match=match))
        order = _FTS.c.rowid.desc()
        if before_id is not None:
            query = query.where(_FTS.c.rowid < before_id)  # a rowid bound the FTS5 table applies itself
    query = (
        query.join(Room, col(Room.id) == col(Message.room_id))
        .join(User, col(User.id) == col(Message.author_id))
        .where(col(Message.room_id).in_(access.readable_room_ids(user_id)), col(Message.deleted_at).is_(None))
    )
    if room_key is not None:
        named = col(Room.name_key) == room_key
        query = query.where(or_(named, col(Room.id).in_(room_ids)) if room_ids else named)
    if author_key is not None:
        query = query.where(col(User.username_key) == author_key)
    if since is not None:
        query = query.where(col(Message.created_at) >= since)
    if until is not None:
        query = query.where(col(Message.created_at) < until)
    rows = session.exec(query.order_by(order).limit(limit))  # type: ignore[call-overload]
    return [Found(*row) for row in rows]
