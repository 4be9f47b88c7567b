"""Rooms: listing, creating, renaming, deleting, settings (topic, privacy: owner or admin only), and who is in them
right now. A private room is listed, entered and read by its members only (storage/access.py)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from chat import direct, metrics, previews, validation
from chat.accounts import Accounts, check_actor
from chat.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RateLimited
from chat.events import PresenceChanged, RoomChanged, RoomCount, RoomJoined
from chat.hub import LOBBY, Hub, room_topic, user_topic
from chat.moderation import ensure_may_join
from chat.presence import PresenceStore
from chat.ratelimit import RateLimiter
from chat.readers import readable_room
from chat.settings import Settings
from chat.views import RoomSummary, RoomView, UserView
from models import Room, User
from storage import access
from storage import files as file_queries
from storage import members as member_queries
from storage import rooms as room_queries
from storage.db import Database, cannot_write

log = logging.getLogger(__name__)


TOPIC_MAX_LENGTH = 300


def to_view(room: Room) -> RoomView:
    assert room.id is not None
    return RoomView(
        id=room.id,
        name=room.name,
        owner_id=room.owner_id,
        created_at=room.created_at,
        topic=room.topic,
        is_private=room.is_private,
        direct_key=room.direct_key,
    )


def redacted(room: RoomView) -> RoomView:
    """What the lobby may hear of a private room: its id, nothing else."""
    return RoomView(id=room.id, name='', owner_id=None, created_at=room.created_at, is_private=True)


def room_topic_text(text: str) -> str:
    """A room's topic: one line of at most TOPIC_MAX_LENGTH characters, trimmed ('' for none)."""
    text = (text or '').strip()
    if len(text) > TOPIC_MAX_LENGTH:
        raise InvalidInput('room_topic_length', max=TOPIC_MAX_LENGTH)
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise InvalidInput('room_topic_invalid')
    return text


def _directory(session: Session, user_id: int | None) -> list[RoomSummary]:
    rows = [
        row
        for row in room_queries.directory(
            session, previews.PREVIEW_LENGTH, None if user_id is None else access.readable_room_ids(user_id)
        )
        if (user_id is not None or not row[0].is_private) and row[0].direct_key is None  # conversations: in the drawer
    ]
    # newest messages of files alone (no words): their files, in one look-up, for "📎 report.pdf"
    files = file_queries.for_messages(
        session, [message_id for _, message_id, _, body, deleted, _ in rows if body == '' and not deleted]
    )
    summaries = [
        RoomSummary(
            to_view(room),
            message_id,
            at,
            author,
            '' if deleted or body is None else previews.preview(body),
            deleted,
            previews.glimpse(files.get(message_id, ())) if message_id is not None else None,
        )
        for room, message_id, author, body, deleted, at in rows
    ]
    return sorted(summaries, key=lambda summary: summary.activity, reverse=True)


def _admit(session: Session, user_id: int, room_id: int) -> bool | None:
    """None when the user may not read the room; otherwise whether this visit made them a member. A person banned
    from the room is refused (chat/moderation.py)."""
    if not access.may_read(session, user_id, room_id):
        return None
    ensure_may_join(session, user_id, room_id)
    return room_queries.touch_membership(session, user_id, room_id)


def managed_room(session: Session, actor: UserView, room_id: int) -> Room:
    """The room, if the user may manage it (its owner or an admin): refused with a translated reason otherwise."""
    user = check_actor(session, actor)
    room = room_queries.by_id(session, room_id)
    if room is None:
        raise NotFound('room_not_found')
    if not (user.is_admin or room.owner_id == user.id):
        raise PermissionDenied('not_room_owner')
    return room


class Rooms:
    def __init__(self, db: Database, hub: Hub, presence: PresenceStore, accounts: Accounts, settings: Settings) -> None:
        self.db, self.hub, self.presence, self.accounts = db, hub, presence, accounts
        self.creations = RateLimiter(settings.room_create_rate, 3600)

    async def all(self) -> list[RoomView]:
        return [to_view(room) for room in await self.db.run(room_queries.all_rooms)]

    async def directory(self, actor: UserView | None = None) -> list[RoomSummary]:
        """Every room the actor may read (public ones only without an actor) with a glimpse of its newest message,
        most recently active first (rooms without messages after them, newest first). Made into views in the database
        thread: previews render formatting into words."""
        return await self.db.run(_directory, None if actor is None else actor.id)

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

    async def may_read(self, actor: UserView, room_id: int) -> bool:
        """Whether the user may read the room's history and its files: the check every reader goes through."""
        return await self.db.run(access.may_read, actor.id, room_id)

    async def open(self, actor: UserView, room_id: int) -> RoomView:
        """The room, for a reader: NotFound, or PermissionDenied('room_private') for a private room the actor is not a
        member of (the page then says so, and shows nothing of it)."""

        def work(session: Session) -> RoomView:
            room = readable_room(session, room_id, actor.id)
            return direct.personal_view(session, to_view(room), actor.id)

        return await self.db.run(work)

    async def direct(self, actor: UserView, other_user_id: int) -> RoomView:
        """The two people's direct conversation, made the first time (private, both members, the actor its owner) and
        the same room every time after, also when both start it at once: the unique `direct_key` lets one insert
        through, and the other finds that room. Each person hears of a conversation new to them on their user topic."""
        if other_user_id == actor.id:
            raise InvalidInput('direct_self')
        key = direct.direct_key(actor.id, other_user_id)

        def work(session: Session) -> tuple[RoomView, list[int]]:
            check_actor(session, actor)
            if session.get(User, other_user_id) is None:
                raise NotFound('user_not_found')
            room = room_queries.by_direct_key(session, key)
            if room is None:
                room = room_queries.add(session, direct.new_room(actor.id, other_user_id, actor.id))
            assert room.id is not None
            return to_view(room), direct.add_members(session, room.id, actor.id, other_user_id)

        try:
            room, joined = await self.db.run(work)
        except IntegrityError:  # the other person made it a moment ago
            room, joined = await self.db.run(work)
        for user_id in joined:
            view = await self.db.run(direct.personal_view, room, user_id)
            await self.hub.publish(user_topic(user_id), RoomJoined(user_id, view))
        return await self.db.run(direct.personal_view, room, actor.id)

    async def profile(self, actor: UserView, user_id: int) -> direct.ProfileView:
        """A person's card: public fields only, for anyone signed in."""

        def work(session: Session) -> direct.ProfileView:
            check_actor(session, actor)
            user = session.get(User, user_id)
            if user is None:
                raise NotFound('user_not_found')
            return direct.profile_view(user)

        return await self.db.run(work)

    async def update_settings(self, actor: UserView, room_id: int, topic: str, is_private: bool) -> RoomView:
        """The owner (or an admin) sets the topic and privacy. Making a room private keeps everyone who has joined it
        so far as a member (and the owner); making it public lists it for everybody again."""
        topic = room_topic_text(topic)

        def work(session: Session) -> tuple[RoomView, bool]:
            room = managed_room(session, actor, room_id)
            if room.direct_key is not None and not is_private:
                raise PermissionDenied('direct_room_public')
            was_private = room.is_private
            room.topic, room.is_private = topic, is_private
            session.add(room)
            session.commit()
            view = to_view(room)
            if is_private and room.owner_id is not None:
                room_queries.touch_membership(session, room.owner_id, room_id)
            return view, was_private

        room, was_private = await self.db.run(work)
        await self.hub.publish(room_topic(room.id), RoomChanged(room, 'updated'))
        if room.is_private and not was_private:
            await self.hub.publish(LOBBY, RoomChanged(redacted(room), 'hidden'))
        elif was_private and not room.is_private:
            await self.hub.publish(LOBBY, RoomChanged(room, 'created'))
        return room

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
            return await self._opened(actor, existing), False
        try:
            return await self.create(actor, name), True
        except Conflict:  # someone else created it a moment ago
            existing = await self.db.run(room_queries.by_name, name)
            if existing is None:
                raise
            return await self._opened(actor, existing), False

    async def _opened(self, actor: UserView, room: Room) -> RoomView:
        """A room found by its name: a private one only for its members (its name is taken all the same)."""
        if room.is_private and not await self.db.run(access.room_readable, room, actor.id):
            raise PermissionDenied('room_name_private', name=room.name)
        return to_view(room)

    async def rename(self, actor: UserView, room_id: int, name: str) -> RoomView:
        name = validation.room_name(name)

        def work(session: Session) -> Room:
            room = managed_room(session, actor, room_id)
            if room.direct_key is not None:
                raise PermissionDenied('direct_room_rename')
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
        if not room.is_private:
            await self.hub.publish(LOBBY, event)
        return room

    async def delete(self, actor: UserView, room_id: int) -> None:
        def work(session: Session) -> Room:
            room = managed_room(session, actor, room_id)
            view = to_view(room)
            room_queries.remove(session, room)
            return view

        room = await self.db.run(work)
        event = RoomChanged(room, 'deleted')
        await self.hub.publish(room_topic(room.id), event)
        await self.hub.publish(LOBBY, RoomChanged(redacted(room), 'deleted') if room.is_private else event)
        await self.presence.forget_room(room.id)

    # --- presence -------------------------------------------------------------------------------------------------

    async def enter(self, actor: UserView, room_id: int, conn_id: str) -> list[UserView]:
        """Marks one connection of the user as in the room; returns who is online there now.

        Presence first, the membership row after: a leave that arrives while the row is being stored then finds the
        connection and removes it (the other way round the connection would stay online for ever). A private room
        refuses a non-member (PermissionDenied 'room_private'), and a person banned from the room is refused
        (chat/moderation.py), both checked with the same database call, and their presence undone; the room page
        asks `open` first, so only a direct call or a race gets that far."""
        if await self.presence.enter(room_id, actor.id, conn_id):
            await self.hub.publish(room_topic(room_id), PresenceChanged(room_id, actor.public, joined=True))
            await self._publish_count(room_id)
        try:
            joined = await self.db.run(_admit, actor.id, room_id)
            if joined is None:
                await self.leave(actor, room_id, conn_id)
                if await self.db.run(room_queries.by_id, room_id) is None:
                    raise NotFound('room_not_found')
                raise PermissionDenied('room_private')
            if joined:
                room = await self.db.run(room_queries.by_id, room_id)
                if room is not None:  # the user's other pages list the room from now on
                    view = await self.db.run(direct.personal_view, to_view(room), actor.id)
                    await self.hub.publish(user_topic(actor.id), RoomJoined(actor.id, view))
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
            try:  # "last seen" in the people pane; a failed write loses only that
                await self.db.run(member_queries.seen, actor.id, room_id, datetime.now(UTC))
            except Exception as error:  # the database may be away, or closing with the instance
                log.warning('recording when a member was last seen failed: %s', error.__class__.__name__)

    async def online(self, room_id: int) -> list[UserView]:
        users = await self.accounts.by_ids(await self.presence.online(room_id))
        return sorted(users.values(), key=lambda user: user.display_name.casefold())

    async def _publish_count(self, room_id: int) -> None:
        count = len(await self.presence.online(room_id))
        await self.hub.publish(LOBBY, RoomCount(room_id, count))
