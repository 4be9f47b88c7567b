"""Rooms: listing, creating, renaming, deleting (owner or admin only), and who is in them right now."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from chat import metrics, previews, validation
from chat.accounts import Accounts, check_actor
from chat.errors import Conflict, NotFound, PermissionDenied, RateLimited
from chat.events import PresenceChanged, RoomChanged, RoomCount, RoomJoined
from chat.hub import LOBBY, Hub, room_topic, user_topic
from chat.presence import PresenceStore
from chat.ratelimit import RateLimiter
from chat.settings import Settings
from chat.views import RoomSummary, RoomView, UserView
from models import Room
from storage import rooms as room_queries
from storage.db import Database, cannot_write

log = logging.getLogger(__name__)


def to_view(room: Room) -> RoomView:
    assert room.id is not None
    return RoomView(id=room.id, name=room.name, owner_id=room.owner_id, created_at=room.created_at)


def _directory(session: Session) -> list[RoomSummary]:
    summaries = [
        RoomSummary(
            to_view(room),
            message_id,
            at,
            author,
            '' if deleted or body is None else previews.preview(body),
            deleted,
        )
        for room, message_id, author, body, deleted, at in room_queries.directory(session, previews.PREVIEW_LENGTH)
    ]
    return sorted(summaries, key=lambda summary: summary.activity, reverse=True)


class Rooms:
    def __init__(self, db: Database, hub: Hub, presence: PresenceStore, accounts: Accounts, settings: Settings) -> None:
        self.db, self.hub, self.presence, self.accounts = db, hub, presence, accounts
        self.creations = RateLimiter(settings.room_create_rate, 3600)

    async def all(self) -> list[RoomView]:
        return [to_view(room) for room in await self.db.run(room_queries.all_rooms)]

    async def directory(self) -> list[RoomSummary]:
        """Every room with a glimpse of its newest message, most recently active first (rooms without messages after
        them, newest first). Made into views in the database thread: previews render formatting into words."""
        return await self.db.run(_directory)

    async def managed_by(self, actor: UserView) -> list[RoomView]:
        """The rooms the user may manage: their own, or all of them for an admin."""
        if actor.is_admin:
            return await self.all()
        return [to_view(room) for room in await self.db.run(room_queries.owned_by, actor.id)]

    async def counts(self) -> dict[int, int]:
        return await self.presence.counts()

    async def get(self, room_id: int) -> RoomView:
        room = await self.db.run(room_queries.by_id, room_id)
        if room is None:
            raise NotFound('room_not_found')
        return to_view(room)

    async def create(self, actor: UserView, name: str) -> RoomView:
        name = validation.room_name(name)
        key = f'rooms:{actor.id}'
        if wait := self.creations.retry_after(key):
            metrics.RATE_LIMITED.labels(limit='rooms').inc()
            raise RateLimited('rate_rooms', seconds=int(wait) + 1)
        self.creations.hit(key)  # counted now, so concurrent creations cannot all pass the check

        def work(session: Session) -> Room:
            check_actor(session, actor)
            return room_queries.add(session, Room(name=name, name_key=name.casefold(), owner_id=actor.id))

        try:
            room = to_view(await self.db.run(work))
        except BaseException as error:
            self.creations.undo(key)  # a refused creation does not count
            if isinstance(error, IntegrityError):
                raise Conflict('room_name_taken', name=name) from None
            raise
        await self.hub.publish(LOBBY, RoomChanged(room, 'created'))
        return room

    async def open_by_name(self, actor: UserView, name: str) -> tuple[RoomView, bool]:
        """An existing name opens that room; a new one creates it. Returns (room, created)."""
        name = validation.room_name(name)
        existing = await self.db.run(room_queries.by_name, name)
        if existing is not None:
            return to_view(existing), False
        try:
            return await self.create(actor, name), True
        except Conflict:  # someone else created it a moment ago
            existing = await self.db.run(room_queries.by_name, name)
            if existing is None:
                raise
            return to_view(existing), False

    async def rename(self, actor: UserView, room_id: int, name: str) -> RoomView:
        name = validation.room_name(name)

        def work(session: Session) -> Room:
            room = self._managed_room(session, actor, room_id)
            room.name, room.name_key = name, name.casefold()
            session.add(room)
            session.commit()
            return room

        try:
            room = to_view(await self.db.run(work))
        except IntegrityError:
            raise Conflict('room_name_taken', name=name) from None
        event = RoomChanged(room, 'renamed')
        await self.hub.publish(room_topic(room.id), event)
        await self.hub.publish(LOBBY, event)
        return room

    async def delete(self, actor: UserView, room_id: int) -> None:
        def work(session: Session) -> Room:
            room = self._managed_room(session, actor, room_id)
            view = to_view(room)
            room_queries.remove(session, room)
            return view

        room = await self.db.run(work)
        event = RoomChanged(room, 'deleted')
        await self.hub.publish(room_topic(room.id), event)
        await self.hub.publish(LOBBY, event)
        await self.presence.forget_room(room.id)

    def _managed_room(self, session: Session, actor: UserView, room_id: int) -> Room:
        user = check_actor(session, actor)
        room = room_queries.by_id(session, room_id)
        if room is None:
            raise NotFound('room_not_found')
        if not (user.is_admin or room.owner_id == user.id):
            raise PermissionDenied('not_room_owner')
        return room

    # --- presence -------------------------------------------------------------------------------------------------

    async def enter(self, actor: UserView, room_id: int, conn_id: str) -> list[UserView]:
        """Marks one connection of the user as in the room; returns who is online there now.

        Presence first, the membership row after: a leave that arrives while the row is being stored then finds the
        connection and removes it (the other way round the connection would stay online for ever)."""
        if await self.presence.enter(room_id, actor.id, conn_id):
            await self.hub.publish(room_topic(room_id), PresenceChanged(room_id, actor.public, joined=True))
            await self._publish_count(room_id)
        try:
            if await self.db.run(room_queries.touch_membership, actor.id, room_id):
                room = await self.db.run(room_queries.by_id, room_id)
                if room is not None:  # the user's other pages list the room from now on
                    await self.hub.publish(user_topic(actor.id), RoomJoined(actor.id, to_view(room)))
        except SQLAlchemyError as error:
            if isinstance(error, IntegrityError) or not cannot_write(error):
                await self.leave(actor, room_id, conn_id)
                if isinstance(error, IntegrityError):  # the room was deleted meanwhile
                    raise NotFound('room_not_found') from None
                raise
            # a full disk or a read-only database: the room still opens and its history still reads; only the
            # record that the user has been here waits for the next visit
            log.warning('recording a room visit failed: storage %s', cannot_write(error))
        except BaseException:  # cancelled too: undo the presence
            await self.leave(actor, room_id, conn_id)
            raise
        return await self.online(room_id)

    async def leave(self, actor: UserView, room_id: int, conn_id: str) -> None:
        if await self.presence.leave(room_id, actor.id, conn_id):
            await self.hub.publish(room_topic(room_id), PresenceChanged(room_id, actor.public, joined=False))
            await self._publish_count(room_id)

    async def online(self, room_id: int) -> list[UserView]:
        users = await self.accounts.by_ids(await self.presence.online(room_id))
        return sorted(users.values(), key=lambda user: user.display_name.casefold())

    async def _publish_count(self, room_id: int) -> None:
        count = len(await self.presence.online(room_id))
        await self.hub.publish(LOBBY, RoomCount(room_id, count))
