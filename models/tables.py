"""The stored state: users, rooms, memberships, public messages and their reactions (private messages are never
stored)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

SKELETON_LENGTH = 1024  # a character's prototype has up to 18 characters; names have at most 40


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=32)
    username_key: str = Field(max_length=32, unique=True)  # lower-cased, for case-insensitive uniqueness
    display_name: str = Field(max_length=40)
    # confusable skeletons (chat/names.py) of the username and the display name: no two people share one, in either
    # column, so none looks like another. NULL only for clashes found among accounts older than the rule (0003).
    username_skeleton: str | None = Field(default=None, max_length=SKELETON_LENGTH, unique=True, index=True)
    display_skeleton: str | None = Field(default=None, max_length=SKELETON_LENGTH, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    is_admin: bool = False
    avatar: str | None = Field(default=None, max_length=80)  # content-hash file name in the media folder
    language: str | None = Field(default=None, max_length=8)
    time_zone: str | None = Field(default=None, max_length=64)
    theme: str | None = Field(default=None, max_length=8)  # 'light' or 'dark'; NULL follows the system (0005)
    session_version: int = 0  # bumped to end every session of the user
    created_at: datetime = Field(default_factory=utcnow)
    disabled: bool = False  # set by an admin: cannot sign in, every session ended (0011)
    deleted_at: datetime | None = None  # the account was deleted: a nameless stand-in its messages point at (0011)


class Room(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    name_key: str = Field(max_length=192, unique=True)  # case-folded (can be 3x longer), case-insensitive unique
    owner_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
    )
    created_at: datetime = Field(default_factory=utcnow)
    topic: str = Field(default='', max_length=300)  # one line under the name (0009)
    is_private: bool = False  # readable and listed for members only (storage/access.py, 0009)
    # a direct conversation: '<lower user id>:<higher user id>', unique, so a pair has one (chat/direct.py, 0012)
    direct_key: str | None = Field(default=None, max_length=40, unique=True, index=True)


class Membership(SQLModel, table=True):
    user_id: int = Field(sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), primary_key=True))
    room_id: int = Field(sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), primary_key=True))
    joined_at: datetime = Field(default_factory=utcnow)
    last_read_message_id: int | None = None
    last_seen_at: datetime | None = None  # when the member last left the room (0009): "last seen" in the people pane
    role: str = Field(default='member', max_length=16)  # 'member' or 'moderator' (the owner is Room.owner_id) (0010)


class Message(SQLModel, table=True):
    __table_args__ = (
        Index('ix_message_room_id_id', 'room_id', 'id'),
        Index('ix_message_author_id_id', 'author_id', 'id'),  # a person's own messages: export, account deletion
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), nullable=False))
    author_id: int = Field(sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), nullable=False))
    body: str  # '' once deleted: a deleted message keeps its place, never its text
    created_at: datetime = Field(default_factory=utcnow)
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    reply_to: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey('message.id', ondelete='SET NULL'), nullable=True),
    )


class Reaction(SQLModel, table=True):
    """One person's emoji on one message. The unique triple makes toggling idempotent without reading first: adding
    is an INSERT (a duplicate is "already there"), removing a DELETE."""

    __table_args__ = (UniqueConstraint('message_id', 'user_id', 'emoji', name='uq_reaction_message_user_emoji'),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(sa_column=Column(Integer, ForeignKey('message.id', ondelete='CASCADE'), nullable=False))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), nullable=False))
    emoji: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """One signed-in browser. Signing out deletes it, so every tab of that browser is refused from then on."""

    __tablename__ = 'login_session'

    token_hash: str = Field(primary_key=True, max_length=64)  # sha256 of the token kept in the browser's session
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class Attachment(SQLModel, table=True):
    """A file attached to a message. Uploaded first (`message_id` NULL), then sent with the message; the bytes live in
    the files folder under their sha256, shared by every attachment with the same content (chat/files.py)."""

    id: str = Field(primary_key=True, max_length=32)  # random: the only handle pages and download links use
    message_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey('message.id', ondelete='CASCADE'), nullable=True, index=True),
    )
    room_id: int = Field(sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), nullable=False))
    uploader_id: int = Field(
        sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), nullable=False, index=True)
    )
    sha256: str = Field(max_length=64, index=True)
    name: str = Field(max_length=255)
    size: int
    mime: str = Field(max_length=100)
    width: int | None = None  # images only
    height: int | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Invite(SQLModel, table=True):
    """A link that lets whoever holds it join a room: only the token's hash is stored (like login sessions), so the
    database alone opens no room. Refused once expired, revoked or used `max_uses` times."""

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(
        sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), nullable=False, index=True)
    )
    token_hash: str = Field(max_length=64, unique=True)
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey('user.id', ondelete='SET NULL'), nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    max_uses: int | None = None  # None: no limit
    uses: int = 0
    revoked_at: datetime | None = None


class RoomRestriction(SQLModel, table=True):
    """A mute or a ban of one person in one room (chat/moderation.py); `until` NULL: until lifted. An expired mute is
    ignored where it is read, and replaced by the next one."""

    __tablename__ = 'room_restriction'

    room_id: int = Field(sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), primary_key=True))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), primary_key=True))
    kind: str = Field(primary_key=True, max_length=8)  # 'mute' or 'ban'
    until: datetime | None = None
    reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class ModerationAction(SQLModel, table=True):
    """The log of every moderation action, kept with its room; people may go, the entry stays (their id NULL)."""

    __tablename__ = 'moderation_action'
    __table_args__ = (Index('ix_moderation_action_room_id_id', 'room_id', 'id'),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), nullable=False))
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey('user.id', ondelete='SET NULL'), nullable=True)
    )
    target_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey('user.id', ondelete='SET NULL'), nullable=True)
    )
    action: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=200)
    until: datetime | None = None
    at: datetime = Field(default_factory=utcnow)


class RoomDay(SQLModel, table=True):
    """Messages posted per UTC day and room, counted as they are posted (storage/activity.py): the admin dashboard's
    charts read these few rows instead of counting a million messages. Deleting a message does not uncount it."""

    __tablename__ = 'room_day'

    day: str = Field(primary_key=True, max_length=10)  # 'YYYY-MM-DD', UTC
    room_id: int = Field(sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), primary_key=True))
    messages: int = 0


class AuthorDay(SQLModel, table=True):
    """Messages posted per UTC day and author: its rows per day are the day's active people."""

    __tablename__ = 'author_day'

    day: str = Field(primary_key=True, max_length=10)
    author_id: int = Field(sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), primary_key=True))
    messages: int = 0


class PasswordReset(SQLModel, table=True):
    """A one-time link an admin made for a user to set a new password; only the token's hash is stored, and the
    row goes when it is used."""

    __tablename__ = 'password_reset'

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
