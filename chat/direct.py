"""Direct conversations and profile cards.

A direct conversation is a private room of exactly two people, one per pair: its `direct_key` is
'<lower id>:<higher id>' under a unique index, so two people who start it at the same moment end up in the same room
(the second insert fails and finds the first). It is stored under a neutral name (`dm-<a>-<b>`, with a name key no
typed room name can have, so nobody can take it first), and every view the services give one of the two is named
after the other person (`personal_view`). Rules (docs/security.md): only the two may read it (it is private, both are
members); it cannot be made public, renamed, or get invite links or further members."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from chat.accounts import to_view as user_view
from chat.views import RoomView, utc
from models import Room, User
from storage import rooms as room_queries


@dataclass(frozen=True, slots=True)
class ProfileView:
    """What anyone signed in may see of a person: never their e-mail, password hash or admin flag."""

    id: int
    username: str
    display_name: str
    avatar_url: str
    member_since: datetime


def direct_key(first: int, second: int) -> str:
    low, high = sorted((first, second))
    return f'{low}:{high}'


def partner_id(key: str, viewer_id: int) -> int | None:
    """The other person of a direct room (None when the viewer is not one of the two)."""
    low, high = (int(part) for part in key.split(':'))
    if viewer_id == low:
        return high
    if viewer_id == high:
        return low
    return None


def personal_view(session: Session, view: RoomView, viewer_id: int) -> RoomView:
    """A direct room as one of its two people sees it: named after the other one."""
    if view.direct_key is None:
        return view
    name = partner_name(session, view.direct_key, viewer_id)
    return replace(view, name=name) if name is not None else view


def partner_name(session: Session, key: str, viewer_id: int) -> str | None:
    other = partner_id(key, viewer_id)
    user = session.get(User, other) if other is not None else None
    return user.display_name if user is not None else None


def shown_names(session: Session, names: dict[int, str], viewer_id: int) -> dict[int, str]:
    """Room names as the viewer sees them (search results): a direct room's is the other person's. One primary-key
    read per room listed, and a page of results names few rooms."""
    shown = dict(names)
    for room_id in names:
        room = session.get(Room, room_id)
        if room is not None and room.direct_key is not None:
            shown[room_id] = partner_name(session, room.direct_key, viewer_id) or room.name
    return shown


def rooms_named(session: Session, viewer_id: int, name: str) -> list[int]:
    """The viewer's direct conversations shown under `name` (case-folded: search's `in:boris`, `in:"Boris K"`): those
    whose other person's username or display name it is. Whether the viewer may still read them is the search's
    rule (storage/access.py), applied where the messages are read."""
    name = name.removeprefix('@')
    return [
        room_id
        for room_id, username, display_name in room_queries.direct_with_partners(session, viewer_id)
        if name in (username.casefold(), display_name.casefold())
    ]


def new_room(first: int, second: int, owner_id: int) -> Room:
    low, high = sorted((first, second))
    # \x1f cannot be typed into a room name (chat/validation.py): the name key stays free of every typed name
    return Room(
        name=f'dm-{low}-{high}',
        name_key=f'\x1fdm:{low}:{high}',
        owner_id=owner_id,
        is_private=True,
        direct_key=direct_key(first, second),
    )


def add_members(session: Session, room_id: int, *user_ids: int) -> list[int]:
    """Both people are members (again); returns those who were not."""
    return [user_id for user_id in user_ids if room_queries.touch_membership(session, user_id, room_id)]


def profile_view(user: User) -> ProfileView:
    assert user.id is not None
    return ProfileView(user.id, user.username, user.display_name, user_view(user).avatar_url, utc(user.created_at))
