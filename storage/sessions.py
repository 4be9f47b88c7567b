"""Queries on login sessions (only token hashes are stored)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, delete, select

from models import LoginSession


def add(session: Session, login: LoginSession) -> None:
    session.add(login)
    session.commit()


def get(session: Session, token_hash: str) -> LoginSession | None:
    return session.get(LoginSession, token_hash)


def live(session: Session, token_hashes: list[str], now: datetime) -> set[str]:
    """Which of these sessions still hold (not signed out, not ended, not expired): one query by primary key."""
    if not token_hashes:
        return set()
    rows = session.exec(
        select(LoginSession.token_hash, LoginSession.expires_at).where(col(LoginSession.token_hash).in_(token_hashes))
    )
    return {token for token, expires in rows if (expires if expires.tzinfo else expires.replace(tzinfo=UTC)) > now}


def remove(session: Session, token_hash: str) -> None:
    session.exec(delete(LoginSession).where(col(LoginSession.token_hash) == token_hash))  # type: ignore[call-overload]
    session.commit()


def remove_others(session: Session, user_id: int, keep: str | None) -> None:
    """Ends every session of the user but `keep` (after a password change); does not commit."""
    query = delete(LoginSession).where(col(LoginSession.user_id) == user_id)
    if keep:
        query = query.where(col(LoginSession.token_hash) != keep)
    session.exec(query)  # type: ignore[call-overload]


def remove_expired(session: Session, now: datetime) -> None:
    session.exec(delete(LoginSession).where(col(LoginSession.expires_at) < now))  # type: ignore[call-overload]
    session.commit()
