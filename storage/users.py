"""Queries on users."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from models import User


def by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def by_username(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username_key == username.lower())).first()


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
