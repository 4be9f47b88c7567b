"""Drafts in a session's storage: per person and room, bounded in number and length, forgotten once empty."""

from __future__ import annotations

from typing import Any

from pages.drafts import KEY, MAX_ROOMS, Drafts


class Recording(dict):
    """A session storage that counts its writes (each one is a file or Redis write on the server)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def __setitem__(self, key: str, value: Any) -> None:
        self.writes += 1
        super().__setitem__(key, value)

    def pop(self, key: str, *default: Any) -> Any:
        self.writes += key in self
        return super().pop(key, *default)


def test_each_room_and_person_has_its_own_draft() -> None:
    session = Recording()
    anna, bob = Drafts(session, 1, 100), Drafts(session, 2, 100)
    anna.put(10, 'kitchen')
    anna.put(11, 'garden')
    bob.put(10, 'bob in the kitchen')
    assert (anna.get(10), anna.get(11), anna.get(12)) == ('kitchen', 'garden', '')
    assert (bob.get(10), bob.get(11)) == ('bob in the kitchen', '')


def test_empty_drafts_are_forgotten_and_unchanged_ones_not_rewritten() -> None:
    session = Recording()
    drafts = Drafts(session, 1, 100)
    drafts.put(10, 'hello')
    drafts.put(10, 'hello')
    assert session.writes == 1
    drafts.put(10, '   ')  # only spaces: nothing to keep
    assert drafts.get(10) == '' and KEY not in session
    drafts.put(10, '')
    assert session.writes == 2


def test_bounded_in_rooms_and_length() -> None:
    session = Recording()
    drafts = Drafts(session, 1, 10)
    drafts.put(1, 'x' * 25)
    assert drafts.get(1) == 'x' * 10
    for room in range(2, MAX_ROOMS + 5):
        drafts.put(room, f'draft {room}')
    assert len(session[KEY]) == MAX_ROOMS
    assert drafts.get(1) == '' and drafts.get(4) == ''  # the oldest went
    assert drafts.get(5) == 'draft 5' and drafts.get(MAX_ROOMS + 4) == f'draft {MAX_ROOMS + 4}'
    drafts.put(5, 'draft 5 +')  # written again: now the newest
    drafts.put(1000, 'one more')
    assert drafts.get(5) == 'draft 5 +' and drafts.get(6) == ''


def test_unexpected_contents_are_ignored() -> None:
    session: dict[str, Any] = {KEY: 'not a mapping'}
    drafts = Drafts(session, 1, 100)
    assert drafts.get(1) == ''
    drafts.put(1, 'fine')
    assert session[KEY] == {'1:1': 'fine'}
    session[KEY]['1:2'] = 42
    assert drafts.get(2) == ''
