"""Who may read which room: the one rule every reader of history goes through (room pages, search, files).

A public room is readable by every signed-in user; a private one only by its members (and its owner). Admins are not
members by right: they manage a private room (settings, deletion) without reading it."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models import Membership, Room


def readable_room_ids(user_id: int) -> SelectOfScalar[int]:
    """The ids of the rooms the user may read, as a subquery to filter by (`Message.room_id.in_(...)`)."""
    member_of = select(col(Membership.room_id)).where(col(Membership.user_id) == user_id)
    return select(col(Room.id)).where(
        or_(col(Room.is_private).is_(False), col(Room.owner_id) == user_id, col(Room.id).in_(member_of))
    )


def may_read(session: Session, user_id: int, room_id: int) -> bool:
    """Whether the user may read the room's history and files (False for a room that does not exist)."""
    room = session.get(Room, room_id)
    if room is None:
        return False
    return room_readable(session, room, user_id)


def room_readable(session: Session, room: Room, user_id: int) -> bool:
    """`may_read` for a room already loaded."""
    if not room.is_private or room.owner_id == user_id:
        return True
    return session.get(Membership, (user_id, room.id)) is not None
