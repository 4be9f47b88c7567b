"""What each member has read, per room: counts for the room list, the "new messages" divider, "mark all read".

A page showing a room's newest messages marks them read. Marks are kept in memory and written together every
`FLUSH_INTERVAL` seconds (one transaction for every page of the instance, instead of a write per message per reader)
and at shutdown; every page of the user hears of a mark at once through the user's topic, so the counts agree across
tabs and devices before the database has it. A mark only moves forward.

Counting is bounded: per joined room one range of the (room, id) index, at most `COUNT_CAP` rows (shown as "99+").
"""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import Session

from chat.accounts import check_actor
from chat.direct import personal_view
from chat.events import ReadMarked
from chat.hub import Hub, user_topic
from chat.mentions import mentioned_usernames, mentions_user
from chat.rooms import to_view as room_view
from chat.views import RoomUnread, UserView
from models import User
from storage import reads as read_queries
from storage.db import Database
from storage.moderation import membership

log = logging.getLogger(__name__)
COUNT_CAP = 100  # counted up to here; the room list shows "99+" beyond
FLUSH_INTERVAL = 2.0


def _mentions(session: Session, room_id: int, user: User, after: int, bound: int) -> bool:
    """Whether one of the others' messages after the mark (up to `bound`) mentions the user."""
    return any(
        mentions_user(mentioned_usernames(body), user.username)
        for body in read_queries.mention_candidates(session, room_id, user.id, after, bound)  # type: ignore[arg-type]
    )


class Unread:
    def __init__(self, db: Database, hub: Hub, flush_interval: float = FLUSH_INTERVAL) -> None:
        self.db, self.hub, self.flush_interval = db, hub, flush_interval
        self._pending: dict[tuple[int, int], int] = {}  # (user, room) -> newest message read, not yet stored
        self._flusher: asyncio.TimerHandle | None = None

    async def summary(self, actor: UserView) -> list[RoomUnread]:
        """The user's rooms in name order, each with its unread count (others' messages after the read mark, up to
        the cap) and whether one of them mentions the user."""
        pending = {room: message for (user, room), message in self._pending.items() if user == actor.id}

        def work(session: Session) -> list[RoomUnread]:
            user = check_actor(session, actor)
            result = []
            for found in read_queries.unread_in_joined_rooms(session, actor.id, COUNT_CAP):
                room_id, after, bound, unread, maybe = (
                    found.room.id,
                    found.after,
                    found.bound,
                    found.unread,
                    found.maybe_mentioned,
                )
                if pending.get(room_id, 0) > after:  # read on a page in the last seconds, not stored yet
                    after = pending[room_id]
                    bound, unread, maybe = read_queries.unread_after(session, room_id, actor.id, after, COUNT_CAP)
                mentioned = maybe and _mentions(session, room_id, user, after, bound)
                view = personal_view(session, room_view(found.room), actor.id)  # a conversation: the other's name
                result.append(RoomUnread(view, unread, mentioned, after, max(bound, after)))
            return result

        return await self.db.run(work)

    async def count(self, actor: UserView, room_id: int) -> tuple[int, bool]:
        """One joined room's unread count (to the cap) and whether one of those messages mentions the user: counted
        again when a page marked only part of what another page counts. Not a member: (0, False)."""
        pending = self._pending.get((actor.id, room_id), 0)

        def work(session: Session) -> tuple[int, bool]:
            user = check_actor(session, actor)
            member = membership(session, actor.id, room_id)
            if member is None:
                return 0, False
            after = max(pending, member.last_read_message_id or 0)
            bound, unread, maybe = read_queries.unread_after(session, room_id, actor.id, after, COUNT_CAP)
            mentioned = maybe and _mentions(session, room_id, user, after, bound)
            return unread, mentioned

        return await self.db.run(work)

    async def mark_read(self, actor: UserView, room_id: int, message_id: int) -> None:
        """The user has seen the room up to this message: their other pages hear it now, the database shortly."""
        key = (actor.id, room_id)
        if self._pending.get(key, 0) >= message_id:
            return
        self._pending[key] = message_id
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().call_later(self.flush_interval, self._flush_soon)
        await self.hub.publish(user_topic(actor.id), ReadMarked(actor.id, ((room_id, message_id),)))

    async def mark_all_read(self, actor: UserView) -> None:
        def work(session: Session) -> list[tuple[int, int]]:
            check_actor(session, actor)
            return read_queries.mark_all_read(session, actor.id)

        marks = await self.db.run(work)
        if marks:
            await self.hub.publish(user_topic(actor.id), ReadMarked(actor.id, tuple(marks)))

    def _flush_soon(self) -> None:
        self._flusher = None
        asyncio.get_running_loop().create_task(self.flush(), name='store read marks')

    async def flush(self) -> None:
        """Stores the marks made since the last flush (also at shutdown); kept for the next round if that fails."""
        marks, self._pending = self._pending, {}
        if not marks:
            return
        try:
            await self.db.run(read_queries.raise_marks, [(u, r, m) for (u, r), m in marks.items()])
        except Exception:
            log.warning('storing read marks failed; trying again', exc_info=True)
            for key, message_id in marks.items():
                self._pending[key] = max(message_id, self._pending.get(key, 0))
            if self._flusher is None:
                self._flusher = asyncio.get_running_loop().call_later(self.flush_interval, self._flush_soon)

    async def stop(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        await self.flush()
