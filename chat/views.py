"""Immutable snapshots the services hand to pages and events (never live ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
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


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    room_id: int
    author: UserView
    body: str
    created_at: datetime
