"""Queries on what each member has read: the rooms a user has joined with their read marks, and what is newer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, text, update
from sqlmodel import Session, col, select

from models import Membership, Message, Room

# Per joined room, in one statement: the read mark (`after`), the `bound` of what is counted (the id of the cap-th
# unread message of others when there are that many, else the room's newest), how many unread messages of others lie
# up to it, and whether one of them holds an `@` (may mention someone: checked exactly in Python, chat/unread.py).
# Each subquery is a range of the (room_id, id) index of at most the cap's worth of rows (plus the user's own).
_SUMMARY = text("""
WITH marks AS (
    SELECT mb.room_id AS room_id, COALESCE(mb.last_read_message_id, 0) AS after
    FROM membership mb WHERE mb.user_id = :user
), bounds AS (
    SELECT room_id, after, COALESCE(
        (SELECT m.id FROM message m WHERE m.room_id = marks.room_id AND m.id > marks.after
            AND m.author_id <> :user AND m.deleted_at IS NULL ORDER BY m.id LIMIT 1 OFFSET :skip),
        (SELECT max(m.id) FROM message m WHERE m.room_id = marks.room_id),
        0) AS bound
    FROM marks
)
SELECT room_id, after, bound,
    (SELECT count(*) FROM message m WHERE m.room_id = bounds.room_id AND m.id > bounds.after
        AND m.id <= bounds.bound AND m.author_id <> :user AND m.deleted_at IS NULL) AS unread,
    CASE WHEN EXISTS (SELECT 1 FROM message m WHERE m.room_id = bounds.room_id AND m.id > bounds.after
        AND m.id <= bounds.bound AND m.author_id <> :user AND m.deleted_at IS NULL AND m.body LIKE :at_sign)
        THEN 1 ELSE 0 END AS maybe_mentioned
FROM bounds
""")


@dataclass(frozen=True, slots=True)
class Unread:
    room: Room
    after: int  # the read mark
    bound: int  # counted up to here
    unread: int  # others' messages after the mark, up to the cap
    maybe_mentioned: bool  # one of them holds an `@`


def unread_in_joined_rooms(session: Session, user_id: int, cap: int) -> list[Unread]:
    """What is unread in each room the user has joined, in the rooms' name order."""
    rows = session.connection().execute(_SUMMARY, {'user': user_id, 'skip': cap - 1, 'at_sign': '%@%'}).all()
    rooms = {room.id: room for room in session.exec(select(Room).where(col(Room.id).in_([r[0] for r in rows])))}
    found = [Unread(rooms[r[0]], r[1], r[2], r[3], bool(r[4])) for r in rows if r[0] in rooms]
    return sorted(found, key=lambda unread: unread.room.name_key)


def unread_after(session: Session, room_id: int, user_id: int, after: int, cap: int) -> tuple[int, int, bool]:
    """(bound, unread, maybe mentioned) of one room from a given read mark (one not stored yet)."""
    others = (
        select(Message.id, Message.body)
        .where(
            Message.room_id == room_id,
            col(Message.id) > after,
            Message.author_id != user_id,
            col(Message.deleted_at).is_(None),
        )
        .order_by(col(Message.id))
        .limit(cap)
    )
    rows = list(session.exec(others))  # type: ignore[call-overload]
    bound = rows[-1][0] if len(rows) >= cap else newest_message_id(session, room_id)
    return bound, len(rows), any('@' in body for _, body in rows)


def mention_candidates(session: Session, room_id: int, user_id: int, after: int, bound: int) -> list[str]:
    """The unread bodies of others in (after, bound] that hold an `@`."""
    statement = select(Message.body).where(
        Message.room_id == room_id,
        col(Message.id) > after,
        col(Message.id) <= bound,
        Message.author_id != user_id,
        col(Message.deleted_at).is_(None),
        col(Message.body).contains('@'),
    )
    return list(session.exec(statement))  # type: ignore[call-overload]


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
