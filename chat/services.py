"""Builds the services for one running instance and owns their start and stop."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from chat import metrics, passwords
from chat.accounts import Accounts
from chat.admin import Admin
from chat.files import Files
from chat.hub import Hub, LocalHub
from chat.invites import Invites
from chat.lifecycle import Lifecycle
from chat.members import Members
from chat.messages import Messages
from chat.moderation import Moderation
from chat.my_data import MyData
from chat.presence import LocalPresence, PresenceStore
from chat.rooms import Rooms
from chat.search import Search
from chat.settings import Settings
from chat.tasks import cancel_and_wait
from chat.typing import Typing
from chat.unread import Unread
from storage import migrate
from storage.db import Database

log = logging.getLogger(__name__)
SESSION_PRUNE_INTERVAL = 3600.0


@dataclass
class Services:
    settings: Settings
    db: Database
    hub: Hub
    presence: PresenceStore
    accounts: Accounts
    rooms: Rooms
    messages: Messages
    lifecycle: Lifecycle
    unread: Unread
    typing: Typing
    search: Search
    files: Files
    invites: Invites
    members: Members
    moderation: Moderation
    admin: Admin
    my_data: MyData

    started: bool = False
    _housekeeping: asyncio.Task | None = field(default=None, repr=False)
    _file_sweep: asyncio.Task | None = field(default=None, repr=False)

    def migrate(self) -> None:
        """Runs before the server accepts requests (NiceGUI runs start-up handlers as background tasks)."""
        migrate.upgrade(self.db.engine)

    async def start(self) -> None:
        if self.started:
            return
        self.started = True
        await self.presence.start()
        await self.hub.start()
        self._housekeeping = asyncio.create_task(self._prune_sessions(), name='prune login sessions')
        self._file_sweep = asyncio.create_task(self._sweep_uploads(), name='sweep unsent uploads')

    def begin_stop(self) -> None:
        """The instance is going away: new posts are refused from now on, those under way still complete."""
        self.lifecycle.begin_stop()

    async def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        self.lifecycle.begin_stop()
        await cancel_and_wait(self._housekeeping)
        await cancel_and_wait(self._file_sweep)
        await self.unread.stop()  # the read marks of the last seconds
        await self.hub.stop()
        await self.presence.stop()
        await asyncio.to_thread(self.db.close)  # waits for database work under way; the SQLite WAL is checkpointed

    async def _prune_sessions(self) -> None:
        """Expired login sessions are refused anyway; this only keeps the table small."""
        while True:
            try:
                await self.accounts.prune_sessions()
            except Exception:  # the database may be away for a moment; try again next round
                log.warning('pruning expired login sessions failed', exc_info=True)
            await asyncio.sleep(SESSION_PRUNE_INTERVAL)

    async def _sweep_uploads(self) -> None:
        """Uploads never sent go after `upload_orphan_age` (checked a few times per that age)."""
        interval = max(1.0, min(SESSION_PRUNE_INTERVAL, self.settings.upload_orphan_age / 4))
        while True:
            try:
                await self.files.sweep()
            except Exception:  # the database or the disk may be away for a moment; try again next round
                log.warning('sweeping unsent uploads failed', exc_info=True)
            await asyncio.sleep(interval)


def build(settings: Settings) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    passwords.configure(settings.password_memory_kib, settings.password_time_cost)
    db = Database(settings.sqlalchemy_url, settings.db_threads, observe=metrics.DB_CALL.observe)
    hub: Hub
    presence: PresenceStore
    if settings.redis_url:
        from chat.redis_backend import RedisHub, RedisPresence

        hub = RedisHub(settings.redis_url, settings.redis_prefix)
        presence = RedisPresence(settings.redis_url, settings.redis_prefix)
    else:
        hub, presence = LocalHub(), LocalPresence()
    accounts = Accounts(db, hub, settings)
    if settings.redis_url:  # the presence sweep names the users of a killed instance in its leave events
        presence.attach(accounts.by_ids)  # type: ignore[attr-defined]
    rooms = Rooms(db, hub, presence, accounts, settings)
    lifecycle = Lifecycle()
    messages = Messages(db, hub, presence, settings, lifecycle)
    unread = Unread(db, hub, settings.read_flush_interval)
    typing = Typing(hub, presence, settings, lifecycle)
    search = Search(db, settings)
    files = Files(db, settings)
    messages.files = files
    invites = Invites(db, hub)
    members = Members(db, hub)
    moderation = Moderation(db, hub)
    admin = Admin(db, hub, presence, accounts, rooms, settings)
    my_data = MyData(db, hub, accounts, settings)
    return Services(
        settings,
        db,
        hub,
        presence,
        accounts,
        rooms,
        messages,
        lifecycle,
        unread,
        typing,
        search,
        files,
        invites,
        members,
        moderation,
        admin,
        my_data,
    )
