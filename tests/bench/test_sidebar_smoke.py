"""The sidebar scenario against the real server, tiny: 4 reader tabs in a lobby, each having joined 2 of 4 rooms,
a sender per room posting 16 messages round robin; then a user of 6 rooms opening one. Only what the tabs see is
asserted (every badge update of every member arrives, nothing else counts), never a time."""

from __future__ import annotations

import json
from pathlib import Path

from bench import scenarios, sidebar


def test_every_member_sees_each_badge_count_and_the_page_lists_every_room(tmp_path: Path) -> None:
    fixture = scenarios.prepare_fixture(tmp_path / 'bench', 8, {})
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


def test_badge_frames_count_deliveries_missed_and_strays() -> None:
    """The arithmetic on the frames, without a server: rooms 7 and 8; tab 0 has joined both, tab 1 only room 7."""

    class Page:
        def __init__(self, elements: dict) -> None:
            self.elements = elements

    old_badge = {'tag': 'q-badge', 'text': '2', 'props': {'data-testid': 'unread-8'}}
    tracker = sidebar.BadgeTracker([Page({'5': old_badge}), Page({})], [{7, 8}, {7}], [7, 8])  # type: ignore[list-item]
    t = 100.0
    tracker.sent[7] += [t, t + 1, t + 2]
    tracker.sent[8] += [t + 0.5]

    def update(tab: int, arrived: float, elements: dict) -> None:
        tracker.frame(tab, '42' + json.dumps(['update', {**elements, '_id': 3}]), arrived)

    new_badge = {'tag': 'q-badge', 'text': '1', 'props': {'data-testid': 'unread-7', 'color': 'primary'}}
    update(0, t + 0.01, {'20': {'tag': 'q-item', 'children': [21, 22]}, '22': new_badge})  # made at the first
    update(0, t + 0.52, {'5': {**old_badge, 'text': '3'}})  # room 8's badge showed 2 before the run: now 1 more
    update(0, t + 2.03, {'22': {**new_badge, 'text': '3', 'props': {}}})  # by element id; 2 and 3 in one frame
    update(1, t + 0.04, {'9': new_badge})
    update(1, t + 0.6, {'11': {'tag': 'q-badge', 'text': '1', 'props': {'data-testid': 'unread-8'}}})  # not joined
    assert [round(x * 1000) for x in tracker.latencies] == [10, 20, 1030, 30, 40]
    assert (tracker.expected(), tracker.delivered(), tracker.missed(), tracker.strays) == (7, 5, 2, 1)
