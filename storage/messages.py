"""Queries on the public history. Every read is one indexed range scan on (room_id, id)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from models import Message, User


def add(session: Session, message: Message) -> Message:
    session.add(message)
    session.commit()
    return message


def page(session: Session, room_id: int, before_id: int | None, limit: int) -> list[tuple[Message, User]]:
    """The newest `limit` messages older than `before_id`, oldest first."""
    query = select(Message, User).join(User, col(User.id) == col(Message.author_id)).where(Message.room_id == room_id)
    if before_id is not None:
        query = query.where(col(Message.id) < before_id)
    rows = list(session.exec(query.order_by(col(Message.id).desc()).limit(limit)))
    rows.reverse()
    return rows  # type: ignore[return-value]


def bounds(session: Session, room_id: int) -> tuple[int, int]:
    """How many messages the room has and its newest id (0 when empty): what an export of it will cover."""
    query = select(func.count(), func.coalesce(func.max(Message.id), 0)).where(Message.room_id == room_id)
    count, newest = session.exec(query).one()
    return int(count), int(newest)


def after(
    session: Session, room_id: int, after_id: int, up_to_id: int, limit: int
) -> list[tuple[int, str, str, str, datetime]]:
    """The oldest `limit` messages with after_id < id <= up_to_id, oldest first: (id, username, display name, body,
    created_at). Only these columns: an export reads millions of rows and needs no ORM objects."""
    query = (
        select(Message.id, User.username, User.display_name, Message.body, Message.created_at)
        .join(User, col(User.id) == col(Message.author_id))
        .where(Message.room_id == room_id, col(Message.id) > after_id, col(Message.id) <= up_to_id)
        .order_by(col(Message.id))
        .limit(limit)
    )
    return list(session.exec(query))  # type: ignore[arg-type]
