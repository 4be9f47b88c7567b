"""Queries on the public history. Every read is one indexed range scan on (room_id, id); a page's reactions and the
messages its replies quote are one indexed look-up each, by the page's message ids."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models import Message, Reaction, User
from storage import activity

NAMES_SHOWN = 10  # names a reaction's hint lists ("Ann, Bob and 3 more")


def add(session: Session, message: Message) -> Message:
    session.add(message)
    activity.count_post(session, message)  # the dashboard's daily counts, in the same transaction
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
) -> list[tuple[int, str, str, str, datetime, datetime | None, datetime | None]]:
    """The oldest `limit` messages with after_id < id <= up_to_id, oldest first: (id, username, display name, body,
    created_at, edited_at, deleted_at). Only these columns: an export reads millions of rows and needs no ORM
    objects."""
    query = (
        select(
            Message.id,
            User.username,
            User.display_name,
            Message.body,
            Message.created_at,
            Message.edited_at,
            Message.deleted_at,
        )
        .join(User, col(User.id) == col(Message.author_id))
        .where(Message.room_id == room_id, col(Message.id) > after_id, col(Message.id) <= up_to_id)
        .order_by(col(Message.id))
        .limit(limit)
    )
    return list(session.exec(query))  # type: ignore[arg-type]


def newer(session: Session, room_id: int, after_id: int, limit: int) -> list[tuple[Message, User]]:
    """The oldest `limit` messages newer than `after_id`, oldest first (a permalink's page reaches both ways)."""
    query = (
        select(Message, User)
        .join(User, col(User.id) == col(Message.author_id))
        .where(Message.room_id == room_id, col(Message.id) > after_id)
        .order_by(col(Message.id))
        .limit(limit)
    )
    return list(session.exec(query))  # type: ignore[arg-type]


def by_id(session: Session, message_id: int) -> Message | None:
    return session.get(Message, message_id)


def quoted(session: Session, message_ids: set[int]) -> dict[int, tuple[Message, str]]:
    """The messages that replies quote, with their authors' display names."""
    if not message_ids:
        return {}
    query = (
        select(Message, User.display_name)
        .join(User, col(User.id) == col(Message.author_id))
        .where(col(Message.id).in_(message_ids))
    )
    return {m.id: (m, name) for m, name in session.exec(query)}  # type: ignore[misc]


def edit(session: Session, message_id: int, body: str, edited_at: datetime) -> bool:
    """One conditional UPDATE: false when the message was deleted meanwhile."""
    statement = (
        update(Message)
        .where(col(Message.id) == message_id, col(Message.deleted_at).is_(None))
        .values(body=body, edited_at=edited_at)
    )
    done = session.execute(statement).rowcount  # type: ignore[attr-defined]
    session.commit()
    return bool(done)


def mark_deleted(session: Session, message_id: int, deleted_at: datetime) -> bool:
    """The text goes, the place stays; its reactions go with the text. False when it was deleted already."""
    statement = (
        update(Message)
        .where(col(Message.id) == message_id, col(Message.deleted_at).is_(None))
        .values(body='', deleted_at=deleted_at)
    )
    done = session.execute(statement).rowcount  # type: ignore[attr-defined]
    session.execute(delete(Reaction).where(col(Reaction.message_id) == message_id))
    session.commit()
    return bool(done)


def add_reaction(session: Session, message_id: int, user_id: int, emoji: str, max_distinct: int) -> bool:
    """INSERT, never read-then-write: a duplicate (a double click, another tab) is already there. False when the
    message would carry more than `max_distinct` different emoji (nothing is added then)."""
    session.add(Reaction(message_id=message_id, user_id=user_id, emoji=emoji))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return True
    distinct = session.exec(
        select(func.count(func.distinct(Reaction.emoji))).where(col(Reaction.message_id) == message_id)
    ).one()
    if distinct > max_distinct:
        session.rollback()
        return False
    session.commit()
    return True


def remove_reaction(session: Session, message_id: int, user_id: int, emoji: str) -> None:
    statement = delete(Reaction).where(
        col(Reaction.message_id) == message_id, col(Reaction.user_id) == user_id, col(Reaction.emoji) == emoji
    )
    session.execute(statement)
    session.commit()


def reactions(session: Session, message_ids: list[int]) -> dict[int, list[tuple[str, int, str]]]:
    """(emoji, user id, display name) per message, oldest reaction first (the order emoji appear under a bubble)."""
    if not message_ids:
        return {}
    query = (
        select(Reaction.message_id, Reaction.emoji, Reaction.user_id, User.display_name)
        .join(User, col(User.id) == col(Reaction.user_id))
        .where(col(Reaction.message_id).in_(message_ids))
        .order_by(col(Reaction.id))
    )
    found: dict[int, list[tuple[str, int, str]]] = {}
    for message_id, emoji, user_id, name in session.exec(query):
        found.setdefault(message_id, []).append((emoji, user_id, name))
    return found
