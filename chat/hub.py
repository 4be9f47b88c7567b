"""Publish/subscribe keyed by topic; the interface both the in-process and the Redis backends implement.

Topics: ``room:<id>`` (everyone with the room open), ``private:<room>:<user>`` (one user's tabs in one room),
``user:<id>`` (all tabs of one user), ``activity:<id>`` (a room's new messages, for the room lists of its members'
pages), ``lobby`` (room list changes and online counts).
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from itertools import count

from chat import metrics
from chat.events import Event

log = logging.getLogger(__name__)

Callback = Callable[[Event], None]
LOBBY = 'lobby'
STATUS = 'status'  # local only: broker connection state
PROFILES = 'profiles'  # display name and avatar changes, for every open feed


def room_topic(room_id: int) -> str:
    return f'room:{room_id}'


def private_topic(room_id: int, user_id: int) -> str:
    return f'private:{room_id}:{user_id}'


def activity_topic(room_id: int) -> str:
    return f'activity:{room_id}'


def user_topic(user_id: int) -> str:
    return f'user:{user_id}'


class Subscription:
    def __init__(self, hub: Hub, topic: str, token: int) -> None:
        self.hub, self.topic, self.token = hub, topic, token
        self.active = True

    def cancel(self) -> None:
        if self.active:
            self.active = False
            self.hub._unsubscribe(self)


class Hub(ABC):
    """Delivers each event to the local subscribers of its topic only: cost grows with the audience."""

    def __init__(self) -> None:
        self._topics: dict[str, dict[int, Callback]] = {}
        self._tokens = count()

    def subscribe(self, topic: str, callback: Callback) -> Subscription:
        subscribers = self._topics.get(topic)
        if subscribers is None:
            subscribers = self._topics[topic] = {}
            self._first_subscriber(topic)
        token = next(self._tokens)
        subscribers[token] = callback
        return Subscription(self, topic, token)

    def _unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._topics.get(subscription.topic)
        if subscribers is None:
            return
        subscribers.pop(subscription.token, None)
        if not subscribers:
            del self._topics[subscription.topic]
            self._last_subscriber_gone(subscription.topic)

    def deliver_local(self, topic: str, event: Event, published: float | None = None) -> int:
        """Hand the event to this instance's subscribers; a failing subscriber does not stop the others.

        `published` (wall-clock seconds at publish) gives one delivery-lag observation per event: until the last
        local subscriber (a page's handler) has run, the page a person waits on longest. One per event, not per page:
        ~2 us per message whatever the audience."""
        subscribers = self._topics.get(topic)
        if not subscribers:
            return 0
        for callback in list(subscribers.values()):
            try:
                callback(event)
            except Exception:
                log.exception('subscriber of %s failed', topic)
        if published is not None:
            metrics.DELIVERY_LAG.observe(max(0.0, time.time() - published))
        return len(subscribers)

    def subscriber_count(self, topic: str) -> int:
        return len(self._topics.get(topic, ()))

    @property
    def connected(self) -> bool:
        return True

    async def reachable(self) -> bool:
        """Whether the broker answers now (readiness, pages/ops.py); always, without one."""
        return True

    @abstractmethod
    async def publish(self, topic: str, event: Event) -> None: ...

    def _first_subscriber(self, topic: str) -> None:  # noqa: B027 - hook for brokers
        pass

    def _last_subscriber_gone(self, topic: str) -> None:  # noqa: B027 - hook for brokers
        pass

    async def start(self) -> None:  # noqa: B027
        pass

    async def stop(self) -> None:  # noqa: B027
        pass


class LocalHub(Hub):
    """The embedded default: every subscriber lives in this process."""

    async def publish(self, topic: str, event: Event) -> None:
        self.deliver_local(topic, event, time.time())
