"""Invitations: a member adds someone by username, and the owner (or an admin) makes invite links.

Rules (docs/security.md): any member of a room may add someone by username, as in most messengers; invite links,
which let in whoever holds them, are made, listed and revoked by the room's owner and admins only. A link is a random
token (`secrets`), stored as its SHA-256 only; it expires, may have a use limit, and is refused with the reason when
expired, revoked or used up. Opening a link of a room one already belongs to just opens the room (no use counted)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from chat.accounts import check_actor
from chat.accounts import to_view as user_view
from chat.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chat.events import RoomJoined
from chat.hub import Hub, user_topic
from chat.moderation import ensure_may_join
from chat.readers import readable_room
from chat.rooms import to_view
from chat.views import RoomView, UserView, utc
from models import Invite, Membership, Room
from storage import invites as invite_queries
from storage import rooms as room_queries
from storage import users as user_queries
from storage.db import Database

MAX_HOURS = 30 * 24  # a link lives at most 30 days
MAX_USES = 1000
TOKEN_BYTES = 24


@dataclass(frozen=True, slots=True)
class InviteView:
    id: int
    room_id: int
    created_at: datetime
    expires_at: datetime
    max_uses: int | None
    uses: int

    @property
    def used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses


def _view(invite: Invite) -> InviteView:
    assert invite.id is not None
    return InviteView(
        invite.id, invite.room_id, utc(invite.created_at), utc(invite.expires_at), invite.max_uses, invite.uses
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


def _room(session: Session, room_id: int) -> Room:
    room = room_queries.by_id(session, room_id)
    if room is None:
        raise NotFound('room_not_found')
    return room


def _manage(session: Session, actor: UserView, room_id: int) -> Room:
    user = check_actor(session, actor)
    room = _room(session, room_id)
    if not (user.is_admin or room.owner_id == user.id):
        raise PermissionDenied('not_room_owner')
    if room.direct_key is not None:  # a conversation of two: no links (chat/direct.py)
        raise PermissionDenied('direct_room_invite')
    return room


def _valid(session: Session, token: str, now: datetime) -> tuple[Invite, Room]:
    """The link's invite and room, or the reason it is refused."""
    invite = invite_queries.by_hash(session, token_hash(token)) if 0 < len(token) <= 100 else None
    if invite is None:
        raise NotFound('invite_unknown')
    if invite.revoked_at is not None:
        raise PermissionDenied('invite_revoked')
    if utc(invite.expires_at) <= now:
        raise PermissionDenied('invite_expired')
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise PermissionDenied('invite_used_up')
    return invite, _room(session, invite.room_id)


class Invites:
    def __init__(self, db: Database, hub: Hub) -> None:
        self.db, self.hub = db, hub

    async def add_member(self, actor: UserView, room_id: int, username: str) -> UserView:
        """A member adds someone by their username; they find the room in their list at once."""
        username = (username or '').strip().removeprefix('@')

        def work(session: Session) -> tuple[UserView, RoomView]:
            check_actor(session, actor)
            room = readable_room(session, room_id, actor.id)
            if room.direct_key is not None:
                raise PermissionDenied('direct_room_invite')
            found = user_queries.by_username(session, username) if username else None
            if found is None or found.id is None:
                raise NotFound('invite_no_such_user', name=username)
            ensure_may_join(session, found.id, room_id)  # a banned person is not let back in by anyone
            if not room_queries.touch_membership(session, found.id, room_id):
                raise Conflict('invite_already_member', name=found.display_name)
            return user_view(found), to_view(room)

        invitee, room = await self.db.run(work)
        await self.hub.publish(user_topic(invitee.id), RoomJoined(invitee.id, room))
        return invitee

    async def create_link(
        self, actor: UserView, room_id: int, hours: int, max_uses: int | None = None
    ) -> tuple[InviteView, str]:
        """A new link: its view and the token (shown once; only its hash is kept)."""
        if not 1 <= hours <= MAX_HOURS:
            raise InvalidInput('invite_hours', max=MAX_HOURS)
        if max_uses is not None and not 1 <= max_uses <= MAX_USES:
            raise InvalidInput('invite_uses', max=MAX_USES)
        token = secrets.token_urlsafe(TOKEN_BYTES)

        def work(session: Session) -> InviteView:
            _manage(session, actor, room_id)
            now = datetime.now(UTC)
            invite = Invite(
                room_id=room_id,
                token_hash=token_hash(token),
                created_by=actor.id,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
                max_uses=max_uses,
            )
            session.add(invite)
            session.commit()
            session.refresh(invite)
            return _view(invite)

        return await self.db.run(work), token

    async def links(self, actor: UserView, room_id: int) -> list[InviteView]:
        def work(session: Session) -> list[InviteView]:
            _manage(session, actor, room_id)
            return [_view(invite) for invite in invite_queries.of_room(session, room_id, datetime.now(UTC))]

        return await self.db.run(work)

    async def revoke(self, actor: UserView, invite_id: int) -> None:
        def work(session: Session) -> None:
            invite = session.get(Invite, invite_id)
            if invite is None:
                raise NotFound('invite_unknown')
            _manage(session, actor, invite.room_id)
            if invite.revoked_at is None:
                invite.revoked_at = datetime.now(UTC)
                session.add(invite)
                session.commit()

        await self.db.run(work)

    async def preview(self, actor: UserView, token: str) -> tuple[RoomView, bool]:
        """The room a link leads to and whether the actor is a member already; the reason when it is refused."""

        def work(session: Session) -> tuple[RoomView, bool]:
            check_actor(session, actor)
            _, room = _valid(session, token, datetime.now(UTC))
            assert room.id is not None
            member = session.get(Membership, (actor.id, room.id)) is not None
            return to_view(room), member

        return await self.db.run(work)

    async def accept(self, actor: UserView, token: str) -> RoomView:
        """Joins the room by the link: one use counted (atomically against the limit), the membership added."""

        def work(session: Session) -> tuple[RoomView, bool]:
            check_actor(session, actor)
            invite, room = _valid(session, token, datetime.now(UTC))
            assert invite.id is not None and room.id is not None
            if session.get(Membership, (actor.id, room.id)) is not None:
                return to_view(room), False
            ensure_may_join(session, actor.id, room.id)  # a banned person's old link opens nothing
            if not invite_queries.use(session, invite.id):
                session.rollback()
                raise PermissionDenied('invite_used_up')
            joined = room_queries.touch_membership(session, actor.id, room.id)  # commits the use with it
            return to_view(room), joined

        room, joined = await self.db.run(work)
        if joined:
            await self.hub.publish(user_topic(actor.id), RoomJoined(actor.id, room))
        return room
