"""Public messages (stored, then published) and private messages (published only, never stored)."""

from __future__ import annotations

import asyncio
import logging
import math
import sys
from datetime import UTC, datetime
from weakref import WeakValueDictionary

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from chat import metrics, validation
from chat.accounts import check_actor
from chat.accounts import to_view as user_view
from chat.errors import ChatError, InvalidInput, NotDelivered, NotFound, RateLimited, Unavailable
from chat.events import MessagePosted, PrivateMessage
from chat.hub import Hub, private_topic, room_topic
from chat.lifecycle import Lifecycle
from chat.presence import PresenceStore
from chat.ratelimit import TokenBucket
from chat.settings import Settings
from chat.views import MessageView, UserView
from models import Message
from storage import messages as message_queries
from storage import rooms as room_queries
from storage.db import Database, cannot_write

log = logging.getLogger(__name__)


class Messages:
    def __init__(
        self, db: Database, hub: Hub, presence: PresenceStore, settings: Settings, lifecycle: Lifecycle
    ) -> None:
        self.db, self.hub, self.presence, self.settings, self.lifecycle = db, hub, presence, settings, lifecycle
        # a burst for a quick back-and-forth, then the sustained rate
        self.rate = TokenBucket(settings.message_burst, settings.message_rate, settings.message_rate_window)
        # one post at a time per room, from insert to publish: pages drop a live message whose id is not newer than
        # the newest they show, so publishing must follow the ids
        self._room_locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    def _check_rate(self, actor: UserView) -> None:
        key = f'messages:{actor.id}'
        if wait := self.rate.retry_after(key):
            metrics.RATE_LIMITED.labels(limit='messages').inc()
            raise RateLimited('rate_messages', seconds=max(1, math.ceil(wait)))
        self.rate.hit(key)

    async def post(self, actor: UserView, room_id: int, text: str) -> MessageView:
        """Stores the message, then publishes it. Raises before anything is shown when it cannot be stored; once the
        instance is stopping, refuses (`server_restarting`), and a post admitted before that still completes."""
        try:
            message = await self._admit(actor, room_id, text)
        except ChatError as error:
            metrics.MESSAGES_REFUSED.labels(reason=error.key).inc()
            raise
        metrics.MESSAGES_POSTED.inc()
        return message

    async def _admit(self, actor: UserView, room_id: int, text: str) -> MessageView:
        body = validation.message_body(text, self.settings.max_message_length)
        with self.lifecycle.admit():
            return await self._store(actor, room_id, body)

    async def _store(self, actor: UserView, room_id: int, body: str) -> MessageView:
        self._check_rate(actor)

        def work(session: Session) -> MessageView:
            author = check_actor(session, actor)
            if room_queries.by_id(session, room_id) is None:
                raise NotFound('room_not_found')
            message = message_queries.add(session, Message(room_id=room_id, author_id=actor.id, body=body))
            assert message.id is not None
            return MessageView(message.id, room_id, user_view(author), body, message.created_at)

        lock = self._room_locks.get(room_id)
        if lock is None:
            lock = self._room_locks[room_id] = asyncio.Lock()
        async with lock:
            try:
                message = await self.db.run(work)
            except ChatError:  # no such room, a stale session: nothing was sent, so it does not count either
                self.rate.undo(f'messages:{actor.id}')
                raise
            except SQLAlchemyError as error:
                # handled: the sender is told and keeps the text; the log names the failure, never the text. A
                # refused post does not count towards the rate: a sender retrying on a full disk is told why.
                self.rate.undo(f'messages:{actor.id}')
                reason = cannot_write(error)
                log.warning(
                    'storing a message failed: %s%s', error.__class__.__name__, f' (storage {reason})' if reason else ''
                )
                raise Unavailable('storage_full' if reason else 'message_not_stored') from None
            await self.hub.publish(room_topic(room_id), MessagePosted(message))
        return message

    async def history(self, room_id: int, before_id: int | None = None, limit: int | None = None) -> list[MessageView]:
        """One page of history, oldest first: one indexed range scan however long the room's life."""
        limit = min(limit or self.settings.history_page_size, 200)
        return await self.db.run(_history_page, room_id, before_id, limit)

    async def whisper(self, actor: UserView, room_id: int, recipient: UserView, text: str) -> PrivateMessage:
        """Reaches only the recipient's and the sender's tabs in this room; never stored, never logged."""
        body = validation.message_body(text, self.settings.max_message_length)
        if recipient.id == actor.id:
            raise InvalidInput('private_to_self')
        with self.lifecycle.admit():  # the recipient's page is about to reload and would lose it
            return await self._whisper(actor, room_id, recipient, body)

    async def _whisper(self, actor: UserView, room_id: int, recipient: UserView, body: str) -> PrivateMessage:
        sender = await self.db.run(check_actor, actor)
        if not await self.presence.is_online(room_id, recipient.id):
            metrics.PRIVATE_MESSAGES.labels(outcome='undelivered').inc()
            raise NotDelivered('private_not_delivered', name=recipient.display_name)
        self._check_rate(actor)
        event = PrivateMessage(room_id, user_view(sender), recipient, body, datetime.now(UTC))
        await self.hub.publish(private_topic(room_id, recipient.id), event)
        await self.hub.publish(private_topic(room_id, actor.id), event)
        metrics.PRIVATE_MESSAGES.labels(outcome='delivered').inc()
        return event


def _history_page(session: Session, room_id: int, before_id: int | None, limit: int) -> list[MessageView]:
    """Rows made into views in the database thread too: reading 50 ORM rows' attributes took ~2 ms of the event
    loop per room opening."""
    rows = message_queries.page(session, room_id, before_id, limit)
    # bodies interned: every page that opens the room shows the same strings (mortal: freed with the last user)
    return [
        MessageView(m.id, m.room_id, user_view(u), sys.intern(m.body), m.created_at)  # type: ignore[arg-type]
        for m, u in rows
    ]
