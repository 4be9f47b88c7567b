"""The sliding-window limiter behind the abuse limits and the token bucket behind the message rate, on a fake clock."""

from __future__ import annotations

from chat.ratelimit import RateLimiter, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_the_limit_then_waits_for_the_oldest_hit() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 10.0, clock)
    for _ in range(3):
        assert limiter.retry_after('k') == 0
        limiter.hit('k')
        clock.now += 1
    assert limiter.retry_after('k') == 7.0  # first hit at 1000, now 1003, window 10
    clock.now = 1009.5
    assert limiter.retry_after('k') == 0.5
    clock.now = 1010.0  # the first hit slides out of the window
    assert limiter.retry_after('k') == 0
    limiter.hit('k')
    assert limiter.retry_after('k') > 0  # hits at 1001, 1002, 1010


def test_keys_are_independent_and_reset_clears_one() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 60.0, clock)
    limiter.hit('a')
    assert limiter.retry_after('a') == 60.0
    assert limiter.retry_after('b') == 0
    limiter.hit('b')
    limiter.reset('a')
    assert limiter.retry_after('a') == 0
    assert limiter.retry_after('b') == 60.0


def test_burst_friendly_window() -> None:
    """10 in 10 s: a burst of 10 goes through at once, the 11th waits until the first leaves the window."""
    clock = Clock()
    limiter = RateLimiter(10, 10.0, clock)
    for _ in range(10):
        assert limiter.retry_after('u') == 0
        limiter.hit('u')
    assert limiter.retry_after('u') == 10.0
    clock.now += 10
    assert limiter.retry_after('u') == 0


def test_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 1.0, clock)
    for i in range(10_050):
        limiter.hit(f'key{i}')
    clock.now += 5
    for i in range(10_050):
        limiter.retry_after(f'key{i}')  # empties every key's window
    limiter.hit('one-more')
    assert len(limiter._hits) <= 2


def test_undo_takes_back_the_newest_hit() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 10.0, clock)
    limiter.hit('k')
    clock.now += 1
    limiter.hit('k')
    assert limiter.retry_after('k') == 9.0
    limiter.undo('k')  # the attempt was refused for another reason: it does not count
    assert limiter.retry_after('k') == 0
    limiter.hit('k')
    assert limiter.retry_after('k') == 9.0  # the first hit stays
    limiter.undo('unknown')  # harmless
    limiter.reset('k')
    limiter.undo('k')
    assert limiter.retry_after('k') == 0


# --- the token bucket behind the message rate ------------------------------------------------------------------


def test_bucket_allows_a_burst_then_the_sustained_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(20, 10, 10.0, clock)  # a burst of 20, then 10 per 10 s: one a second
    for _ in range(20):
        assert bucket.retry_after('u') == 0
        bucket.hit('u')
    assert bucket.retry_after('u') == 1.0
    clock.now += 0.25
    assert bucket.retry_after('u') == 0.75
    clock.now += 0.75
    assert bucket.retry_after('u') == 0  # one token back
    bucket.hit('u')
    assert bucket.retry_after('u') == 1.0
    assert bucket.retry_after('other') == 0  # keys are independent


def test_bucket_refills_up_to_the_burst_only() -> None:
    clock = Clock()
    bucket = TokenBucket(3, 1, 1.0, clock)
    for _ in range(3):
        bucket.hit('u')
    clock.now += 3600  # quiet for an hour: still only a burst of 3
    for _ in range(3):
        assert bucket.retry_after('u') == 0
        bucket.hit('u')
    assert bucket.retry_after('u') == 1.0
    clock.now += 2  # two back
    bucket.hit('u')
    bucket.hit('u')
    assert bucket.retry_after('u') == 1.0


def test_bucket_undo_gives_the_token_back() -> None:
    clock = Clock()
    bucket = TokenBucket(2, 1, 60.0, clock)
    bucket.hit('k')
    bucket.hit('k')
    assert bucket.retry_after('k') == 60.0
    bucket.undo('k')  # the store failed: the attempt does not count
    assert bucket.retry_after('k') == 0
    bucket.hit('k')
    assert bucket.retry_after('k') == 60.0
    bucket.undo('k')
    bucket.undo('k')
    bucket.undo('k')  # never more than the burst
    bucket.hit('k')
    bucket.hit('k')
    assert bucket.retry_after('k') == 60.0
    bucket.undo('unknown')  # harmless
    assert bucket.retry_after('unknown') == 0
    bucket.reset('k')
    assert bucket.retry_after('k') == 0


def test_bucket_memory_stays_bounded() -> None:
    clock = Clock()
    bucket = TokenBucket(1, 1, 1.0, clock)
    for i in range(10_050):
        bucket.hit(f'key{i}')
    clock.now += 5  # every bucket full again
    bucket.hit('one-more')
    assert len(bucket._buckets) <= 2
