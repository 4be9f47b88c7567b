"""Queries on a room's members: the list, leaving, when someone was last seen."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select, update

from models import Membership, User


def of_room(session: Session, room_id: int, limit: int) -> list[tuple[User, Membership]]:
    """The room's members, most recently seen first (never-seen last), at most `limit`."""
    query = (
        select(User, Membership)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.room_id == room_id)
        .order_by(col(Membership.last_seen_at).desc().nulls_last(), col(User.display_name))
        .limit(limit)
    )
    return list(session.exec(query))


def remove(session: Session, user_id: int, room_id: int) -> bool:
    statement = delete(Membership).where(col(Membership.user_id) == user_id, col(Membership.room_id) == room_id)
    removed = session.exec(statement).rowcount  # type: ignore[call-overload]
    session.commit()
    return bool(removed)


def seen(session: Session, user_id: int, room_id: int, at: datetime) -> None:
    """The member left the room just now (their last tab of it closed)."""
    statement = (
        update(Membership)
        .where(col(Membership.user_id) == user_id, col(Membership.room_id) == room_id)
        .values(last_seen_at=at)
    )
    session.exec(statement)  # type: ignore[call-overload]
    session.commit()
