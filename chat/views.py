"""Immutable snapshots the services hand to pages and events (never live ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str
    avatar: str | None = None
    is_admin: bool = False
    language: str | None = None
    time_zone: str | None = None
    session_version: int = 0
    theme: str | None = None  # 'light', 'dark' or None: follow the system
    # set only on the view a page acts with: the browser's login session, re-checked by every service call
    session_token: str | None = field(default=None, repr=False, compare=False)

    @property
    def public(self) -> UserView:
        """The view to put into events: never carries a session token."""
        return replace(self, session_token=None) if self.session_token else self

    @property
    def avatar_url(self) -> str:
        if self.avatar:
            return f'/media/{self.avatar}'
        return _default_avatar_url(self.username)


@lru_cache(maxsize=4096)
def _default_avatar_url(username: str) -> str:
    """Asked for every message a page shows (part of a shared bubble's key): quoted once per name."""
    return f'/avatars/default/{quote(username)}.png'


@dataclass(frozen=True, slots=True)
class RoomView:
    id: int
    name: str
    owner_id: int | None
    created_at: datetime
    topic: str = ''
    is_private: bool = False
    direct_key: str | None = None  # a two-person conversation (chat/direct.py); `name` is then the other person's

    @property
    def is_direct(self) -> bool:
        return self.direct_key is not None


@dataclass(frozen=True, slots=True)
class FilesGlimpse:
    """What a one-line preview says of a message that is files alone (no words): how many, the first one's name, and
    whether every one is a picture (chat/previews.py's `line` makes it "📎 report.pdf", "🖼 Photo", "📎 3 files")."""

    count: int
    name: str
    images: bool


@dataclass(frozen=True, slots=True)
class RoomSummary:
    """A row of the room directory: the room and a glimpse of its newest message (the `last_` fields are None for a
    room without messages). The preview is one line of plain words, cut short: enough for a row, never the body."""

    room: RoomView
    last_message_id: int | None = None
    last_message_at: datetime | None = None
    last_author: str | None = None
    last_preview: str = ''  # '' when deleted
    last_deleted: bool = False
    last_files: FilesGlimpse | None = None  # its files, when it has no words

    @property
    def activity(self) -> tuple[bool, datetime, int]:
        """The directory's order, newest first: rooms with messages by their newest one, then the others by when
        they were created (times as UTC: SQLite hands them back without their zone)."""
        if self.last_message_at is not None and self.last_message_id is not None:
            return True, utc(self.last_message_at), self.last_message_id
        return False, utc(self.room.created_at), self.room.id


def utc(moment: datetime) -> datetime:
    """Stored times are UTC, with or without their zone depending on the database: always with it here."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class QuoteView:
    """What a reply shows of the message it answers: its author and first line (nothing once it is deleted)."""

    message_id: int
    author_name: str
    first_line: str
    deleted: bool = False
    files: FilesGlimpse | None = None  # its files, when it has no words


@dataclass(frozen=True, slots=True)
class ReactionView:
    """One emoji on one message: how many, who (ids, to mark a viewer's own) and the first few names (a hint)."""

    emoji: str
    count: int
    user_ids: tuple[int, ...]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """A file sent with a message: its random id is the only handle (downloads check who may read the room)."""

    id: str
    name: str
    size: int
    mime: str
    width: int | None = None  # images only
    height: int | None = None

    @property
    def image(self) -> bool:
        """Shown inline (a re-encoded png/jpeg/webp); every other file is offered as a download."""
        return self.width is not None

    @property
    def url(self) -> str:
        return f'/files/{self.id}'

    @property
    def thumb_url(self) -> str:
        return f'/files/{self.id}/thumb'


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    room_id: int
    author: UserView
    body: str  # '' when deleted
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False
    reply: QuoteView | None = None
    reactions: tuple[ReactionView, ...] = ()
    # the body as sanitized HTML when it has formatting (chat/markup.py), made where the message is read or written,
    # in a database thread: a long body can cost the parser tens of milliseconds, which must not hold the event loop
    formatted: str | None = None
    # the lower-cased usernames it mentions, `room` for everyone (chat/mentions.py): a page compares its viewer's
    # username with them, no look-up needed
    mentions: tuple[str, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()  # files sent with it (chat/files.py), in the order attached


@dataclass(frozen=True, slots=True)
class RoomUnread:
    """One room in the user's room list: what is unread there (counted up to a cap) and whether it calls on them."""

    room: RoomView
    unread: int
    mentioned: bool
    last_read: int  # the newest message read (0: none)
    newest: int = 0  # the newest message counted (the read mark when none is unread): a later one is new
