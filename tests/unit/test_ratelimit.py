"""The sliding-window limiter behind every abuse limit, on a fake clock."""

from __future__ import annotations

from chat.ratelimit import RateLimiter


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
