"""Queries on what each member has read: the rooms a user has joined with their read marks, and what is newer."""

from __future__ import annotations

from sqlalchemy import bindparam, case, func, or_, update
from sqlmodel import Session, col, select

from models import Membership, Message, Room


def joined_rooms(session: Session, user_id: int) -> list[tuple[Room, int | None]]:
    """The rooms the user has joined (in name order) with the newest message they have read there."""
    statement = (
        select(Room, Membership.last_read_message_id)
        .join(Membership, col(Membership.room_id) == col(Room.id))
        .where(Membership.user_id == user_id)
        .order_by(col(Room.name_key))
    )
    return list(session.exec(statement))  # type: ignore[arg-type]


def newer_messages(session: Session, room_id: int, after: int, limit: int) -> list[tuple[int, int, str]]:
    """(id, author, body) of up to `limit` messages after `after`, not deleted: one range of the (room, id) index.
    Only bodies that may mention someone (holding an `@`) come back; the others as ''."""
    statement = (
        select(Message.id, Message.author_id, case((col(Message.body).contains('@'), Message.body), else_=''))
        .where(Message.room_id == room_id, col(Message.id) > after, col(Message.deleted_at).is_(None))
        .order_by(col(Message.id))
        .limit(limit)
    )
    return list(session.exec(statement))  # type: ignore[arg-type]


def newest_message_id(session: Session, room_id: int) -> int:
    statement = select(func.max(Message.id)).where(Message.room_id == room_id)
    return session.exec(statement).one() or 0  # type: ignore[call-overload]


_raise_mark = (
    update(Membership)
    .where(
        col(Membership.user_id) == bindparam('u'),
        col(Membership.room_id) == bindparam('r'),
        or_(col(Membership.last_read_message_id).is_(None), col(Membership.last_read_message_id) < bindparam('m')),
    )
    .values(last_read_message_id=bindparam('m'))
)


def raise_marks(session: Session, marks: list[tuple[int, int, int]]) -> None:
    """Moves read marks (user, room, message) forward in one transaction; a mark never moves back."""
    if marks:
        session.connection().execute(_raise_mark, [{'u': u, 'r': r, 'm': m} for u, r, m in marks])
        session.commit()


def mark_all_read(session: Session, user_id: int) -> list[tuple[int, int]]:
    """Every room of the user read up to its newest message; returns (room, message) for the rooms that have any.
    One max per room (the index's last entry), not one grouped scan of every message."""
    rooms = session.exec(
        select(Membership.room_id).where(Membership.user_id == user_id).order_by(col(Membership.room_id))
    )
    marks = [(room_id, newest) for room_id in rooms if (newest := newest_message_id(session, room_id))]
    raise_marks(session, [(user_id, room_id, message_id) for room_id, message_id in marks])
    return marks
