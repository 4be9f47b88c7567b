"""The instance's Prometheus metrics: one registry per process, read at /metrics (pages/ops.py) and by the tests.

Each instance exposes its own numbers; Prometheus adds them up across instances. The services count here directly
(an increment per post or refusal, one histogram observation per database call and per delivered event), so the hot
path pays microseconds; the gauges are computed only when scraped (`set_function`), by the web layer that knows the
pages. Label values are fixed sets (error keys, limit names), never user input: a label per user would grow without
bound.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest

from chat.addresses import Network, client_address, is_loopback, is_trusted, parse_address

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # memory, CPU, open files: read from /proc at scrape time

OPEN_PAGES = Gauge(
    'chat_open_pages', 'Pages (browser tabs) this instance holds, connected or waiting', registry=REGISTRY
)
USERS_ONLINE = Gauge(
    'chat_users_online', 'Signed-in users with at least one page open on this instance', registry=REGISTRY
)
MESSAGES_POSTED = Counter('chat_messages_posted', 'Public messages stored and published', registry=REGISTRY)
MESSAGES_REFUSED = Counter(
    'chat_messages_refused', 'Public messages refused, by error key', ['reason'], registry=REGISTRY
)
PRIVATE_MESSAGES = Counter(
    'chat_private_messages',
    'Private messages, delivered or not (recipient not in the room)',
    ['outcome'],
    registry=REGISTRY,
)
DELIVERY_LAG = Histogram(
    'chat_delivery_lag_seconds',
    'From hub publish to the last page handler of this instance having run, one observation per event',
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
DB_CALL = Histogram(
    'chat_db_call_seconds',
    'One unit of database work, waiting for a worker thread included',
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
REDIS_RECONNECTS = Counter('chat_redis_reconnects', 'Times the Redis hub connection came back', registry=REGISTRY)
RATE_LIMITED = Counter('chat_rate_limited', 'Refusals by a rate limit, by limit', ['limit'], registry=REGISTRY)
AVATAR_REFUSED = Counter(
    'chat_avatar_uploads_refused', 'Avatar uploads refused, by error key', ['reason'], registry=REGISTRY
)


def exposition() -> bytes:
    return generate_latest(REGISTRY)


def value(name: str, **labels: str) -> float:
    """A sample's current value (0 when it has none yet): for tests and admin tooling."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape_allowed(
    *,
    peer: str,
    forwarded_for: Sequence[str],
    authorization: str | None,
    token: str | None,
    loopback: bool,
    trusted: Sequence[Network],
) -> bool:
    """Loopback clients (a Prometheus on the same host) read freely when `loopback` is on; anyone else needs the
    bearer token, compared in constant time. A loopback peer that forwards for somebody (X-Forwarded-For) is a proxy:
    it counts as loopback only when it is trusted and the client it names is loopback too, so a proxy on the same
    host does not open /metrics to the world."""
    if token and authorization:
        scheme, _, given = authorization.partition(' ')
        if scheme.lower() == 'bearer' and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    if not loopback:
        return False
    if any(value.strip() for value in forwarded_for) and not is_trusted(parse_address(peer), trusted):
        return False  # a peer forwarding for somebody, and not a proxy we believe
    return is_loopback(client_address(peer, forwarded_for, trusted))
