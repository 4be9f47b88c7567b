"""The `browsers` bench scenario at its smallest: 2 real Chromium tabs, each sending in turn, 6 messages at 5/s.

Checks that the harness measures something sane (every message seen by the other tab, latencies positive and far
below a generous bound), not how fast it is. Without Chromium it skips, except under CI=true, where it fails (as the
browser tests in tests/e2e do).
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
