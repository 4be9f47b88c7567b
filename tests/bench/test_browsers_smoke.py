"""The `browsers` bench scenario at its smallest: 2 real Chromium tabs, each sending in turn, 6 messages at 5/s.

Checks that the harness measures something sane (every message seen by the other tab, latencies positive and far
below a generous bound), not how fast it is. Without Chromium it skips, except under CI=true, where it fails (as the
browser tests in tests/e2e do). The arithmetic on the tabs' timestamps (lost, late, never sent) is checked apart.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import scenarios
from bench.chromium import CHROMIUM


def test_two_tabs_see_every_message(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        reason = f'Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`'
        if os.environ.get('CI') == 'true':
            pytest.fail(f'{reason} (CI=true: required)', pytrace=False)
        pytest.skip(reason)
    from bench import browsers

    fixture = scenarios.prepare_fixture(tmp_path / 'bench', 2, {})
    [row] = browsers.browsers(fixture, sizes=[2], rates=[5.0], count=6, senders=2)
    assert row['row'] == 'browsers 2 tabs @5/s'
    assert (row['unsent'], row['empty_enters'], row['lost'], row['lost_deliveries']) == (0, 0, 0, 0)
    assert row['deliveries'] == 6  # each message to the one reader that did not send it
    assert 0 < row['min'] <= row['p50'] <= row['p95'] <= row['p99'] <= row['max'] < 5000
    assert 0 < row['own_p50'] < 5000  # the sender sees its own message too
    assert row['frame_in']['p50'] > 0  # the frame reaches the reader after the Enter
    assert row['page_work']['p50'] >= 0  # and its text is shown after that
    assert 2 < row['sent_per_s'] < 10
    assert row['chromium_ms_per_update'] > 0 and set(row['cores']) == {'server', 'chromium', 'harness', 'others'}


def test_latencies_count_late_missing_and_unsent_messages() -> None:
    """The arithmetic on the tabs' timestamps (absolute ms): 3 tabs, 2 senders, 4 messages."""
    from bench import browsers

    t = 1_000_000.0
    sent = [{'000000': t, '000002': t + 400}, {'000001': t + 200}, {}]  # tab 1 never pressed Enter on message 3
    seen = [
        {'000000': t + 5, '000001': t + 230, '000002': t + 410},
        {'000000': t + 40, '000001': t + 210},  # message 2 never shown here
        {'000000': t + 50, '000001': t + 200 + browsers.LOST_AFTER * 1000 + 1, '000002': t + 430},  # 1: too late
    ]
    states = [[s, shown, shown] for s, shown in zip(sent, seen, strict=True)]  # frames arrive as they are shown
    result = browsers._latencies(states, senders=2, count=4)
    assert (result['unsent'], result['lost'], result['lost_deliveries']) == (1, 3, 4)
    assert result['deliveries'] == 4  # message 0 by tabs 1 and 2, message 1 by tab 0, message 2 by tab 2
    assert (result['min'], result['max']) == (30.0, 50.0)
    assert result['own_p50'] == 10.0  # 5, 10 and 10 ms
    assert result['page_work']['max'] == 0.0
