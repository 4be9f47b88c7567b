"""Every event survives the JSON codec the brokers use, unchanged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chat.events import (
    Event,
    HubStatus,
    MessageArrived,
    MessagePosted,
    ModerationNotice,
    PresenceChanged,
    PrivateMessage,
    ProfileChanged,
    ReadMarked,
    RoomActivity,
    RoomChanged,
    RoomCount,
    RoomJoined,
    SessionEnded,
    UserTyping,
    decode,
    encode,
)
from chat.views import FilesGlimpse, MessageView, RoomView, UserView

NOW = datetime(2026, 11, 29, 1, 2, 3, 456789, tzinfo=UTC)
ANNA = UserView(
    1,
    'anna',
    'Анна 🙂 <b>',
    avatar='ab12.png',
    is_admin=True,
    language='ru',
    time_zone='Europe/Moscow',
    session_version=3,
)
BORIS = UserView(2, 'boris', 'Boris')
ROOM = RoomView(5, 'Привет "world"', 1, NOW)

EVENTS: list[Event] = [
    MessagePosted(MessageView(10, 5, ANNA, 'line 1\nline 2 <script>alert(1)</script> \u202eRTL 👩‍👩‍👧', NOW)),
    PrivateMessage(5, ANNA, BORIS, 'secret \u200d text', NOW),
    PresenceChanged(5, BORIS, joined=True),
    PresenceChanged(5, BORIS, joined=False),
    UserTyping(5, ANNA),
    MessageArrived(5, 11, 2, ('anna', 'room')),
    ReadMarked(2, ((5, 11), (6, 12))),
    RoomJoined(2, ROOM),
    RoomCount(5, 3),
    RoomActivity(5, 10, 'Анна 🙂 <b>', 'line 1 line 2 <script>alert(1)</script> \u202eRTL', NOW),
    RoomActivity(5, 12, 'Анна', '', NOW, FilesGlimpse(2, 'отчёт <b>.pdf', images=False)),
    RoomChanged(ROOM, 'created'),
    RoomChanged(ROOM, 'renamed'),
    RoomChanged(RoomView(6, 'orphan', None, NOW), 'deleted'),
    ProfileChanged(BORIS),
    SessionEnded(1),
    ModerationNotice(2, 5, 'Привет', 'mute', 'Анна 🙂 <b>', 'spam\u202e', NOW),
    ModerationNotice(2, 5, 'Привет', 'kick', 'Анна'),
    HubStatus(connected=False),
]


def test_every_event_type_is_covered() -> None:
    covered = {type(event) for event in EVENTS}
    assert covered == {
        MessagePosted,
        PrivateMessage,
        PresenceChanged,
        UserTyping,
        RoomCount,
        RoomActivity,
        MessageArrived,
        ReadMarked,
        RoomJoined,
        RoomChanged,
        ProfileChanged,
        SessionEnded,
        ModerationNotice,
        HubStatus,
    }


@pytest.mark.parametrize('event', EVENTS, ids=lambda event: f'{event.kind}')
def test_round_trip(event: Event) -> None:
    data = encode(event)
    assert isinstance(data, bytes)
    back = decode(data)
    assert type(back) is type(event)
    assert back == event
    assert decode(data.decode()) == event


def test_decode_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError):
        decode(b'{"kind": "nope"}')
