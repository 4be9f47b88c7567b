"""The sidebar scenario against the real server, tiny: 4 reader tabs in a lobby, each having joined 2 of 4 rooms, a
sender posting 16 messages round robin; then a user of 6 rooms opening one. Only what the tabs see is asserted (every
badge update of every member arrives, nothing else counts), never a time."""

from __future__ import annotations

from pathlib import Path

from bench import scenarios, sidebar


def test_every_member_sees_each_badge_count_and_the_page_lists_every_room(tmp_path: Path) -> None:
    fixture = scenarios.prepare_fixture(tmp_path / 'bench', 5, {})
    live, opened = sidebar.sidebar(fixture, 4, 4, 2, 5.0, 16, open_rooms=6, open_messages=1200, opens=3)
    assert live['listed_min'] == 3  # the lobby and the two joined rooms
    assert live['expected'] == 16 * 2  # each message to the 2 readers of its room
    assert (live['deliveries'], live['missed'], live['strays']) == (32, 0, 0)
    assert live['stored_once'] == 16
    assert 0 < live['p50'] <= live['max'] < 5000
    assert (opened['listed'], opened['badges']) == (6, 5)
    assert opened['messages_in_db'] == 1200
    # 1 to 6 unread in the six rooms; the opened room's one was read by opening it
    assert (opened['summary_rooms'], opened['summary_unread']) == (6, sum(range(2, 7)))
    assert 0 < opened['get_median_ms'] <= opened['connected_median_ms']
