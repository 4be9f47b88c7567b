"""Roles and moderation in rooms: moderators, mutes, kicks, bans, and the log of every action.

Roles: the room's owner (`Room.owner_id`), moderators (appointed and dismissed by the owner), members; admins may do
everything everywhere. Owner, moderators and admins may delete any message of the room (chat/messages.py), mute a
member for a while (a muted person reads, but cannot post, edit, or react), kick (the membership goes and their open
pages leave the room; a public room may be joined again) and ban (kicked, and refused at every way back in: entering
the room, invitations through `check_may_join`). Nobody acts on the owner or on themselves; moderators do not act
on other moderators (only the owner and admins do), and only admins act on admins. Every action takes an optional
reason, is logged (`moderation_action`, visible to the room's owner and admins) and is told live to the person
affected, on their user topic, so each of their pages says it in their language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from chat.accounts import check_actor, to_view
from chat.errors import InvalidInput, NotFound, PermissionDenied
from chat.events import ModerationNotice
from chat.hub import Hub, user_topic
from chat.views import UserView
from models import ModerationAction, Room, RoomRestriction, User
from storage import moderation as queries
from storage.db import Database

REASON_LENGTH = 200  # characters of a reason, as the log keeps it
LOG_PAGE = 50  # entries per page of the log (at most 200 when asked)
# the mute durations offered (None: until lifted), in the order a menu lists them
MUTE_DURATIONS: dict[str, timedelta | None] = {
    '10m': timedelta(minutes=10),
    '1h': timedelta(hours=1),
    '1d': timedelta(days=1),
    'forever': None,
}
ADMIN, OWNER, MODERATOR, MEMBER = 'admin', 'owner', queries.MODERATOR, queries.MEMBER
MODERATING = frozenset({ADMIN, OWNER, MODERATOR})
# actions on a person; appointing and dismissing moderators is the owner's (and admins')
APPOINT, DISMISS, MUTE, UNMUTE, KICK, BAN, UNBAN = 'appoint', 'dismiss', 'mute', 'unmute', 'kick', 'ban', 'unban'
ACTIONS = (APPOINT, DISMISS, MUTE, UNMUTE, KICK, BAN, UNBAN)


@dataclass(frozen=True, slots=True)
class Standing:
    """What one person is in one room: what the room page offers them, and whether their composer is muted."""

    room_id: int
    user_id: int
    role: str  # admin, owner, moderator or member
    muted: bool = False
    muted_until: datetime | None = None  # None with `muted`: until lifted
    mute_reason: str | None = None
    banned: bool = False

    @property
    def may_moderate(self) -> bool:
        return self.role in MODERATING

    @property
    def may_appoint(self) -> bool:
        return self.role in (ADMIN, OWNER)

    def may_act_on(self, target: Standing) -> bool:
        """What the service allows (but for an admin who owns the room), for a menu to leave out what would surely
        be refused."""
        if not self.may_moderate or target.user_id == self.user_id or target.role == OWNER:
            return False
        if target.role == ADMIN:
            return self.role == ADMIN
        return target.role != MODERATOR or self.may_appoint


@dataclass(frozen=True, slots=True)
class Restriction:
    """A mute or ban in force, as the room's moderators see it."""

    user: UserView
    kind: str  # 'mute' or 'ban'
    until: datetime | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ModerationEntry:
    """One line of the moderation log (a name is None once that account is gone)."""

    id: int
    room_id: int
    room_name: str
    actor_name: str | None
    target_name: str | None
    action: str
    reason: str | None
    until: datetime | None
    at: datetime


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_reason(reason: str | None) -> str | None:
    """One line (line breaks and runs of spaces become one space), without control characters, at most
    `REASON_LENGTH` characters; empty is no reason."""
    if reason is None:
        return None
    text = ' '.join(reason.split())
    if any(unicodedata.category(char) in ('Cc', 'Cf', 'Cs', 'Co') for char in text):
        raise InvalidInput('moderation_reason_invalid')
    if len(text) > REASON_LENGTH:
        raise InvalidInput('moderation_reason_too_long', max=REASON_LENGTH)
    return text or None


def role_in(session: Session, user: User, room: Room) -> str:
    if user.is_admin:
        return ADMIN
    if room.owner_id == user.id:
        return OWNER
    assert user.id is not None and room.id is not None
    return MODERATOR if queries.is_moderator(session, user.id, room.id) else MEMBER


def _standing(session: Session, user: User, room: Room) -> Standing:
    assert user.id is not None and room.id is not None
    mute = queries.restriction(session, user.id, room.id, queries.MUTE)
    return Standing(
        room.id,
        user.id,
        role_in(session, user, room),
        mute is not None,
        _aware(mute.until) if mute is not None else None,
        mute.reason if mute is not None else None,
        queries.is_banned(session, user.id, room.id),
    )


def mute_error(mute: RoomRestriction) -> PermissionDenied:
    """Why a muted person's post is refused, saying until when (the page shows the time in their zone)."""
    if mute.until is None:
        if mute.reason:
            return PermissionDenied('muted_forever_reason', reason=mute.reason)
        return PermissionDenied('muted_forever')
    if mute.reason:
        return PermissionDenied('muted_until_reason', until=_aware(mute.until), reason=mute.reason)
    return PermissionDenied('muted_until', until=_aware(mute.until))


def ensure_may_post(session: Session, user_id: int, room_id: int) -> None:
    """In the transaction of a post, an edit or a reaction: a muted or banned person is refused."""
    mute = queries.restriction(session, user_id, room_id, queries.MUTE)
    if mute is not None:
        raise mute_error(mute)
    if queries.is_banned(session, user_id, room_id):
        raise PermissionDenied('banned_from_room')


def ensure_may_join(session: Session, user_id: int, room_id: int) -> None:
    """Every way into a room (entering it, an invitation) calls this: a banned person is refused."""
    if queries.is_banned(session, user_id, room_id):
        raise PermissionDenied('banned_from_room')


def may_delete_any(session: Session, user: User, room: Room) -> bool:
    """Whether the user may delete anyone's message in the room: its owner, its moderators, admins."""
    return role_in(session, user, room) in MODERATING


def _room(session: Session, room_id: int) -> Room:
    room = session.get(Room, room_id)
    if room is None:
        raise NotFound('room_not_found')
    return room


def _entry(row: queries.LogRow) -> ModerationEntry:
    entry, room_name, actor_name, target_name = row
    assert entry.id is not None
    return ModerationEntry(
        entry.id,
        entry.room_id,
        room_name,
        actor_name,
        target_name,
        entry.action,
        entry.reason,
        _aware(entry.until),
        _aware(entry.at) or entry.at,
    )


class Moderation:
    def __init__(self, db: Database, hub: Hub) -> None:
        self.db, self.hub = db, hub

    async def standing(self, actor: UserView, room_id: int, of: int | None = None) -> Standing:
        """The actor's standing in the room, or (`of`) another person's, which only its moderators may ask."""

        def work(session: Session) -> Standing:
            user = check_actor(session, actor)
            room = _room(session, room_id)
            own = _standing(session, user, room)
            if of is None or of == user.id:
                return own
            if not own.may_moderate:
                raise PermissionDenied('moderation_denied')
            target = session.get(User, of)
            if target is None:
                raise NotFound('user_not_found')
            return _standing(session, target, room)

        return await self.db.run(work)

    async def check_may_join(self, actor: UserView | int, room_id: int) -> None:
        """Raises PermissionDenied('banned_from_room') for a banned person (a user view or a user id)."""
        user_id = actor if isinstance(actor, int) else actor.id
        await self.db.run(ensure_may_join, user_id, room_id)

    # --- actions --------------------------------------------------------------------------------------------------

    async def appoint(
        self, actor: UserView, room_id: int, target_id: int, reason: str | None = None
    ) -> ModerationEntry:
        return await self._act(actor, room_id, target_id, APPOINT, reason)

    async def dismiss(
        self, actor: UserView, room_id: int, target_id: int, reason: str | None = None
    ) -> ModerationEntry:
        return await self._act(actor, room_id, target_id, DISMISS, reason)

    async def mute(
        self, actor: UserView, room_id: int, target_id: int, duration: str, reason: str | None = None
    ) -> ModerationEntry:
        """`duration`: a key of MUTE_DURATIONS (10 minutes, an hour, a day, until lifted)."""
        if duration not in MUTE_DURATIONS:
            raise InvalidInput('mute_duration_invalid')
        return await self._act(actor, room_id, target_id, MUTE, reason, MUTE_DURATIONS[duration])

    async def unmute(self, actor: UserView, room_id: int, target_id: int, reason: str | None = None) -> ModerationEntry:
        return await self._act(actor, room_id, target_id, UNMUTE, reason)

    async def kick(self, actor: UserView, room_id: int, target_id: int, reason: str | None = None) -> ModerationEntry:
        return await self._act(actor, room_id, target_id, KICK, reason)

    async def ban(self, actor: UserView, room_id: int, target_id: int, reason: str | None = None) -> ModerationEntry:
        return await self._act(actor, room_id, target_id, BAN, reason)

    async def unban(self, actor: UserView, room_id: int, target_id: int, reason: str | None = None) -> ModerationEntry:
        return await self._act(actor, room_id, target_id, UNBAN, reason)

    async def _act(
        self,
        actor: UserView,
        room_id: int,
        target_id: int,
        action: str,
        reason: str | None,
        duration: timedelta | None = None,
    ) -> ModerationEntry:
        reason = clean_reason(reason)

        def work(session: Session) -> ModerationEntry:
            user = check_actor(session, actor)
            room = _room(session, room_id)
            target = session.get(User, target_id)
            if target is None:
                raise NotFound('user_not_found')
            _check_may_act(session, user, room, target, action)
            now = datetime.now(UTC)
            until = now + duration if duration is not None else None
            _apply(session, room_id, target_id, action, until, reason)
            entry = queries.record(
                session,
                ModerationAction(
                    room_id=room_id,
                    actor_id=user.id,
                    target_id=target_id,
                    action=action,
                    reason=reason,
                    until=until,
                    at=now,
                ),
            )
            session.commit()
            return _entry((entry, room.name, user.display_name, target.display_name))

        entry = await self.db.run(work)
        notice = ModerationNotice(
            target_id, room_id, entry.room_name, action, entry.actor_name or '', entry.reason, entry.until
        )
        await self.hub.publish(user_topic(target_id), notice)
        return entry

    # --- what moderators see --------------------------------------------------------------------------------------

    async def restrictions(self, actor: UserView, room_id: int) -> list[Restriction]:
        """The mutes and bans in force in the room: for its owner, moderators and admins."""

        def work(session: Session) -> list[Restriction]:
            user = check_actor(session, actor)
            room = _room(session, room_id)
            if role_in(session, user, room) not in MODERATING:
                raise PermissionDenied('moderation_denied')
            return [
                Restriction(to_view(u), r.kind, _aware(r.until), r.reason)
                for r, u in queries.restrictions(session, room_id)
            ]

        return await self.db.run(work)

    async def log(
        self, actor: UserView, room_id: int | None = None, before_id: int | None = None, limit: int = LOG_PAGE
    ) -> list[ModerationEntry]:
        """One page of the log, newest first: a room's for its owner and admins, every room's (`room_id` None) for
        admins only."""
        limit = max(1, min(limit, 200))

        def work(session: Session) -> list[ModerationEntry]:
            user = check_actor(session, actor)
            if room_id is None:
                if not user.is_admin:
                    raise PermissionDenied('moderation_log_denied')
            elif not (user.is_admin or _room(session, room_id).owner_id == user.id):
                raise PermissionDenied('moderation_log_denied')
            return [_entry(row) for row in queries.log(session, room_id, before_id, limit)]

        return await self.db.run(work)


def _check_may_act(session: Session, user: User, room: Room, target: User, action: str) -> None:
    """The rules of who may moderate whom, checked in the action's transaction."""
    assert room.id is not None and target.id is not None
    role = role_in(session, user, room)
    if role not in MODERATING:
        raise PermissionDenied('moderation_denied')
    if target.id == user.id:
        raise PermissionDenied('moderate_self')
    if target.id == room.owner_id:
        raise PermissionDenied('moderate_owner_denied')
    if target.is_admin and role != ADMIN:
        raise PermissionDenied('moderate_admin_denied')
    if action in (APPOINT, DISMISS) and role not in (ADMIN, OWNER):
        raise PermissionDenied('moderation_owner_only')
    if role == MODERATOR and queries.is_moderator(session, target.id, room.id):
        raise PermissionDenied('moderate_moderator_denied')


def _apply(
    session: Session, room_id: int, target_id: int, action: str, until: datetime | None, reason: str | None
) -> None:
    if action == APPOINT:
        if queries.is_banned(session, target_id, room_id) or not queries.set_role(
            session, target_id, room_id, queries.MODERATOR
        ):
            raise NotFound('moderation_not_member')
    elif action == DISMISS:
        queries.set_role(session, target_id, room_id, queries.MEMBER)
    elif action == MUTE:
        queries.restrict(session, target_id, room_id, queries.MUTE, until, reason)
    elif action == UNMUTE:
        queries.lift(session, target_id, room_id, queries.MUTE)
    elif action == KICK:
        queries.remove_membership(session, target_id, room_id)
    elif action == BAN:
        queries.remove_membership(session, target_id, room_id)
        queries.restrict(session, target_id, room_id, queries.BAN, None, reason)
    elif action == UNBAN:
        queries.lift(session, target_id, room_id, queries.BAN)
