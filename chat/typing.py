"""Who is typing in a room ("Ann is typing…"): a short-lived signal to the others there, published, never stored.

A page reports at most once per `typing_interval` seconds while its text changes; this service publishes at most one
`UserTyping` per person and room per interval (whatever the number of tabs), and to at most `MAX_TYPISTS` people per
room within `typing_expiry` seconds: a busy room does not send every page an event per keystroke. Pages forget a
typist `typing_expiry` seconds after the last event (pages/typing_line.py), so nothing needs to say "stopped".

Everything is kept in this process's memory, and no keystroke reads the database: the actor is checked against the
room's presence instead, which a page leaves when it closes or its session ends (pages/sessions.py), so a stale page
or someone outside the room cannot announce themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from chat.events import UserTyping
from chat.hub import Hub, room_topic
from chat.lifecycle import Lifecycle
from chat.presence import PresenceStore
from chat.settings import Settings
from chat.views import UserView

TYPING_INTERVAL = 3.0  # Settings.typing_interval's default
TYPING_EXPIRY = 6.0  # Settings.typing_expiry's default
MAX_TYPISTS = 5  # people per room announced within the expiry window; more are not published


class Typing:
    def __init__(
        self,
        hub: Hub,
        presence: PresenceStore,
        settings: Settings,
        lifecycle: Lifecycle,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hub, self.presence, self.settings, self.lifecycle = hub, presence, settings, lifecycle
        self._clock = clock
        self._rooms: dict[int, dict[int, float]] = {}  # room id -> user id -> when last published
        self._swept = clock()

    def _keep(self) -> float:
        """Seconds an entry matters: for the interval (the rate) and for the expiry (the cap of typists)."""
        return max(self.settings.typing_interval, self.settings.typing_expiry)

    def _typists(self, room_id: int, now: float) -> dict[int, float]:
        """The room's recent typists, the stale ones dropped; now and then every room's (bounded memory)."""
        keep = self._keep()
        if now - self._swept > keep:
            self._swept = now
            stale_rooms = [r for r, typists in self._rooms.items() if all(now - t >= keep for t in typists.values())]
            for stale_room in stale_rooms:
                del self._rooms[stale_room]
        typists = self._rooms.setdefault(room_id, {})
        for stale in [user_id for user_id, at in typists.items() if now - at >= keep]:
            del typists[stale]
        return typists

    async def started(self, actor: UserView, room_id: int) -> bool:
        """The actor typed in the room's field: tells the room's other pages, unless it was told lately or enough
        people are typing there already. Whether it published."""
        if self.lifecycle.stopping:
            return False
        now = self._clock()
        typists = self._typists(room_id, now)
        last = typists.get(actor.id)
        if last is not None and now - last < self.settings.typing_interval:
            return False
        if last is None and sum(now - at < self.settings.typing_expiry for at in typists.values()) >= MAX_TYPISTS:
            return False
        typists[actor.id] = now  # taken before the await: a second tab reporting meanwhile is refused
        if not await self.presence.is_online(room_id, actor.id):
            if typists.get(actor.id) == now:
                del typists[actor.id]
            return False
        await self.hub.publish(room_topic(room_id), UserTyping(room_id, actor.public))
        return True
