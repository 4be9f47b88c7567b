"""Queries behind the admin page: people and rooms by name a page at a time, admins counted, a user's account
emptied (deletion keeps a nameless stand-in row, as messages need an author)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from models import LoginSession, Membership, Message, PasswordReset, Reaction, Room, User


def _like(query: str) -> str:
    escaped = query.strip().lower().replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')
    return f'%{escaped}%'


def users_page(session: Session, query: str, offset: int, limit: int) -> tuple[list[User], int]:
    """Living accounts whose username or display name holds `query` (any case), by username; and how many match."""
    where = [col(User.deleted_at).is_(None)]
    if query.strip():
        pattern = _like(query)
        where.append(
            or_(
                col(User.username_key).like(pattern, escape='\\'),
                func.lower(col(User.display_name)).like(pattern, escape='\\'),
            )
        )
    total = session.exec(select(func.count()).select_from(User).where(*where)).one()
    rows = session.exec(select(User).where(*where).order_by(col(User.username_key)).offset(offset).limit(limit))
    return list(rows), int(total)


def rooms_page(session: Session, query: str, offset: int, limit: int) -> tuple[list[tuple[Room, str | None]], int]:
    """Rooms whose name holds `query`, by name, with their owner's username (None: no owner); and how many match."""
    where = [col(Room.name_key).like(_like(query.casefold()), escape='\\')] if query.strip() else []
    total = session.exec(select(func.count()).select_from(Room).where(*where)).one()
    rows = session.exec(
        select(Room, User.username)
        .join(User, col(User.id) == col(Room.owner_id), isouter=True)
        .where(*where)
        .order_by(col(Room.name_key))
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total)  # type: ignore[arg-type]


def admin_count(session: Session) -> int:
    """Admins who can still act: enabled and not deleted."""
    query = select(func.count()).select_from(User).where(col(User.is_admin).is_(True), col(User.disabled).is_(False))
    return int(session.exec(query.where(col(User.deleted_at).is_(None))).one())


def end_sessions(session: Session, user_id: int) -> None:
    """Every login session of the user; does not commit."""
    session.exec(delete(LoginSession).where(col(LoginSession.user_id) == user_id))  # type: ignore[call-overload]


def empty_account(session: Session, user: User, delete_messages: bool, now: datetime) -> None:
    """What goes with an account: sessions, reset links, reactions, memberships, ownership of rooms and, when asked,
    the text of its messages (they keep their place as "message deleted"). Does not commit."""
    assert user.id is not None
    end_sessions(session, user.id)
    for table, column in (
        (PasswordReset, PasswordReset.user_id),
        (Reaction, Reaction.user_id),
        (Membership, Membership.user_id),
    ):
        session.exec(delete(table).where(col(column) == user.id))  # type: ignore[call-overload]
    session.exec(update(Room).where(col(Room.owner_id) == user.id).values(owner_id=None))  # type: ignore[call-overload]
    if delete_messages:
        session.exec(
            update(Message)  # type: ignore[call-overload]
            .where(col(Message.author_id) == user.id, col(Message.deleted_at).is_(None))
            .values(body='', deleted_at=now, edited_at=None)
        )


def my_messages(
    session: Session, user_id: int, after_id: int, limit: int
) -> list[tuple[int, str, str | None, str, datetime, datetime | None]]:
    """The user's messages (not deleted) after `after_id`, oldest first: (id, room name, the room's direct key or
    None, body, created_at, edited_at); one range scan of the (author_id, id) index per page."""
    query = (
        select(Message.id, Room.name, Room.direct_key, Message.body, Message.created_at, Message.edited_at)
        .join(Room, col(Room.id) == col(Message.room_id))
        .where(col(Message.author_id) == user_id, col(Message.id) > after_id, col(Message.deleted_at).is_(None))
        .order_by(col(Message.id))
        .limit(limit)
    )
    return list(session.exec(query))  # type: ignore[arg-type]


def avatar_used(session: Session, avatar: str) -> bool:
    """Whether any account shows this avatar file."""
    return session.exec(select(User.id).where(col(User.avatar) == avatar).limit(1)).first() is not None
