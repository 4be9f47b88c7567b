"""Queries on rooms and memberships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from models import Membership, Message, Room, User
from models.tables import utcnow


def by_id(session: Session, room_id: int) -> Room | None:
    return session.get(Room, room_id)


def by_name(session: Session, name: str) -> Room | None:
    return session.exec(select(Room).where(Room.name_key == name.casefold())).first()


def by_direct_key(session: Session, key: str) -> Room | None:
    return session.exec(select(Room).where(Room.direct_key == key)).first()


def direct_with_partners(session: Session, user_id: int) -> list[tuple[int, str, str]]:
    """The direct conversations the user is one of the two of, by their `direct_key` ('<low>:<high>'), each with
    the other person's username and display name: (room id, username, display name)."""
    low, high = f'{user_id}:', f':{user_id}'
    rooms = select(col(Room.id), col(Room.direct_key)).where(
        or_(col(Room.direct_key).startswith(low, autoescape=True), col(Room.direct_key).endswith(high, autoescape=True))
    )
    found = list(session.exec(rooms))
    partners: dict[int, int] = {}
    for room_id, key in found:
        first, second = (int(part) for part in key.split(':'))  # type: ignore[union-attr]
        partners[room_id] = second if first == user_id else first
    if not partners:
        return []
    names = {
        user_id: (username, display_name)
        for user_id, username, display_name in session.exec(
            select(col(User.id), col(User.username), col(User.display_name)).where(
                col(User.id).in_(set(partners.values()))
            )
        )
    }
    return [(room_id, *names[other]) for room_id, other in partners.items() if other in names]


def all_rooms(session: Session) -> list[Room]:
    return list(session.exec(select(Room).order_by(col(Room.name_key))))


# (room, newest message id, its author's display name, its body's first characters, deleted, created_at): the
# message fields are None for a room without messages
DirectoryRow = tuple[Room, int | None, str | None, str | None, bool, datetime | None]


def directory(session: Session, body_chars: int, readable: SelectOfScalar[int] | None = None) -> list[DirectoryRow]:
    """Every room with its newest message, in one query. The newest id per room is a correlated
    `ORDER BY id DESC LIMIT 1` on the (room_id, id) index: one index probe per room, however many messages there are
    (never a scan of the message table); that message and its author are then joined by primary key. `readable`:
    the ids of the rooms to list (storage/access.py), all of them when None."""
    newest = aliased(Message)
    last_id = (
        select(newest.id)
        .where(col(newest.room_id) == col(Room.id))
        .order_by(col(newest.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    rooms = select(col(Room.id).label('room_id'), last_id.label('message_id'))
    if readable is not None:
        rooms = rooms.where(col(Room.id).in_(readable))
    latest = rooms.subquery()
    query = (
        select(
            Room,
            Message.id,
            User.display_name,
            func.substr(Message.body, 1, body_chars),
            col(Message.deleted_at).is_not(None),
            Message.created_at,
        )
        .join(latest, latest.c.room_id == col(Room.id))
        .outerjoin(Message, col(Message.id) == latest.c.message_id)
        .outerjoin(User, col(User.id) == col(Message.author_id))
    )
    return [(room, mid, name, body, bool(deleted), at) for room, mid, name, body, deleted, at in session.exec(query)]


def owned_by(session: Session, user_id: int) -> list[Room]:
    return list(session.exec(select(Room).where(Room.owner_id == user_id).order_by(col(Room.name_key))))


def add(session: Session, room: Room) -> Room:
    session.add(room)
    session.commit()
    session.refresh(room)
    return room


def remove(session: Session, room: Room) -> None:
    """Deletes the room with its messages and memberships in one transaction."""
    session.exec(delete(Message).where(col(Message.room_id) == room.id))  # type: ignore[call-overload]
    session.exec(delete(Membership).where(col(Membership.room_id) == room.id))  # type: ignore[call-overload]
    session.delete(room)
    session.commit()


def touch_membership(session: Session, user_id: int, room_id: int) -> bool:
    """Records that the user has been in the room (one upsert, no read); True when they had not been before. A new
    member has read what came before."""
    newest = select(func.max(Message.id)).where(Message.room_id == room_id).scalar_subquery()
    values = {'user_id': user_id, 'room_id': room_id, 'joined_at': utcnow(), 'last_read_message_id': newest}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == 'postgresql' else sqlite_insert
    # RETURNING, not the row count: psycopg reports -1 for an INSERT ... ON CONFLICT
    statement = insert(Membership).values(**values).on_conflict_do_nothing().returning(col(Membership.user_id))
    inserted = session.connection().execute(statement).all()
    session.commit()
    return bool(inserted)
