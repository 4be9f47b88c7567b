"""Queries on the public history. Every read is one indexed range scan on (room_id, id)."""

from __future__ import annotations

from sqlmodel import Session, col, select

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
