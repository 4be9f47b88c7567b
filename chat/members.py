"""A room's members: who they are and when each was last seen, leaving a room, handing it to another member.

Rules (docs/security.md): whoever may read a room sees its members; a member may leave at any time, except its owner,
who hands the room to another member first (a room always has someone who may manage it; deleting it is the other
way out); the owner or an admin hands a room to one of its members. Leaving a private room means needing a new
invitation to come back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from chat.accounts import check_actor
from chat.accounts import to_view as user_view
from chat.errors import NotFound, PermissionDenied
from chat.events import RoomChanged
from chat.hub import Hub, room_topic
from chat.readers import readable_room
from chat.rooms import managed_room, to_view
from chat.views import RoomView, UserView, utc
from models import Membership
from storage import members as member_queries
from storage import rooms as room_queries
from storage.db import Database

MEMBER_LIST_LIMIT = 500  # shown in the people pane; a bigger room shows the most recently seen


@dataclass(frozen=True, slots=True)
class MemberView:
    user: UserView
    joined_at: datetime
    last_seen_at: datetime | None  # None: not since this was recorded
    is_owner: bool = False


class Members:
    def __init__(self, db: Database, hub: Hub) -> None:
        self.db, self.hub = db, hub

    async def of_room(self, actor: UserView, room_id: int) -> list[MemberView]:
        def work(session: Session) -> list[MemberView]:
            check_actor(session, actor)
            room = readable_room(session, room_id, actor.id)
            return [
                MemberView(
                    user_view(user),
                    utc(membership.joined_at),
                    utc(membership.last_seen_at) if membership.last_seen_at else None,
                    user.id == room.owner_id,
                )
                for user, membership in member_queries.of_room(session, room_id, MEMBER_LIST_LIMIT)
            ]

        return await self.db.run(work)

    async def leave_room(self, actor: UserView, room_id: int) -> None:
        def work(session: Session) -> None:
            check_actor(session, actor)
            room = room_queries.by_id(session, room_id)
            if room is None:
                raise NotFound('room_not_found')
            if room.owner_id == actor.id:
                raise PermissionDenied('owner_must_transfer')
            if not member_queries.remove(session, actor.id, room_id):
                raise NotFound('not_a_member')

        await self.db.run(work)

    async def transfer(self, actor: UserView, room_id: int, new_owner_id: int) -> RoomView:
        def work(session: Session) -> RoomView:
            room = managed_room(session, actor, room_id)
            if session.get(Membership, (new_owner_id, room_id)) is None:
                raise PermissionDenied('transfer_not_member')
            room.owner_id = new_owner_id
            session.add(room)
            session.commit()
            return to_view(room)

        room = await self.db.run(work)
        await self.hub.publish(room_topic(room_id), RoomChanged(room, 'updated'))
        return room
