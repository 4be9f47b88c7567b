"""The room a service works on, for someone who may read it: the one check every reading or posting service makes
inside its database work (storage/access.py holds the rule itself)."""

from __future__ import annotations

from sqlmodel import Session

from chat.errors import NotFound, PermissionDenied
from models import Room
from storage import access
from storage import rooms as room_queries


def readable_room(session: Session, room_id: int, user_id: int) -> Room:
    """The room; NotFound when there is none, PermissionDenied('room_private') for a private room the user is not a
    member of (the page then says so and shows nothing of it)."""
    room = room_queries.by_id(session, room_id)
    if room is None:
        raise NotFound('room_not_found')
    if not access.room_readable(session, room, user_id):
        raise PermissionDenied('room_private')
    return room
