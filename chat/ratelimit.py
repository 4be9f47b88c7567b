"""Sliding-window limits per key (user, client address), kept in this process."""

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
