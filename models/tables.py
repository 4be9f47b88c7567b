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


class Room(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    name_key: str = Field(max_length=192, unique=True)  # case-folded (can be 3x longer), case-insensitive unique
    owner_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
    )
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    user_id: int = Field(sa_column=Column(Integer, ForeignKey('user.id', ondelete='CASCADE'), primary_key=True))
    room_id: int = Field(sa_column=Column(Integer, ForeignKey('room.id', ondelete='CASCADE'), primary_key=True))
    joined_at: datetime = Field(default_factory=utcnow)
    last_read_message_id: int | None = None


class Message(SQLModel, table=True):
    __table_args__ = (Index('ix_message_room_id_id', 'room_id', 'id'),)

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
