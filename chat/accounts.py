"""Registration, sign-in, sessions and profile basics. Every rule lives here, not in pages."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from chat import metrics, names, validation
from chat.avatars import content_name, process_upload
from chat.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, RateLimited
from chat.events import ProfileChanged, SessionEnded
from chat.hub import PROFILES, Hub, user_topic
from chat.i18n import LANGUAGES
from chat.passwords import hash_password, verify_password
from chat.ratelimit import RateLimiter
from chat.settings import Settings
from chat.tasks import in_turn
from chat.views import UserView
from models import LoginSession, User
from storage import media
from storage import sessions as session_queries
from storage import users as user_queries
from storage.db import Database

THEMES = ('light', 'dark', None)  # None: follow the system's setting
AVATAR_DECODES_AT_ONCE = 1  # uploads beyond it wait for their turn (bench/uploads.py measures the memory)


def to_view(user: User) -> UserView:
    assert user.id is not None
    return _shared_view(
        user.id,
        user.username,
        user.display_name,
        user.avatar,
        user.is_admin,
        user.language,
        user.time_zone,
        user.session_version,
        user.theme,
    )


@lru_cache(maxsize=4096)
def _shared_view(*fields: Any) -> UserView:
    """Equal snapshots are one object: every open page of a room keeps a view of everyone present, so with N people
    in a room that is N views per page - shared, N dictionary entries per page instead of N copies."""
    return UserView(*fields)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_actor(session: Session, actor: UserView) -> User:
    """Re-reads the acting user inside the caller's transaction; refuses a stale page.

    Refused when the user is gone, their sessions were ended (password change, admin reset), or the browser's login
    session was signed out or expired. Views without a token are the command line's and the tests'.
    """
    user = user_queries.by_id(session, actor.id)
    if user is None or user.session_version != actor.session_version or user.disabled:
        raise NotAuthenticated('session_ended')
    if actor.session_token is not None:
        login = session_queries.get(session, token_hash(actor.session_token))
        if login is None or login.user_id != user.id or _aware(login.expires_at) <= datetime.now(UTC):
            raise NotAuthenticated('session_ended')
    return user


def _refuse_taken_names(session: Session, username: str, skeletons: tuple[str, str], chosen: bool) -> None:
    """A new account's names must not be, or look like, anyone's username or display name."""
    if user_queries.by_username(session, username) is not None:
        raise Conflict('username_taken')
    username_skeleton, display_skeleton = skeletons
    if user_queries.claiming(session, [username_skeleton]) is not None:
        raise Conflict('username_confusable')
    if user_queries.claiming(session, [display_skeleton]) is not None:
        raise Conflict('display_name_confusable' if chosen else 'username_confusable')


def as_actor(user: User, actor: UserView) -> UserView:
    """A fresh view of the user that keeps acting with the same login session."""
    return replace(to_view(user), session_token=actor.session_token)


class Accounts:
    def __init__(self, db: Database, hub: Hub, settings: Settings) -> None:
        self.db, self.hub, self.settings = db, hub, settings
        self.login_failures = RateLimiter(settings.login_max_failures, settings.login_lockout_window)
        self.registrations = RateLimiter(settings.register_rate, 3600)
        # one image decoded at a time: a decode holds the full-size image (up to 64 MB at the pixel limit), and
        # eight concurrent uploads declaring 25 megapixels each took the server from 128 MB to 1.3 GB
        self._decoding = asyncio.Semaphore(AVATAR_DECODES_AT_ONCE)

    async def register(
        self, username: str, password: str, display_name: str = '', *, client: str = '', is_admin: bool = False
    ) -> UserView:
        username = validation.username(username)
        password = validation.password(password)
        chosen = bool((display_name or '').strip())
        display_name = validation.display_name(display_name) if chosen else username
        skeletons = names.skeleton(username), names.skeleton(display_name)
        key = f'register:{client}'
        if client:
            if wait := self.registrations.retry_after(key):
                metrics.RATE_LIMITED.labels(limit='registrations').inc()
                raise RateLimited('rate_registrations', seconds=int(wait) + 1)
            self.registrations.hit(key)  # counted now, so concurrent registrations cannot all pass the check
        try:
            # before hashing: a taken name costs no argon2 run
            await self.db.run(_refuse_taken_names, username, skeletons, chosen)
            password_hash = await hash_password(password)
            user = User(
                username=username,
                username_key=username.lower(),
                display_name=display_name,
                username_skeleton=skeletons[0],
                display_skeleton=skeletons[1],
                password_hash=password_hash,
                is_admin=is_admin,
            )

            def add(session: Session) -> User:
                _refuse_taken_names(session, username, skeletons, chosen)  # again, in the inserting transaction
                return user_queries.add(session, user)

            user = await self.db.run(add)
        except BaseException as error:
            if client:
                self.registrations.undo(key)  # a refused registration does not count
            if isinstance(error, IntegrityError):  # a concurrent registration took a name: say which
                await self.db.run(_refuse_taken_names, username, skeletons, chosen)
                raise Conflict('username_taken') from None
            raise
        return to_view(user)

    async def authenticate(self, username: str, password: str, *, client: str = '') -> UserView:
        """Wrong password and unknown user fail alike; repeated failures lock the name and the address."""
        keys = [f'user:{(username or "").strip().lower()}'] + ([f'addr:{client}'] if client else [])
        wait = max(self.login_failures.retry_after(key) for key in keys)
        if wait:
            metrics.RATE_LIMITED.labels(limit='login').inc()
            raise RateLimited('rate_login', seconds=int(wait) + 1)
        for key in keys:  # counted as a failure before the check (success resets): concurrent guesses cannot slip by
            self.login_failures.hit(key)
        name = (username or '').strip()
        # a name no user can have (e.g. a lone surrogate, which the driver cannot even encode) is an unknown user
        user = await self.db.run(user_queries.by_username, name) if validation.USERNAME_RE.fullmatch(name) else None
        valid, new_hash = await verify_password(password or '', user.password_hash if user else None)
        if not valid or user is None:
            raise InvalidInput('login_failed')
        if user.disabled:  # said only to whoever knows the password
            raise InvalidInput('account_disabled')
        for key in keys:
            self.login_failures.reset(key)
        if new_hash:
            user.password_hash = new_hash
            await self.db.run(user_queries.save, user)
        return to_view(user)

    async def start_session(self, user: UserView) -> UserView:
        """Signs a browser in: the returned view carries the token the page keeps in the browser's session."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        login = LoginSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.session_max_age),
        )
        await self.db.run(session_queries.add, login)
        return replace(user, session_token=token)

    async def end_session(self, actor: UserView) -> None:
        """Signs the browser out: every page of it is ended on the server (pages/sessions.py) and refused after."""
        if actor.session_token:
            await self.db.run(session_queries.remove, token_hash(actor.session_token))
        await self.hub.publish(user_topic(actor.id), SessionEnded(actor.id))

    async def user_for_token(self, token: str | None) -> UserView | None:
        """The signed-in user of a browser's session token, or None when it was signed out, ended or expired. The
        token alone proves the session: it is only ever issued at sign-in, in a fresh session cookie."""
        if not token:
            return None

        def work(session: Session) -> UserView | None:
            login = session_queries.get(session, token_hash(token))
            if login is None or _aware(login.expires_at) <= datetime.now(UTC):
                return None
            user = user_queries.by_id(session, login.user_id)
            if user is None or user.disabled:
                return None
            return replace(to_view(user), session_token=token)

        return await self.db.run(work)

    async def live_tokens(self, tokens: set[str]) -> set[str]:
        """Which of these session tokens still hold: one query for every open page of an instance."""
        hashes = {token_hash(token): token for token in tokens}
        live = await self.db.run(session_queries.live, list(hashes), datetime.now(UTC))
        return {hashes[h] for h in live}

    async def prune_sessions(self) -> None:
        await self.db.run(session_queries.remove_expired, datetime.now(UTC))

    async def session_user(
        self, user_id: int | None, session_version: int | None, session_token: str | None = None
    ) -> UserView | None:
        """The signed-in user of a browser session, or None when the session no longer holds."""
        if user_id is None:
            return None
        probe = UserView(
            id=user_id, username='', display_name='', session_version=session_version or 0, session_token=session_token
        )

        def work(session: Session) -> UserView | None:
            try:
                return as_actor(check_actor(session, probe), probe)
            except NotAuthenticated:
                return None

        return await self.db.run(work)

    async def require(self, actor: UserView) -> UserView:
        """Re-checks a page's user before it acts: a stale page of a signed-out or deleted user is refused."""
        current = await self.session_user(actor.id, actor.session_version, actor.session_token)
        if current is None:
            raise NotAuthenticated('session_ended')
        return current

    async def get(self, user_id: int) -> UserView:
        user = await self.db.run(user_queries.by_id, user_id)
        if user is None:
            raise NotFound('user_not_found')
        return to_view(user)

    async def by_ids(self, user_ids: list[int]) -> dict[int, UserView]:
        users = await self.db.run(user_queries.by_ids, user_ids)
        return {user.id: to_view(user) for user in users if user.id is not None}

    async def _update(self, actor: UserView, **changes: object) -> UserView:
        def work(session: Session) -> User:
            user = check_actor(session, actor)
            for name, value in changes.items():
                setattr(user, name, value)
            if 'session_version' in changes:  # a password change: every other login session ends now
                keep = token_hash(actor.session_token) if actor.session_token else None
                session_queries.remove_others(session, actor.id, keep)
            return user_queries.save(session, user)

        return as_actor(await self.db.run(work), actor)

    async def set_language(self, actor: UserView, language: str) -> UserView:
        if language not in LANGUAGES:
            raise InvalidInput('language_invalid')
        return await self._update(actor, language=language)

    async def set_theme(self, actor: UserView, theme: str | None) -> UserView:
        """Light, dark or None (follow the system); the user's other open pages switch too (their header listens)."""
        if theme not in THEMES:
            raise InvalidInput('theme_invalid')
        user = await self._update(actor, theme=theme)
        await self.hub.publish(user_topic(user.id), ProfileChanged(user.public))  # own tabs only: no bubble changes
        return user

    async def set_time_zone(self, actor: UserView, time_zone: str) -> UserView:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput('time_zone_invalid') from None
        return await self._update(actor, time_zone=time_zone)

    async def set_display_name(self, actor: UserView, display_name: str) -> UserView:
        """Refused when the new name looks like another person's username or display name (chat/names.py)."""
        display_name = validation.display_name(display_name)
        key = names.skeleton(display_name)

        def work(session: Session) -> User:
            user = check_actor(session, actor)
            if user_queries.claiming(session, [key], other_than=user.id) is not None:
                raise Conflict('display_name_confusable')
            user.display_name, user.display_skeleton = display_name, key
            return user_queries.save(session, user)

        try:
            user = as_actor(await self.db.run(work), actor)
        except IntegrityError:  # someone took a look-alike name a moment ago
            raise Conflict('display_name_confusable') from None
        await self._publish_profile(user)
        return user

    async def set_avatar(self, actor: UserView, avatar: str | None) -> UserView:
        user = await self._update(actor, avatar=avatar)
        await self._publish_profile(user)
        return user

    async def change_password(self, actor: UserView, current: str, new: str) -> UserView:
        """Ends every other session: the caller stores the returned session version in its own session."""
        new = validation.password(new)
        user = await self.db.run(check_actor, actor)
        valid, _ = await verify_password(current or '', user.password_hash)
        if not valid:
            raise InvalidInput('password_wrong')
        new_hash = await hash_password(new)
        updated = await self._update(actor, password_hash=new_hash, session_version=actor.session_version + 1)
        await self.hub.publish(user_topic(actor.id), SessionEnded(actor.id))
        return updated

    async def set_password_admin(self, username: str, new: str) -> UserView:
        """For the command line: reset a password and end every session of that user."""
        new = validation.password(new)
        user = await self.db.run(user_queries.by_username, username)
        if user is None:
            raise NotFound('user_not_found')
        user.password_hash = await hash_password(new)
        user.session_version += 1

        def work(session: Session) -> User:
            session_queries.remove_others(session, user.id, None)  # type: ignore[arg-type]
            return user_queries.save(session, user)

        return to_view(await self.db.run(work))

    async def make_admin(self, username: str, password: str | None) -> tuple[UserView, bool]:
        """Promotes an existing user or creates a new admin; returns (user, created)."""
        user = await self.db.run(user_queries.by_username, username)
        if user is None:
            if not password:
                raise InvalidInput('password_too_short', min=8)
            return await self.register(username, password, is_admin=True), True
        user.is_admin = True
        if password:
            user.password_hash = await hash_password(validation.password(password))
        return to_view(await self.db.run(user_queries.save, user)), False

    async def _publish_profile(self, user: UserView) -> None:
        """Own tabs (header) and every open feed and online list (names and avatars beside messages)."""
        event = ProfileChanged(user.public)
        await self.hub.publish(user_topic(user.id), event)
        await self.hub.publish(PROFILES, event)

    async def upload_avatar(self, actor: UserView, data: bytes) -> UserView:
        """Checks and re-encodes the image off the event loop, stores it by content hash, then shows it to all."""
        await self.require(actor)
        try:
            image = await self._decode(data)
        except InvalidInput as error:
            metrics.AVATAR_REFUSED.labels(reason=error.key).inc()
            raise
        name = content_name(image)
        await asyncio.to_thread(media.write, self.settings.media_path, name, image)
        return await self.set_avatar(actor, name)

    async def _decode(self, data: bytes) -> bytes:
        """process_upload on a worker thread, at most AVATAR_DECODES_AT_ONCE at a time."""
        settings = self.settings
        return await in_turn(
            self._decoding,
            lambda: process_upload(data, max_bytes=settings.max_avatar_bytes, max_pixels=settings.max_avatar_pixels),
        )

    async def remove_avatar(self, actor: UserView) -> UserView:
        return await self.set_avatar(actor, None)
