"""Queries on users."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, or_, select

from models import User


def by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def by_username(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username_key == username.lower())).first()


def claiming(session: Session, skeletons: Iterable[str], other_than: int | None = None) -> User | None:
    """A user (but `other_than`) whose username or display name has one of these confusable skeletons."""
    keys = list(set(skeletons))
    query = select(User).where(or_(col(User.username_skeleton).in_(keys), col(User.display_skeleton).in_(keys)))
    if other_than is not None:
        query = query.where(col(User.id) != other_than)
    return session.exec(query).first()


def by_ids(session: Session, user_ids: Iterable[int]) -> list[User]:
    ids = list(set(user_ids))
    if not ids:
        return []
    return list(session.exec(select(User).where(User.id.in_(ids))))  # type: ignore[union-attr]


def add(session: Session, user: User) -> User:
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def save(session: Session, user: User) -> User:
    session.add(user)
    session.commit()
    return user
