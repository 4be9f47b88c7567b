"""Builds the services for one running instance and owns their start and stop."""

from __future__ import annotations

from dataclasses import dataclass

from chat.accounts import Accounts
from chat.hub import Hub, LocalHub
from chat.messages import Messages
from chat.presence import LocalPresence, PresenceStore
from chat.rooms import Rooms
from chat.settings import Settings
from storage import migrate
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    hub: Hub
    presence: PresenceStore
    accounts: Accounts
    rooms: Rooms
    messages: Messages

    started: bool = False

    def migrate(self) -> None:
        """Runs before the server accepts requests (NiceGUI runs start-up handlers as background tasks)."""
        migrate.upgrade(self.db.engine)

    async def start(self) -> None:
        if self.started:
            return
        self.started = True
        await self.presence.start()
        await self.hub.start()

    async def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        await self.hub.stop()
        await self.presence.stop()
        self.db.close()


def build(settings: Settings) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url, settings.db_threads)
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
    messages = Messages(db, hub, presence, settings)
    return Services(settings, db, hub, presence, accounts, rooms, messages)
