"""Public messages (stored, then published) and private messages (published only, never stored).

Stored messages can be edited (by their author, within the edit window), deleted (by their author, the room's owner,
its moderators or an admin: the text goes, the place stays), replied to and reacted to (not by a muted person,
chat/moderation.py). Every change is stored first and then published on the room's topic as a small event, so each
open page changes one bubble. Private messages are never stored, so none of these actions applies to them (but a
muted person sends none either)."""

from __future__ import annotations

import asyncio
import logging
import math
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from weakref import WeakValueDictionary

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from chat import markup, metrics, previews, reactions, validation
from chat.accounts import check_actor
from chat.accounts import to_view as user_view
from chat.errors import ChatError, InvalidInput, NotDelivered, NotFound, PermissionDenied, RateLimited, Unavailable
from chat.events import (
    MessageArrived,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    PrivateMessage,
    ReactionsChanged,
    RoomActivity,
)
from chat.files import Files
from chat.files import to_view as file_view
from chat.hub import LOBBY, Hub, activity_topic, private_topic, room_topic
from chat.lifecycle import Lifecycle
from chat.mentions import EVERYONE, mentioned_usernames
from chat.moderation import ensure_may_join, ensure_may_post, may_delete_any
from chat.presence import PresenceStore
from chat.ratelimit import RateLimiter, TokenBucket
from chat.readers import readable_room
from chat.settings import Settings
from chat.views import AttachmentView, MessageView, QuoteView, ReactionView, UserView
from models import Attachment, Message, Room, User
from storage import access
from storage import files as file_queries
from storage import messages as message_queries
from storage import reads as read_queries
from storage import rooms as room_queries
from storage.db import Database, cannot_write

log = logging.getLogger(__name__)
T = TypeVar('T')


class Messages:
    def __init__(
        self, db: Database, hub: Hub, presence: PresenceStore, settings: Settings, lifecycle: Lifecycle
    ) -> None:
        self.db, self.hub, self.presence, self.settings, self.lifecycle = db, hub, presence, settings, lifecycle
        # a burst for a quick back-and-forth, then the sustained rate
        self.rate = TokenBucket(settings.message_burst, settings.message_rate, settings.message_rate_window)
        self.reaction_rate = RateLimiter(settings.reaction_rate, settings.reaction_rate_window)
        # one post at a time per room, from insert to publish: pages drop a live message whose id is not newer than
        # the newest they show, so publishing must follow the ids
        self._room_locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()
        self._reaction_locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()
        self.files: Files | None = None  # removes a deleted message's files (set by chat/services.py)

    def _check_rate(self, actor: UserView) -> None:
        key = f'messages:{actor.id}'
        if wait := self.rate.retry_after(key):
            metrics.RATE_LIMITED.labels(limit='messages').inc()
            raise RateLimited('rate_messages', seconds=max(1, math.ceil(wait)))
        self.rate.hit(key)

    async def post(
        self,
        actor: UserView,
        room_id: int,
        text: str,
        reply_to: int | None = None,
        attachments: Sequence[str] = (),
    ) -> MessageView:
        """Stores the message, then publishes it. Raises before anything is shown when it cannot be stored; once the
        instance is stopping, refuses (`server_restarting`), and a post admitted before that still completes.
        `reply_to`: an earlier message of the same room (not deleted) that this one quotes. `attachments`: ids of the
        actor's uploads for this room (chat/files.py), sent with it; the text may then be empty (a caption)."""
        try:
            message = await self._admit(actor, room_id, text, reply_to, tuple(attachments))
        except ChatError as error:
            metrics.MESSAGES_REFUSED.labels(reason=error.key).inc()
            raise
        metrics.MESSAGES_POSTED.inc()
        return message

    async def _admit(
        self, actor: UserView, room_id: int, text: str, reply_to: int | None, attachments: tuple[str, ...] = ()
    ) -> MessageView:
        if attachments and not (text or '').strip():
            body = ''  # files without a caption
        else:
            body = validation.message_body(text, self.settings.max_message_length)
        if len(attachments) > self.settings.max_files_per_message:
            raise InvalidInput('files_too_many', max=self.settings.max_files_per_message)
        with self.lifecycle.admit():
            return await self._store(actor, room_id, body, reply_to, attachments)

    async def _store(
        self, actor: UserView, room_id: int, body: str, reply_to: int | None, attachments: tuple[str, ...] = ()
    ) -> MessageView:
        self._check_rate(actor)

        def work(session: Session) -> MessageView:
            author = check_actor(session, actor)
            room = readable_room(session, room_id, actor.id)
            if room.is_private:
                private_rooms.add(room_id)
            ensure_may_post(session, actor.id, room_id)  # muted or banned
            mentions = _check_mentions(session, body, author, room_id, room)
            quote = None
            if reply_to is not None:
                original = message_queries.by_id(session, reply_to)
                if original is None or original.room_id != room_id:
                    raise NotFound('message_not_found')
                if original.deleted_at is not None:
                    raise NotFound('message_gone')
                original_author = session.get(User, original.author_id)
                quoted_files = file_queries.for_messages(session, [reply_to]) if original.body == '' else {}
                quote = _quote(
                    original, original_author.display_name if original_author else '', quoted_files.get(reply_to, ())
                )
            message = Message(room_id=room_id, author_id=actor.id, body=body, reply_to=reply_to)
            files: tuple[AttachmentView, ...] = ()
            if attachments:
                found = {a.id: a for a in file_queries.unsent(session, list(attachments), actor.id, room_id)}
                if len(found) != len(set(attachments)):
                    raise NotFound('file_gone')
                files = tuple(file_view(found[i]) for i in dict.fromkeys(attachments))
                message = file_queries.add_message(session, message, list(found))
            else:
                message = message_queries.add(session, message)
            assert message.id is not None
            return MessageView(
                message.id,
                room_id,
                user_view(author),
                body,
                message.created_at,
                reply=quote,
                formatted=markup.render(body),
                mentions=mentions,
                attachments=files,
            )

        private_rooms: set[int] = set()  # a private room's posts stay off the lobby
        lock = self._room_locks.get(room_id)
        if lock is None:
            lock = self._room_locks[room_id] = asyncio.Lock()
        async with lock:
            try:
                message = await self.db.run(work)
            except ChatError:  # no such room, a stale session, the quoted message gone: not counted either
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
            arrived = MessageArrived(room_id, message.id, actor.id, message.mentions)
            await self.hub.publish(activity_topic(room_id), arrived)
            # the room directory's row: under the same lock, so the lobby hears a room's posts in the order of ids
            if room_id not in private_rooms:
                await self.hub.publish(LOBBY, _activity(message))
        return message

    async def history(
        self, room_id: int, before_id: int | None = None, limit: int | None = None, *, reader: UserView | None = None
    ) -> list[MessageView]:
        """One page of history, oldest first: one indexed range scan however long the room's life. With a `reader`,
        refused (PermissionDenied 'room_private') unless they may read the room (storage/access.py)."""
        limit = min(limit or self.settings.history_page_size, 200)
        if reader is not None:
            await self._check_reader(reader, room_id)
        return await self.db.run(_history_page, room_id, before_id, limit)

    async def _check_reader(self, reader: UserView, room_id: int) -> None:
        if not await self.db.run(access.may_read, reader.id, room_id):
            raise PermissionDenied('room_private')

    async def around(
        self, room_id: int, message_id: int, *, reader: UserView | None = None
    ) -> tuple[list[MessageView], bool]:
        """A permalink's page: the message with about half a page before and after it, oldest first, and whether
        newer messages follow. NotFound when the message is unknown or belongs to another room. With a `reader`, as
        `history`."""
        if reader is not None:
            await self._check_reader(reader, room_id)
        limit = min(self.settings.history_page_size, 200)
        before = max(1, limit // 2)

        def work(session: Session) -> tuple[list[MessageView], bool]:
            message = message_queries.by_id(session, message_id)
            if message is None or message.room_id != room_id:
                raise NotFound('permalink_not_found')
            older = message_queries.page(session, room_id, message_id + 1, before)
            newer = message_queries.newer(session, room_id, message_id, limit - len(older) + 1)
            has_newer = len(newer) > limit - len(older)
            return _views(session, older + newer[: limit - len(older)]), has_newer

        return await self.db.run(work)

    def _room_lock(self, locks: WeakValueDictionary[int, asyncio.Lock], key: int) -> asyncio.Lock:
        lock = locks.get(key)
        if lock is None:
            lock = locks[key] = asyncio.Lock()
        return lock

    async def edit(self, actor: UserView, room_id: int, message_id: int, text: str) -> MessageEdited:
        """The author's new text for their message, within the edit window; the same rules as a new post."""
        body = validation.message_body(text, self.settings.max_message_length)
        self._check_rate(actor)
        window = self.settings.edit_window

        def work(session: Session) -> tuple[MessageEdited, RoomActivity | None]:
            author = check_actor(session, actor)
            message = _existing(session, room_id, message_id)
            if message.author_id != actor.id:
                raise PermissionDenied('not_message_author')
            ensure_may_post(session, actor.id, room_id)
            mentions = _check_mentions(session, body, author, room_id)
            now = datetime.now(UTC)
            if now - _aware(message.created_at) > timedelta(seconds=window):
                raise PermissionDenied('edit_window_over', hours=f'{window / 3600:g}')
            if not message_queries.edit(session, message_id, body, now):
                raise NotFound('message_gone')
            formatted = markup.render(body)
            row = None
            if _newest_public(session, room_id, message_id):
                preview = previews.of_rendered(body, formatted)
                row = RoomActivity(room_id, message_id, author.display_name, preview, message.created_at, changed=True)
            return MessageEdited(room_id, message_id, body, now, formatted, mentions), row

        try:
            event, row = await self._write(work, 'message_not_edited')
        except ChatError:
            self.rate.undo(f'messages:{actor.id}')  # a refused edit does not count towards the rate
            raise
        await self.hub.publish(room_topic(room_id), event)
        if row is not None:  # the room directory shows this message: its row shows the new words
            await self.hub.publish(LOBBY, row)
        return event

    async def delete(self, actor: UserView, room_id: int, message_id: int) -> MessageDeleted:
        """The author, the room's owner or an admin deletes a message: its text is gone from the database and from
        every page, its place stays ("message deleted")."""

        def work(session: Session) -> tuple[MessageDeleted, list[str], RoomActivity | None]:
            user = check_actor(session, actor)
            message = _existing(session, room_id, message_id)
            if message.author_id != actor.id and not user.is_admin:
                room = room_queries.by_id(session, room_id)
                if room is None or not may_delete_any(session, user, room):  # owner, moderators
                    raise PermissionDenied('message_delete_denied')
            if not message_queries.mark_deleted(session, message_id, datetime.now(UTC)):
                raise NotFound('message_gone')
            row = None
            if _newest_public(session, room_id, message_id):
                author = session.get(User, message.author_id)
                name = author.display_name if author is not None else ''
                row = RoomActivity(room_id, message_id, name, '', message.created_at, changed=True, deleted=True)
            return MessageDeleted(room_id, message_id), file_queries.remove_for_message(session, message_id), row

        event, unused, row = await self._write(work, 'message_not_edited')
        await self.hub.publish(room_topic(room_id), event)
        if row is not None:  # the room directory shows this message: its row says it was deleted
            await self.hub.publish(LOBBY, row)
        if unused and self.files is not None:  # its files go with it, once no other message holds the same bytes
            await self.files.discard(unused)
        return event

    async def react(
        self, actor: UserView, room_id: int, message_id: int, emoji: str, present: bool
    ) -> ReactionsChanged:
        """Adds (`present`) or takes back the actor's emoji on a message. Idempotent: adding twice or removing what
        is not there changes nothing (double clicks, two tabs). Publishes the message's reactions as they are now."""
        if emoji not in reactions.ALLOWED:
            raise InvalidInput('reaction_invalid')
        key = f'reactions:{actor.id}'
        if wait := self.reaction_rate.retry_after(key):
            metrics.RATE_LIMITED.labels(limit='reactions').inc()
            raise RateLimited('rate_reactions', seconds=int(wait) + 1)
        self.reaction_rate.hit(key)

        def work(session: Session) -> ReactionsChanged:
            check_actor(session, actor)
            _existing(session, room_id, message_id)
            ensure_may_post(session, actor.id, room_id)
            if present:
                if not message_queries.add_reaction(session, message_id, actor.id, emoji, reactions.MAX_DISTINCT):
                    raise InvalidInput('reaction_too_many', max=reactions.MAX_DISTINCT)
            else:
                message_queries.remove_reaction(session, message_id, actor.id, emoji)
            found = message_queries.reactions(session, [message_id]).get(message_id, [])
            return ReactionsChanged(room_id, message_id, _reaction_views(found))

        # one change of a message at a time from write to publish: the last event a page hears is the newest state
        async with self._room_lock(self._reaction_locks, message_id):
            event = await self._write(work, 'message_not_edited')
            await self.hub.publish(room_topic(room_id), event)
        return event

    async def reactors(self, actor: UserView, room_id: int, message_id: int) -> tuple[ReactionView, ...]:
        """Who reacted to a message with what, for the message's "Reactions" list: each emoji in the order it first
        appeared, with up to `REACTORS_SHOWN` names (a bubble's hint names fewer). Only for someone who may read the
        room (storage/access.py) and is not banned from it; NotFound for a message gone or of another room."""

        def work(session: Session) -> tuple[ReactionView, ...]:
            check_actor(session, actor)
            readable_room(session, room_id, actor.id)
            ensure_may_join(session, actor.id, room_id)  # a banned person reads nothing of the room
            _existing(session, room_id, message_id)
            found = message_queries.reactions(session, [message_id]).get(message_id, [])
            return _reaction_views(found, REACTORS_SHOWN)

        return await self.db.run(work)

    async def _write(self, work: Callable[[Session], T], failed: str) -> T:
        try:
            return await self.db.run(work)
        except SQLAlchemyError as error:  # the log names the failure, never the text
            reason = cannot_write(error)
            log.warning('changing a message failed: %s%s', error.__class__.__name__, f' ({reason})' if reason else '')
            raise Unavailable('storage_full' if reason else failed) from None

    async def whisper(self, actor: UserView, room_id: int, recipient: UserView, text: str) -> PrivateMessage:
        """Reaches only the recipient's and the sender's tabs in this room; never stored, never logged."""
        body = validation.message_body(text, self.settings.max_message_length)
        if recipient.id == actor.id:
            raise InvalidInput('private_to_self')
        with self.lifecycle.admit():  # the recipient's page is about to reload and would lose it
            return await self._whisper(actor, room_id, recipient, body)

    async def _whisper(self, actor: UserView, room_id: int, recipient: UserView, body: str) -> PrivateMessage:

        def check(session: Session) -> User:
            sender = check_actor(session, actor)
            ensure_may_post(session, actor.id, room_id)  # a muted person writes to nobody in the room
            return sender

        sender = await self.db.run(check)
        if not await self.presence.is_online(room_id, recipient.id):
            metrics.PRIVATE_MESSAGES.labels(outcome='undelivered').inc()
            raise NotDelivered('private_not_delivered', name=recipient.display_name)
        self._check_rate(actor)
        event = PrivateMessage(room_id, user_view(sender), recipient, body, datetime.now(UTC))
        await self.hub.publish(private_topic(room_id, recipient.id), event)
        await self.hub.publish(private_topic(room_id, actor.id), event)
        metrics.PRIVATE_MESSAGES.labels(outcome='delivered').inc()
        return event


def _newest_public(session: Session, room_id: int, message_id: int) -> bool:
    """Whether the message is the newest of a public room: the one the room directory shows."""
    room = room_queries.by_id(session, room_id)
    return room is not None and not room.is_private and read_queries.newest_message_id(session, room_id) == message_id


def _activity(message: MessageView) -> RoomActivity:
    """What the room directory shows of a new post: its words from the formatting made already (no parsing here)."""
    text = previews.of_rendered(message.body, message.formatted)
    files = previews.glimpse(message.attachments) if not text else None
    return RoomActivity(message.room_id, message.id, message.author.display_name, text, message.created_at, files)


def _history_page(session: Session, room_id: int, before_id: int | None, limit: int) -> list[MessageView]:
    """Rows made into views in the database thread too: reading 50 ORM rows' attributes took ~2 ms of the event
    loop per room opening."""
    return _views(session, message_queries.page(session, room_id, before_id, limit))


class SharedViews:
    """The views of recently read messages, so that every page opening a room holds the same view objects for the
    same messages (not one copy each: ~0.2 KB a message a page). A view is shared only while it equals a fresh one
    (an edit, a reaction or a renamed author makes a new one); the `limit` most recently read are kept. Used from the
    database threads, hence the lock."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._views: dict[int, MessageView] = {}
        self._lock = threading.Lock()

    def share(self, views: list[MessageView]) -> list[MessageView]:
        with self._lock:
            known = self._views
            shared = []
            for view in views:
                old = known.pop(view.id, None)
                if old is not None and old == view:
                    view = old
                known[view.id] = view  # the newest read last: the oldest goes first
                shared.append(view)
            while len(known) > self.limit:
                del known[next(iter(known))]
        return shared


SHARED_VIEWS = SharedViews(limit=1000)


def _views(session: Session, rows: list[tuple[Message, User]]) -> list[MessageView]:
    """Messages with what their replies quote and their reactions: one look-up each for the whole page."""
    quoted = message_queries.quoted(session, {m.reply_to for m, _ in rows if m.reply_to is not None})
    found = message_queries.reactions(session, [m.id for m, _ in rows])  # type: ignore[misc]
    files = file_queries.for_messages(session, [m.id for m, _ in rows if m.deleted_at is None])  # type: ignore[misc]
    # quoted messages of files alone not on this page: their files too, for the quote's "📎 report.pdf"
    files |= file_queries.for_messages(
        session, [i for i, (q, _) in quoted.items() if q.body == '' and q.deleted_at is None and i not in files]
    )
    views = []
    for m, u in rows:
        original = quoted.get(m.reply_to) if m.reply_to is not None else None
        views.append(
            MessageView(
                m.id,  # type: ignore[arg-type]
                m.room_id,
                user_view(u),
                # bodies interned: every page that opens the room shows the same strings (mortal: freed with the
                # last user)
                sys.intern(m.body),
                m.created_at,
                m.edited_at,
                m.deleted_at is not None,
                _quote(*original, files.get(m.reply_to, ())) if original is not None else None,  # type: ignore[arg-type]
                _reaction_views(found.get(m.id, [])),  # type: ignore[arg-type]
                markup.render(m.body) if m.deleted_at is None else None,
                mentioned_usernames(m.body) if m.deleted_at is None else (),
                tuple(file_view(a) for a in files.get(m.id, ())),  # type: ignore[call-overload]
            )
        )
    return SHARED_VIEWS.share(views)


def _check_mentions(
    session: Session, body: str, author: User, room_id: int, room: Room | None = None
) -> tuple[str, ...]:
    """Whom the body mentions; `@room` calls on everyone present, so only the room's owner or an admin may use it
    (refused, not rate-limited: the sender is told why and keeps the text). The room is read only for `@room`."""
    mentions = mentioned_usernames(body)
    if EVERYONE in mentions and not author.is_admin:
        room = room or room_queries.by_id(session, room_id)
        if room is None or room.owner_id != author.id:
            raise PermissionDenied('mention_room_denied')
    return mentions


def _existing(session: Session, room_id: int, message_id: int) -> Message:
    message = message_queries.by_id(session, message_id)
    if message is None or message.room_id != room_id:
        raise NotFound('message_not_found')
    if message.deleted_at is not None:
        raise NotFound('message_gone')
    return message


QUOTE_LENGTH = 100  # characters of a quoted first line


def _quote(message: Message, author_name: str, attachments: Sequence[Attachment] = ()) -> QuoteView:
    """`attachments`: the quoted message's files, needed when it has no words (its quote then names them)."""
    assert message.id is not None
    if message.deleted_at is not None:
        return QuoteView(message.id, author_name, '', deleted=True)
    line = message.body.split('\n', 1)[0]
    formatted = markup.render(line)
    if formatted is not None:  # the words, as the quoted bubble shows them, not its markup
        line = markup.text_of(formatted)
    if len(line) > QUOTE_LENGTH:
        line = line[: QUOTE_LENGTH - 1] + '…'
    return QuoteView(message.id, author_name, line, files=previews.glimpse(attachments) if not line else None)


REACTORS_SHOWN = 100  # names per emoji in a message's "Reactions" list ("… and 3 more" beyond)


def _reaction_views(
    rows: list[tuple[str, int, str]], names_shown: int = message_queries.NAMES_SHOWN
) -> tuple[ReactionView, ...]:
    """(emoji, user id, name) rows, oldest first, as one view per emoji in the order they first appeared."""
    by_emoji: dict[str, tuple[list[int], list[str]]] = {}
    for emoji, user_id, name in rows:
        ids, names = by_emoji.setdefault(emoji, ([], []))
        ids.append(user_id)
        if len(names) < names_shown:
            names.append(name)
    return tuple(ReactionView(e, len(ids), tuple(ids), tuple(names)) for e, (ids, names) in by_emoji.items())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
