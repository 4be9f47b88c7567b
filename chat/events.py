"""Events that travel through the hub; plain dataclasses with a JSON codec for brokers between instances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from chat.views import FilesGlimpse, MessageView, ReactionView, RoomView, UserView


@dataclass(frozen=True, slots=True)
class MessagePosted:
    message: MessageView
    kind: Literal['message'] = 'message'


@dataclass(frozen=True, slots=True)
class MessageEdited:
    room_id: int
    message_id: int
    body: str
    edited_at: datetime
    formatted: str | None = None  # the new body's sanitized HTML (chat/markup.py), when it has formatting
    mentions: tuple[str, ...] = ()  # whom the new body mentions (chat/mentions.py)
    kind: Literal['message_edited'] = 'message_edited'


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    """Carries no text: the message's place stays, marked deleted."""

    room_id: int
    message_id: int
    kind: Literal['message_deleted'] = 'message_deleted'


@dataclass(frozen=True, slots=True)
class ReactionsChanged:
    """A message's reactions as they are now: each page redraws that message's reaction row only."""

    room_id: int
    message_id: int
    reactions: tuple[ReactionView, ...]
    kind: Literal['reactions'] = 'reactions'


@dataclass(frozen=True, slots=True)
class MessageArrived:
    """A public message was posted: the small note the room lists of its members' other pages count as unread
    (published on the room's activity topic, so a page listing fifty rooms hears nothing else of them)."""

    room_id: int
    message_id: int
    author_id: int
    mentions: tuple[str, ...] = ()
    kind: Literal['message_arrived'] = 'message_arrived'


@dataclass(frozen=True, slots=True)
class ReadMarked:
    """The user has read these rooms up to these messages (room id, message id): every page of the user follows."""

    user_id: int
    marks: tuple[tuple[int, int], ...]
    kind: Literal['read_marked'] = 'read_marked'


@dataclass(frozen=True, slots=True)
class RoomJoined:
    """The user entered a room for the first time: their other pages add it to their room lists."""

    user_id: int
    room: RoomView
    kind: Literal['room_joined'] = 'room_joined'


@dataclass(frozen=True, slots=True)
class PrivateMessage:
    room_id: int
    sender: UserView
    recipient: UserView
    body: str
    sent_at: datetime
    kind: Literal['private'] = 'private'


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    room_id: int
    user: UserView
    joined: bool
    kind: Literal['presence'] = 'presence'


@dataclass(frozen=True, slots=True)
class UserTyping:
    """Someone is writing in the room: never stored, and each page forgets it by itself after a few seconds."""

    room_id: int
    user: UserView
    kind: Literal['typing'] = 'typing'


@dataclass(frozen=True, slots=True)
class RoomCount:
    room_id: int
    count: int
    kind: Literal['room_count'] = 'room_count'


@dataclass(frozen=True, slots=True)
class RoomActivity:
    """On the lobby: a message was posted in a room, so the room directory moves that room's row to the top with the
    new preview (plain words, cut short: chat/previews.py). `changed`: the room's newest message was edited or
    (`deleted`) deleted since; its row shows that in place."""

    room_id: int
    message_id: int
    author_name: str
    preview: str
    at: datetime
    files: FilesGlimpse | None = None  # a message of files alone: what the preview says of them
    changed: bool = False
    deleted: bool = False
    kind: Literal['room_activity'] = 'room_activity'


@dataclass(frozen=True, slots=True)
class RoomChanged:
    room: RoomView
    # 'updated': topic or privacy changed (on the room's topic); 'hidden': the room became private, on the lobby with
    # its id only, so lists of rooms drop it (its members find it in their own list)
    change: Literal['created', 'renamed', 'deleted', 'updated', 'hidden']
    kind: Literal['room'] = 'room'


@dataclass(frozen=True, slots=True)
class ProfileChanged:
    user: UserView
    kind: Literal['profile'] = 'profile'


@dataclass(frozen=True, slots=True)
class SessionEnded:
    user_id: int
    kind: Literal['session_ended'] = 'session_ended'


@dataclass(frozen=True, slots=True)
class ModerationNotice:
    """On the affected person's user topic: what was done to them in a room (chat/moderation.py), for each of their
    pages to say in their language and to follow (a muted composer, a page that leaves the room)."""

    user_id: int
    room_id: int
    room_name: str
    action: str  # appoint, dismiss, mute, unmute, kick, ban, unban
    actor_name: str
    reason: str | None = None
    until: datetime | None = None  # a mute's end (None: until lifted)
    kind: Literal['moderation'] = 'moderation'


@dataclass(frozen=True, slots=True)
class HubStatus:
    """Local only: the broker connection went down or came back."""

    connected: bool
    kind: Literal['hub_status'] = 'hub_status'


Event = Annotated[
    MessagePosted
    | MessageEdited
    | MessageDeleted
    | ReactionsChanged
    | MessageArrived
    | ReadMarked
    | RoomJoined
    | PrivateMessage
    | PresenceChanged
    | UserTyping
    | RoomCount
    | RoomActivity
    | RoomChanged
    | ProfileChanged
    | SessionEnded
    | ModerationNotice
    | HubStatus,
    Field(discriminator='kind'),
]
_codec: TypeAdapter[Event] = TypeAdapter(Event)


def encode(event: Event) -> bytes:
    return _codec.dump_json(event)


def decode(data: bytes | str) -> Event:
    return _codec.validate_json(data)
