"""Queries on invite links and on adding members."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select, update

from models import Invite


def by_hash(session: Session, token_hash: str) -> Invite | None:
    return session.exec(select(Invite).where(Invite.token_hash == token_hash)).first()


def of_room(session: Session, room_id: int, now: datetime) -> list[Invite]:
    """The room's links still usable (neither revoked nor expired; used-up ones are shown until they expire)."""
    query = (
        select(Invite)
        .where(Invite.room_id == room_id, col(Invite.revoked_at).is_(None), col(Invite.expires_at) > now)
        .order_by(col(Invite.id).desc())
    )
    return list(session.exec(query))


def use(session: Session, invite_id: int) -> bool:
    """Counts one use, in one statement that checks the limit: two people taking the last use at once cannot both
    get it. False when the limit was reached meanwhile."""
    statement = (
        update(Invite)
        .where(col(Invite.id) == invite_id)
        .where((col(Invite.max_uses).is_(None)) | (col(Invite.uses) < col(Invite.max_uses)))
        .values(uses=col(Invite.uses) + 1)
    )
    return session.connection().execute(statement).rowcount == 1
