"""Queries on room roles, mutes, bans and the moderation log (chat/moderation.py decides who may do what)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, select

from models import Membership, ModerationAction, Room, RoomRestriction, User

MODERATOR = 'moderator'
MEMBER = 'member'
MUTE = 'mute'
BAN = 'ban'


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def membership(session: Session, user_id: int, room_id: int) -> Membership | None:
    return session.get(Membership, (user_id, room_id))


def is_moderator(session: Session, user_id: int, room_id: int) -> bool:
    member = membership(session, user_id, room_id)
    return member is not None and member.role == MODERATOR


def set_role(session: Session, user_id: int, room_id: int, role: str) -> bool:
    """False when the user is not a member of the room."""
    member = membership(session, user_id, room_id)
    if member is None:
        return False
    member.role = role
    session.add(member)
    return True


def remove_membership(session: Session, user_id: int, room_id: int) -> None:
    """Kicked or banned: the room leaves the user's list, and their role goes with it."""
    session.exec(  # type: ignore[call-overload]
        delete(Membership).where(col(Membership.user_id) == user_id, col(Membership.room_id) == room_id)
    )


def restriction(session: Session, user_id: int, room_id: int, kind: str) -> RoomRestriction | None:
    """The user's mute or ban in the room while it lasts (an expired one is None)."""
    found = session.get(RoomRestriction, (room_id, user_id, kind))
    if found is None or (found.until is not None and _aware(found.until) <= datetime.now(UTC)):
        return None
    return found


def is_banned(session: Session, user_id: int, room_id: int) -> bool:
    """Whether the user may not join the room: the check every way into a room calls (entering, invitations)."""
    return restriction(session, user_id, room_id, BAN) is not None


def restrict(
    session: Session, user_id: int, room_id: int, kind: str, until: datetime | None, reason: str | None
) -> None:
    """Sets (or replaces) the user's mute or ban."""
    found = session.get(RoomRestriction, (room_id, user_id, kind))
    if found is None:
        found = RoomRestriction(room_id=room_id, user_id=user_id, kind=kind)
    found.until, found.reason, found.created_at = until, reason, datetime.now(UTC)
    session.add(found)


def lift(session: Session, user_id: int, room_id: int, kind: str) -> bool:
    """False when there was nothing in force to lift."""
    active = restriction(session, user_id, room_id, kind) is not None
    session.exec(  # type: ignore[call-overload]
        delete(RoomRestriction).where(
            col(RoomRestriction.room_id) == room_id,
            col(RoomRestriction.user_id) == user_id,
            col(RoomRestriction.kind) == kind,
        )
    )
    return active


def restrictions(session: Session, room_id: int) -> list[tuple[RoomRestriction, User]]:
    """The mutes and bans in force in the room, newest first, with whom they restrict."""
    query = (
        select(RoomRestriction, User)
        .join(User, col(User.id) == col(RoomRestriction.user_id))
        .where(RoomRestriction.room_id == room_id)
        .order_by(col(RoomRestriction.created_at).desc())
    )
    now = datetime.now(UTC)
    return [(r, u) for r, u in session.exec(query) if r.until is None or _aware(r.until) > now]


def moderators(session: Session, room_id: int) -> list[int]:
    query = select(Membership.user_id).where(Membership.room_id == room_id, Membership.role == MODERATOR)
    return list(session.exec(query))


def record(session: Session, entry: ModerationAction) -> ModerationAction:
    session.add(entry)
    return entry


# (entry, room name, actor's display name, target's display name): a name is None once that account is gone
LogRow = tuple[ModerationAction, str, str | None, str | None]


def log(session: Session, room_id: int | None, before_id: int | None, limit: int) -> list[LogRow]:
    """Newest first, one page; all rooms when `room_id` is None."""
    actor, target = aliased(User), aliased(User)
    query = (
        select(ModerationAction, Room.name, actor.display_name, target.display_name)
        .join(Room, col(Room.id) == col(ModerationAction.room_id))
        .outerjoin(actor, col(actor.id) == col(ModerationAction.actor_id))
        .outerjoin(target, col(target.id) == col(ModerationAction.target_id))
    )
    if room_id is not None:
        query = query.where(ModerationAction.room_id == room_id)
    if before_id is not None:
        query = query.where(col(ModerationAction.id) < before_id)
    return list(session.exec(query.order_by(col(ModerationAction.id).desc()).limit(limit)))  # type: ignore[arg-type]
