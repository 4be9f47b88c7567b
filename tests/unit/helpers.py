"""Shared helpers for the unit tests: fast users (one real argon2 hash, computed once) and event recorders."""

from __future__ import annotations

import re
from functools import cache
from string import Formatter

from passlib.hash import argon2
from sqlalchemy import text
from sqlmodel import Session, func, select

from chat.accounts import to_view
from chat.events import Event
from chat.hub import Hub
from chat.i18n import TRANSLATIONS
from chat.services import Services
from chat.views import UserView
from models import Membership, Message, Room, User
from storage import users as user_queries

PASSWORD = 'correct-horse-battery'


@cache
def password_hash() -> str:
    """A real argon2id hash of PASSWORD with cheap parameters, made once. The app's own parameters cost
    ~130 ms per hash and per check, so tests that do not test hashing insert their users with this one
    (the first successful sign-in upgrades it to the app's parameters, as it would any outdated hash)."""
    return argon2.using(memory_cost=256, time_cost=1, parallelism=1).hash(PASSWORD)


async def add_user(services: Services, username: str, *, display_name: str = '', is_admin: bool = False) -> UserView:
    user = User(
        username=username,
        username_key=username.lower(),
        display_name=display_name or username,
        password_hash=password_hash(),
        is_admin=is_admin,
    )
    return to_view(await services.db.run(user_queries.add, user))


async def refresh(services: Services, user: UserView) -> UserView:
    return await services.accounts.get(user.id)


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


async def count_rows(services: Services, model: type[Message | Room | User | Membership]) -> int:
    return await services.db.run(_count, model)


async def execute(services: Services, sql: str) -> list[tuple[object, ...]]:
    def work(session: Session) -> list[tuple[object, ...]]:
        result = session.connection().execute(text(sql))
        rows = [tuple(row) for row in result] if result.returns_rows else []
        session.commit()
        return rows

    return await services.db.run(work)


class Recorder:
    """Subscribes to hub topics and keeps what each received."""

    def __init__(self) -> None:
        self.events: dict[str, list[Event]] = {}

    def listen(self, hub: Hub, *topics: str) -> Recorder:
        for topic in topics:
            received = self.events.setdefault(topic, [])
            hub.subscribe(topic, received.append)
        return self

    def of(self, topic: str) -> list[Event]:
        return self.events.get(topic, [])

    def total(self) -> int:
        return sum(len(events) for events in self.events.values())


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def assert_known_key(key: str) -> None:
    assert key in TRANSLATIONS, f'error key {key!r} has no translation'
    assert re.fullmatch(r'[a-z0-9_]+', key)
