"""Limits per key (user, client address), kept in this process: sliding windows, and token buckets for messages."""

from __future__ import annotations

import time
from collections import deque


class RateLimiter:
    def __init__(self, limit: int, window: float, clock: callable = time.monotonic) -> None:  # type: ignore[valid-type]
        self.limit, self.window, self._clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def retry_after(self, key: str) -> float:
        """Seconds until the next attempt is allowed (0 when allowed now)."""
        hits = self._recent(key)
        if len(hits) < self.limit:
            return 0.0
        return max(0.0, hits[0] + self.window - self._clock())

    def hit(self, key: str) -> None:
        self._recent(key).append(self._clock())
        if len(self._hits) > 10_000:  # keep memory bounded: drop keys with no recent hits
            for stale in [k for k, v in self._hits.items() if not v]:
                del self._hits[stale]

    def reset(self, key: str) -> None:
        self._hits.pop(key, None)

    def undo(self, key: str) -> None:
        """Takes back the newest hit: callers hit before they act (so concurrent attempts cannot all pass the check)
        and take the hit back when the attempt is refused for another reason."""
        hits = self._hits.get(key)
        if hits:
            hits.pop()


class TokenBucket:
    """Per key: up to `limit` attempts at once (the burst), then `rate` per `window` seconds (the sustained rate).

    A conversation comes in bursts: a sliding window of 10 per 10 s refused the eleventh quick reply although the
    sender had been quiet for minutes before. A bucket holds `limit` tokens, each attempt takes one, and they come
    back steadily at rate/window per second; a key whose bucket is full again is forgotten. Same interface as
    `RateLimiter`: callers hit before they act and undo when the attempt fails for another reason."""

    def __init__(self, limit: int, rate: float, window: float, clock: callable = time.monotonic) -> None:  # type: ignore[valid-type]
        self.limit, self.refill, self._clock = limit, rate / window, clock  # refill: tokens per second
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when counted); absent: full

    def _tokens(self, key: str) -> float:
        bucket = self._buckets.get(key)
        if bucket is None:
            return float(self.limit)
        tokens, at = bucket
        return min(float(self.limit), tokens + (self._clock() - at) * self.refill)

    def retry_after(self, key: str) -> float:
        """Seconds until the next attempt is allowed (0 when allowed now)."""
        missing = 1.0 - self._tokens(key)
        return missing / self.refill if missing > 1e-9 else 0.0

    def hit(self, key: str) -> None:
        self._buckets[key] = (self._tokens(key) - 1.0, self._clock())
        if len(self._buckets) > 10_000:  # keep memory bounded: full buckets need no entry
            for full in [k for k in self._buckets if self._tokens(k) >= self.limit]:
                del self._buckets[full]

    def reset(self, key: str) -> None:
        self._buckets.pop(key, None)

    def undo(self, key: str) -> None:
        """Gives back the token of an attempt refused for another reason (a failed store)."""
        if key in self._buckets:
            tokens = self._tokens(key) + 1.0
            if tokens >= self.limit:
                del self._buckets[key]
            else:
                self._buckets[key] = (tokens, self._clock())
