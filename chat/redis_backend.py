"""Redis backends for running several instances: a hub over Redis pub/sub and presence kept in Redis.

Channels are ``<prefix>:<topic>``; each instance subscribes only to the topics its own pages need. Presence entries are
per instance and expire unless that instance's heartbeat refreshes them, so a killed instance leaves no ghosts: any
instance's periodic sweep removes expired users (atomically, so exactly one instance announces each departure).
Nothing is stored for private messages: they are transient pub/sub messages like every other event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from chat import metrics
from chat.events import Event, HubStatus, PresenceChanged, RoomCount, decode, encode
from chat.hub import LOBBY, STATUS, Hub, room_topic
from chat.presence import PresenceStore
from chat.tasks import cancel_and_wait
from chat.views import UserView

log = logging.getLogger(__name__)

# what counts as "Redis is unreachable" (a timeout surfaces as TimeoutError, a refused connection as OSError)
REDIS_ERRORS = (RedisError, OSError, TimeoutError)


def channel_name(prefix: str, topic: str) -> str:
    return f'{prefix}:{topic}'


_STAMP = b'{"published":'


def stamped(data: bytes, published: float) -> bytes:
    """The encoded event with its publish time as the first JSON field: the receiving instance measures the delivery
    lag from it (clocks of instances on different hosts must be in sync for that). Decoders ignore the field."""
    return b'%s%.6f,%s' % (_STAMP, published, data[1:])


def published_at(data: bytes) -> float | None:
    if not data.startswith(_STAMP):
        return None
    try:
        return float(data[len(_STAMP) : data.index(b',', len(_STAMP))])
    except ValueError:
        return None


def make_client(url: str) -> redis.Redis:
    """Fails fast instead of retrying inside redis-py: the backends keep serving locally and reconnect themselves."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=1.0,
        socket_timeout=3.0,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


class RedisHub(Hub):
    """Events cross instances through Redis pub/sub; every instance (the publisher too) delivers what it receives."""

    publish_timeout = 1.0  # a publish never holds the message path longer than this while Redis is away
    ping_interval = 3.0  # an idle subscription is pinged this often ...
    dead_after = 8.0  # ... and declared lost when nothing (not even a pong) arrived for this long
    max_backoff = 5.0

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__()
        self.url, self.prefix = url, prefix
        self._client: redis.Redis | None = None
        self._pubsub: Any = None  # redis.asyncio.client.PubSub while connected
        self._subscribed: set[str] = set()
        self._connected = False
        self._announced: bool | None = None  # the state last told to pages (None: nothing told yet)
        self._changed = asyncio.Event()  # local subscriptions differ from the Redis ones
        self._up = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._control = f'{prefix}:__hub__'  # always subscribed, so the reader can wait even with no topics

    def channel(self, topic: str) -> str:
        return channel_name(self.prefix, topic)

    @property
    def connected(self) -> bool:
        return self._connected

    async def start(self) -> None:
        """Waits briefly for the first connection; with Redis down the instance still starts and keeps trying."""
        self._client = make_client(self.url)
        self._tasks = [
            asyncio.create_task(self._run(), name='redis-hub'),
            asyncio.create_task(self._sync_subscriptions(), name='redis-hub-sync'),
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._up.wait(), timeout=3.0)

    async def stop(self) -> None:
        for task in self._tasks:
            with contextlib.suppress(*REDIS_ERRORS):
                await cancel_and_wait(task)
        self._tasks = []
        await self._drop_pubsub()
        if self._client is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._client.aclose()
            self._client = None
        self._connected = False

    async def reachable(self) -> bool:
        """A PING within a second, on a fresh connection when a pooled one predates a Redis restart."""
        if self._client is None:
            return False
        for attempt in (1, 2):
            try:
                await asyncio.wait_for(self._client.ping(), timeout=1.0)
                return True
            except RedisConnectionError:
                if attempt == 2:
                    return False
            except REDIS_ERRORS:
                return False
        return False

    async def publish(self, topic: str, event: Event) -> None:
        """Sends through Redis; while Redis is away only this instance's pages get it (the database has it anyway)."""
        if topic == STATUS:
            self.deliver_local(topic, event)
            return
        now = time.time()
        if self._client is None or not self._connected:
            self.deliver_local(topic, event, now)
            return
        data = stamped(encode(event), now)
        for attempt in (1, 2):
            try:
                await asyncio.wait_for(self._client.publish(self.channel(topic), data), self.publish_timeout)
                return
            except RedisConnectionError as error:  # e.g. a pooled connection from before a Redis restart
                if attempt == 2 or not self._connected:
                    failure: Exception = error
                    break
            except REDIS_ERRORS as error:
                failure = error
                break
        log.warning('publishing on %s failed (%s); delivered on this instance only', topic, failure)
        self.deliver_local(topic, event, now)

    # --- subscriptions ----------------------------------------------------------------------------------------------

    def _first_subscriber(self, topic: str) -> None:
        if topic != STATUS:
            self._changed.set()

    def _last_subscriber_gone(self, topic: str) -> None:
        if topic != STATUS:
            self._changed.set()

    def _wanted(self) -> set[str]:
        return {self.channel(topic) for topic in self._topics if topic != STATUS}

    async def _sync_subscriptions(self) -> None:
        """One task brings the Redis subscriptions in line with the local ones, in order, off the callers' path."""
        while True:
            await self._changed.wait()
            self._changed.clear()
            pubsub = self._pubsub
            if pubsub is None:
                continue  # the reader subscribes to everything wanted when it (re)connects
            wanted = self._wanted()
            added, removed = wanted - self._subscribed, self._subscribed - wanted
            try:
                if added:
                    await pubsub.subscribe(*added)
                    self._subscribed |= added
                if removed:
                    await pubsub.unsubscribe(*removed)
                    self._subscribed -= removed
            except REDIS_ERRORS as error:
                log.debug('changing subscriptions failed: %s', error)  # the reader notices and reconnects

    # --- the reader -------------------------------------------------------------------------------------------------

    async def _run(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._connect_and_read()
            except asyncio.CancelledError:
                raise
            except REDIS_ERRORS as error:
                log.log(logging.WARNING if self._connected else logging.DEBUG, 'Redis hub connection: %s', error)
            except Exception:
                log.exception('Redis hub reader failed')
            await self._drop_pubsub()
            if self._connected:
                delay = 0.2
            self._set_connected(False)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)

    async def _connect_and_read(self) -> None:
        assert self._client is not None
        pubsub = self._client.pubsub()
        self._pubsub = pubsub
        self._subscribed = set()
        wanted = self._wanted()
        await asyncio.wait_for(pubsub.subscribe(self._control, *wanted), timeout=3.0)
        self._subscribed = set(wanted)
        self._changed.set()  # pages may have (un)subscribed while we were connecting
        self._set_connected(True)
        loop = asyncio.get_running_loop()
        last_seen = last_ping = loop.time()
        while True:
            message = await pubsub.get_message(timeout=1.0)
            now = loop.time()
            if message is not None:
                last_seen = now
                if message['type'] == 'message':
                    self._dispatch(message['channel'], message['data'])
                continue
            if now - last_seen > self.dead_after:
                raise TimeoutError(f'no reply from Redis for {self.dead_after:.0f} s')
            if now - last_seen > self.ping_interval and now - last_ping > self.ping_interval:
                last_ping = now
                await asyncio.wait_for(pubsub.ping(), timeout=3.0)

    def _dispatch(self, channel: bytes | str, data: bytes) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        if name == self._control:
            return
        topic = name.removeprefix(f'{self.prefix}:')
        try:
            event = decode(data)
        except ValueError:
            log.warning('undecodable event on %s ignored', name)
            return
        self.deliver_local(topic, event, published_at(data))

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        self._subscribed = set()
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pubsub.aclose(), timeout=1.0)

    def _set_connected(self, connected: bool) -> None:
        """Tells this instance's pages when live updates stop and when they are back (on changes only)."""
        self._connected = connected
        if connected:
            self._up.set()
        if self._announced == connected:
            return
        first, self._announced = self._announced is None, connected
        if connected:
            log.log(logging.DEBUG if first else logging.WARNING, 'Redis hub connected again')
            if first:
                return  # nothing was interrupted
            metrics.REDIS_RECONNECTS.inc()
        else:
            log.warning('Redis hub disconnected; reconnecting with backoff')
        self.deliver_local(STATUS, HubStatus(connected=connected))


UserLookup = Callable[[list[int]], Awaitable[dict[int, UserView]]]

_LUA_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)"

# KEYS: room zset, user zset, rooms set. ARGV: user id, instance id, ttl ms, room id. Returns 1 if newly online.
_ENTER = (
    _LUA_NOW
    + """
local before = redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf')
redis.call('ZADD', KEYS[2], now + ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3] * 4)
redis.call('ZADD', KEYS[1], 'GT', now + ARGV[3], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[4])
if before == 0 then return 1 end
return 0
"""
)

# KEYS: room zset, user zset, rooms set. ARGV: user id, instance id, room id. Returns 1 if that was the user's last.
_LEAVE = (
    _LUA_NOW
    + """
redis.call('ZREM', KEYS[2], ARGV[2])
local live = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf', 'WITHSCORES')
if #live == 0 then
  redis.call('DEL', KEYS[2])
  local gone = redis.call('ZREM', KEYS[1], ARGV[1])
  if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[3]) end
  return gone
end
redis.call('ZADD', KEYS[1], live[#live], ARGV[1])
return 0
"""
)

# KEYS: rooms set. ARGV: prefix, instance id, ttl ms, then room, user pairs held by this instance.
# Refreshes them; returns the pairs that were not listed at all (entered while Redis was away, or swept meanwhile).
_HEARTBEAT = (
    _LUA_NOW
    + """
local p, iid, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local revived = {}
for i = 4, #ARGV, 2 do
  local room, user = ARGV[i], ARGV[i + 1]
  local rkey, ukey = p .. ':presence:room:' .. room, p .. ':presence:user:' .. room .. ':' .. user
  if not redis.call('ZSCORE', rkey, user) then
    revived[#revived + 1] = room
    revived[#revived + 1] = user
  end
  redis.call('ZREMRANGEBYSCORE', ukey, '-inf', now)
  redis.call('ZADD', ukey, now + ttl, iid)
  redis.call('PEXPIRE', ukey, ttl * 4)
  redis.call('ZADD', rkey, 'GT', now + ttl, user)
  redis.call('SADD', KEYS[1], room)
end
return revived
"""
)

# KEYS: rooms set. ARGV: prefix. Removes users whose every instance entry expired.
# Returns {room, user, ...} removed and {room, count, ...} for the rooms that changed.
_SWEEP = (
    _LUA_NOW
    + """
local p = ARGV[1]
local gone, counts = {}, {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local rkey = p .. ':presence:room:' .. room
  local changed = false
  for _, user in ipairs(redis.call('ZRANGEBYSCORE', rkey, '-inf', now)) do
    local ukey = p .. ':presence:user:' .. room .. ':' .. user
    local live = redis.call('ZRANGEBYSCORE', ukey, '(' .. now, '+inf', 'WITHSCORES')
    if #live == 0 then
      redis.call('DEL', ukey)
      redis.call('ZREM', rkey, user)
      gone[#gone + 1] = room
      gone[#gone + 1] = user
      changed = true
    else
      redis.call('ZADD', rkey, live[#live], user)
    end
  end
  if changed then
    counts[#counts + 1] = room
    counts[#counts + 1] = redis.call('ZCOUNT', rkey, '(' .. now, '+inf')
  end
  if redis.call('ZCARD', rkey) == 0 then redis.call('SREM', KEYS[1], room) end
end
return {gone, counts}
"""
)

# KEYS: room zset. Returns the user ids online.
_ONLINE = _LUA_NOW + "return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')"

# KEYS: rooms set. ARGV: prefix. Returns {room, count, ...}.
_COUNTS = (
    _LUA_NOW
    + """
local out = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local n = redis.call('ZCOUNT', ARGV[1] .. ':presence:room:' .. room, '(' .. now, '+inf')
  if n > 0 then out[#out + 1] = room out[#out + 1] = n end
end
return out
"""
)

# KEYS: room zset, rooms set. ARGV: prefix, room id.
_FORGET = """
for _, user in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  redis.call('DEL', ARGV[1] .. ':presence:user:' .. ARGV[2] .. ':' .. user)
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
"""


def _pairs(values: Iterable[Any]) -> list[tuple[int, int]]:
    items = [int(v) for v in values]
    return list(zip(items[::2], items[1::2], strict=True))


class RedisPresence(PresenceStore):
    """Shared presence: per (room, user) a sorted set of instance ids scored by expiry, and per room a sorted set of
    users scored by their latest expiry. A user is online while any instance keeps refreshing them.

    While Redis is unreachable every call falls back to this instance's own connections (and never raises), and the
    next heartbeat re-registers them; users who entered meanwhile are announced then.
    """

    ttl = 20.0  # seconds an entry lives without a heartbeat
    heartbeat_interval = 5.0  # also the sweep interval: a killed instance's users are gone within ttl + this

    def __init__(self, url: str, prefix: str) -> None:
        self.url, self.prefix = url, prefix
        self.instance = uuid.uuid4().hex[:12]
        self._local: dict[int, dict[int, set[str]]] = defaultdict(dict)
        self._client: redis.Redis | None = None
        self._lock = asyncio.Lock()  # keeps this instance's enter/leave/heartbeat scripts in order
        self._task: asyncio.Task[None] | None = None
        self._users: UserLookup | None = None
        self._scripts: dict[str, Any] = {}

    def attach(self, users: UserLookup) -> None:
        """How the sweep names who left (and the heartbeat who arrived while Redis was away) in its events."""
        self._users = users

    def _key(self, *parts: object) -> str:
        return ':'.join((self.prefix, 'presence', *map(str, parts)))

    @property
    def _rooms_key(self) -> str:
        return self._key('rooms')

    async def start(self) -> None:
        self._client = make_client(self.url)
        for name, source in (
            ('enter', _ENTER),
            ('leave', _LEAVE),
            ('heartbeat', _HEARTBEAT),
            ('sweep', _SWEEP),
            ('online', _ONLINE),
            ('counts', _COUNTS),
            ('forget', _FORGET),
        ):
            self._scripts[name] = self._client.register_script(source)
        self._task = asyncio.create_task(self._maintain(), name='redis-presence')

    async def stop(self) -> None:
        """A clean stop removes this instance's entries at once (a killed one expires instead)."""
        await cancel_and_wait(self._task)
        self._task = None
        gone = []
        for room_id, users in list(self._local.items()):
            for user_id, conns in list(users.items()):
                for conn in list(conns):
                    if await self.leave(room_id, user_id, conn):
                        gone.append((room_id, user_id))
        if gone:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._announce(gone, joined=False)
        if self._client is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._client.aclose()
            self._client = None

    async def _call(self, name: str, keys: list[str], args: list[Any]) -> Any:
        if self._client is None:
            raise RedisConnectionError('presence store is not running')
        try:
            return await asyncio.wait_for(self._scripts[name](keys=keys, args=args), timeout=3.0)
        except RedisConnectionError:  # once more on a fresh connection: a pooled one may predate a Redis restart
            return await asyncio.wait_for(self._scripts[name](keys=keys, args=args), timeout=3.0)

    # --- the PresenceStore interface --------------------------------------------------------------------------------

    async def enter(self, room_id: int, user_id: int, conn_id: str) -> bool:
        conns = self._local[room_id].setdefault(user_id, set())
        first_here = not conns
        conns.add(conn_id)
        if not first_here:
            return False
        keys = [self._key('room', room_id), self._key('user', room_id, user_id), self._rooms_key]
        try:
            async with self._lock:
                return bool(await self._call('enter', keys, [user_id, self.instance, int(self.ttl * 1000), room_id]))
        except REDIS_ERRORS as error:
            log.warning('presence: Redis unreachable on enter (%s); counting this instance only', error)
            return True

    async def leave(self, room_id: int, user_id: int, conn_id: str) -> bool:
        users = self._local.get(room_id)
        if not users or user_id not in users:
            return False
        users[user_id].discard(conn_id)
        if users[user_id]:
            return False
        del users[user_id]
        if not users:
            del self._local[room_id]
        keys = [self._key('room', room_id), self._key('user', room_id, user_id), self._rooms_key]
        try:
            async with self._lock:
                return bool(await self._call('leave', keys, [user_id, self.instance, room_id]))
        except REDIS_ERRORS as error:
            log.warning('presence: Redis unreachable on leave (%s); the entry expires by itself', error)
            return True

    async def online(self, room_id: int) -> list[int]:
        try:
            found = await self._call('online', [self._key('room', room_id)], [])
        except REDIS_ERRORS:
            return list(self._local.get(room_id, {}))
        return [int(user) for user in found]

    async def counts(self) -> dict[int, int]:
        try:
            found = await self._call('counts', [self._rooms_key], [self.prefix])
        except REDIS_ERRORS:
            return {room_id: len(users) for room_id, users in self._local.items() if users}
        return dict(_pairs(found))

    async def is_online(self, room_id: int, user_id: int) -> bool:
        return user_id in await self.online(room_id)

    async def forget_room(self, room_id: int) -> None:
        self._local.pop(room_id, None)
        try:
            await self._call('forget', [self._key('room', room_id), self._rooms_key], [self.prefix, room_id])
        except REDIS_ERRORS as error:
            log.warning('presence: could not forget room %s (%s); its entries expire by themselves', room_id, error)

    # --- heartbeat and sweep ----------------------------------------------------------------------------------------

    async def _maintain(self) -> None:
        while True:
            try:
                await self.heartbeat()
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except REDIS_ERRORS as error:
                log.debug('presence maintenance skipped: %s', error)
            except Exception:
                log.exception('presence maintenance failed')
            await asyncio.sleep(self.heartbeat_interval)

    async def heartbeat(self) -> None:
        """Refreshes this instance's entries; announces the ones Redis did not know (joined while it was away)."""
        async with self._lock:
            held = [(room_id, user_id) for room_id, users in self._local.items() for user_id in users]
            if not held:
                return
            args: list[Any] = [self.prefix, self.instance, int(self.ttl * 1000)]
            for room_id, user_id in held:
                args += [room_id, user_id]
            revived = _pairs(await self._call('heartbeat', [self._rooms_key], args))
        if revived:
            await self._announce(revived, joined=True)

    async def sweep(self) -> None:
        """Removes users whose instances all stopped refreshing them; whoever removes one announces it, once."""
        gone, counts = await self._call('sweep', [self._rooms_key], [self.prefix])
        if gone:
            log.info('presence: %d expired entries removed', len(gone) // 2)
            await self._announce(_pairs(gone), joined=False, counts=dict(_pairs(counts)))

    async def _announce(
        self, pairs: list[tuple[int, int]], *, joined: bool, counts: dict[int, int] | None = None
    ) -> None:
        """Publishes straight to the Redis channels (the hub may be stopping); every instance delivers them."""
        assert self._client is not None
        views: dict[int, UserView] = {}
        if self._users is not None:
            try:
                views = await self._users(sorted({user_id for _, user_id in pairs}))
            except Exception:
                log.exception('presence: looking up users failed')
        for room_id, user_id in pairs:
            user = views.get(user_id) or UserView(id=user_id, username=str(user_id), display_name=str(user_id))
            await self._publish(room_topic(room_id), PresenceChanged(room_id, user, joined=joined))
        if counts is None:
            counts = {}
            for room_id in {room_id for room_id, _ in pairs}:
                counts[room_id] = len(await self.online(room_id))
        for room_id, count in counts.items():
            await self._publish(LOBBY, RoomCount(room_id, count))

    async def _publish(self, topic: str, event: Event) -> None:
        assert self._client is not None
        data = stamped(encode(event), time.time())
        await asyncio.wait_for(self._client.publish(channel_name(self.prefix, topic), data), timeout=3.0)
