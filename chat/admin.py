"""The admin page's services: people (disable, promote, reset links), rooms (find, delete, give to someone) and the
dashboard's numbers. Every method re-checks that its actor is a signed-in admin: hiding the page is not the guard."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import delete
from sqlmodel import Session, col

from chat import validation
from chat.accounts import Accounts, check_actor, to_view, token_hash
from chat.errors import InvalidInput, NotFound, PermissionDenied
from chat.events import RoomChanged, SessionEnded
from chat.hub import LOBBY, Hub, user_topic
from chat.passwords import hash_password
from chat.presence import PresenceStore
from chat.rooms import Rooms
from chat.rooms import to_view as room_view
from chat.settings import Settings
from chat.views import RoomView, UserView
from models import PasswordReset, User
from storage import activity
from storage import admin as admin_queries
from storage import rooms as room_queries
from storage import users as user_queries
from storage.db import Database

T = TypeVar('T')
PAGE_SIZE = 20  # rows per page of the users and rooms tabs
RESET_HOURS = 24  # a reset link's life
CHART_DAYS = 30  # messages and active people per day
TOP_DAYS = 7  # rooms by activity over this many days
TOP_ROOMS = 10


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str
    display_name: str
    is_admin: bool
    disabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RoomRow:
    id: int
    name: str
    owner: str | None  # the owner's username; None: nobody owns it (admins manage it)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: list[T]
    total: int  # matching rows on every page
    page: int  # 0-based
    pages: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    days: list[str]  # 'YYYY-MM-DD', oldest first, UTC
    messages: list[int]  # posted per day
    authors: list[int]  # distinct people who posted per day
    online: int  # people with a room open right now
    top_rooms: list[tuple[str, int]]  # (name, messages over TOP_DAYS days), busiest first
    database_bytes: int
    media_bytes: int


def _user_row(user: User) -> UserRow:
    assert user.id is not None
    return UserRow(user.id, user.username, user.display_name, user.is_admin, user.disabled, user.created_at)


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def require_admin(session: Session, actor: UserView) -> User:
    """The acting user, re-read in the caller's transaction, when a signed-in admin; refused otherwise."""
    user = check_actor(session, actor)
    if not user.is_admin:
        raise PermissionDenied('admin_only')
    return user


def _target(session: Session, user_id: int) -> User:
    user = user_queries.by_id(session, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound('user_not_found')
    return user


class Admin:
    def __init__(
        self, db: Database, hub: Hub, presence: PresenceStore, accounts: Accounts, rooms: Rooms, settings: Settings
    ) -> None:
        self.db, self.hub, self.presence, self.accounts, self.rooms = db, hub, presence, accounts, rooms
        self.settings = settings

    async def check(self, actor: UserView) -> None:
        """Refuses a non-admin (or a stale session) before a page shows anything of the admin page."""
        await self.db.run(require_admin, actor)

    # --- people ---------------------------------------------------------------------------------------------------

    async def users(self, actor: UserView, query: str = '', page: int = 0) -> Page[UserRow]:
        def work(session: Session) -> Page[UserRow]:
            require_admin(session, actor)
            rows, total = admin_queries.users_page(session, query, max(page, 0) * PAGE_SIZE, PAGE_SIZE)
            return Page([_user_row(u) for u in rows], total, max(page, 0), _pages(total))

        return await self.db.run(work)

    async def set_disabled(self, actor: UserView, user_id: int, disabled: bool) -> UserRow:
        """A disabled user cannot sign in, and every session of theirs ends now (their open pages too)."""

        def work(session: Session) -> User:
            me = require_admin(session, actor)
            user = _target(session, user_id)
            if user.id == me.id and disabled:
                raise PermissionDenied('cannot_disable_self')
            if user.disabled != disabled:
                user.disabled = disabled
                if disabled:
                    user.session_version += 1
                    admin_queries.end_sessions(session, user_id)
                session.add(user)
                session.commit()
            return user

        user = await self.db.run(work)
        if disabled:
            await self.hub.publish(user_topic(user_id), SessionEnded(user_id))
        return _user_row(user)

    async def set_admin(self, actor: UserView, user_id: int, is_admin: bool) -> UserRow:
        """Promote or demote; the last admin cannot be demoted (nobody could reach this page any more)."""

        def work(session: Session) -> User:
            require_admin(session, actor)
            user = _target(session, user_id)
            if user.is_admin and not is_admin and not user.disabled and admin_queries.admin_count(session) <= 1:
                raise PermissionDenied('last_admin')
            user.is_admin = is_admin
            session.add(user)
            session.commit()
            return user

        user = await self.db.run(work)
        return _user_row(user)

    async def reset_link(self, actor: UserView, user_id: int) -> str:
        """A one-time token for /reset/<token>: valid RESET_HOURS, only its hash is stored."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)

        def work(session: Session) -> None:
            require_admin(session, actor)
            _target(session, user_id)
            session.add(
                PasswordReset(
                    token_hash=token_hash(token),
                    user_id=user_id,
                    created_at=now,
                    expires_at=now + timedelta(hours=RESET_HOURS),
                )
            )
            session.commit()

        await self.db.run(work)
        return token

    # --- rooms ----------------------------------------------------------------------------------------------------

    async def rooms_page(self, actor: UserView, query: str = '', page: int = 0) -> Page[RoomRow]:
        def work(session: Session) -> Page[RoomRow]:
            require_admin(session, actor)
            rows, total = admin_queries.rooms_page(session, query, max(page, 0) * PAGE_SIZE, PAGE_SIZE)
            items = [RoomRow(r.id, r.name, owner, r.created_at) for r, owner in rows if r.id is not None]
            return Page(items, total, max(page, 0), _pages(total))

        return await self.db.run(work)

    async def delete_room(self, actor: UserView, room_id: int) -> None:
        await self.db.run(require_admin, actor)
        await self.rooms.delete(actor, room_id)

    async def set_owner(self, actor: UserView, room_id: int, username: str) -> RoomView:
        """Gives the room to someone (by username); an empty name leaves it without an owner."""

        def work(session: Session) -> RoomView:
            require_admin(session, actor)
            room = room_queries.by_id(session, room_id)
            if room is None:
                raise NotFound('room_not_found')
            owner = None
            if username.strip():
                owner = user_queries.by_username(session, username.strip().lstrip('@'))
                if owner is None or owner.deleted_at is not None:
                    raise NotFound('user_not_found')
            room.owner_id = owner.id if owner else None
            session.add(room)
            session.commit()
            return room_view(room)

        room = await self.db.run(work)
        # open control panels re-check who manages it (not the room's topic: its pages would announce a rename)
        await self.hub.publish(LOBBY, RoomChanged(room, 'renamed'))
        return room

    # --- dashboard ------------------------------------------------------------------------------------------------

    async def dashboard(self, actor: UserView, today: date | None = None) -> Dashboard:
        today = today or datetime.now(UTC).date()
        days = activity.days(today, CHART_DAYS)
        week = activity.days(today, TOP_DAYS)[0]

        def work(session: Session) -> tuple[dict[str, tuple[int, int]], list[tuple[int, str, int]], int]:
            require_admin(session, actor)
            return (
                activity.per_day(session, days[0]),
                activity.top_rooms(session, week, TOP_ROOMS),
                activity.database_bytes(session),
            )

        per_day, top, database = await self.db.run(work)
        media = await asyncio.to_thread(activity.folder_bytes, self.settings.media_path)
        return Dashboard(
            days=days,
            messages=[per_day.get(d, (0, 0))[0] for d in days],
            authors=[per_day.get(d, (0, 0))[1] for d in days],
            online=await self.online_now(),
            top_rooms=[(name, n) for _id, name, n in top],
            database_bytes=database,
            media_bytes=media,
        )

    async def online_now(self) -> int:
        """People with at least one room open now, on every instance (presence)."""
        people: set[int] = set()
        for room_id in await self.presence.counts():
            people.update(await self.presence.online(room_id))
        return len(people)


async def redeem_reset(db: Database, hub: Hub, token: str, password: str) -> UserView:
    """Sets a new password through a reset link: once (the row goes), within its time; every session of the user
    ends. The same refusal for an unknown, used or expired link."""
    password = validation.password(password)
    new_hash = await hash_password(password)

    def work(session: Session) -> User:
        reset = session.get(PasswordReset, token_hash(token or ''))
        if reset is None:
            raise InvalidInput('reset_invalid')
        gone = session.exec(delete(PasswordReset).where(col(PasswordReset.token_hash) == reset.token_hash))  # type: ignore[call-overload]
        if gone.rowcount != 1:  # used a moment ago by another request
            raise InvalidInput('reset_invalid')
        expires = reset.expires_at if reset.expires_at.tzinfo else reset.expires_at.replace(tzinfo=UTC)
        if expires <= datetime.now(UTC):
            session.commit()  # an expired link goes too
            raise InvalidInput('reset_invalid')
        user = _target(session, reset.user_id)
        user.password_hash = new_hash
        user.session_version += 1
        admin_queries.end_sessions(session, reset.user_id)
        session.add(user)
        session.commit()
        return user

    user = await db.run(work)
    assert user.id is not None
    await hub.publish(user_topic(user.id), SessionEnded(user.id))
    return to_view(user)


async def reset_valid(db: Database, token: str) -> bool:
    """Whether a reset link may still be used (the page shows its form or says why not)."""

    def work(session: Session) -> bool:
        reset = session.get(PasswordReset, token_hash(token or ''))
        if reset is None:
            return False
        expires = reset.expires_at if reset.expires_at.tzinfo else reset.expires_at.replace(tzinfo=UTC)
        return expires > datetime.now(UTC)

    return await db.run(work)
