"""The conversation scenario against the real server: posts, edits, reactions and deletes clicked through the
page's menu by one tab and seen by every tab. Only delivery is asserted, never a time."""

from __future__ import annotations

from pathlib import Path

from bench import conversation, scenarios


def test_every_kind_of_action_reaches_every_tab(tmp_path: Path) -> None:
    fixture = scenarios.prepare_fixture(tmp_path / 'bench', 4, {})
    (row,) = conversation.conversation(fixture, [4], 5.0, 30)
    kinds = row['kinds']
    assert row['failures'] == []
    for kind in conversation.KINDS:
        assert kinds[kind]['actions'] >= 1, kind
        assert kinds[kind]['failed'] == 0 and kinds[kind]['lost'] == 0, (kind, kinds[kind])
