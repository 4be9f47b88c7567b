"""SQLModel tables only."""

from models.tables import (
    Attachment,
    AuthorDay,
    Invite,
    LoginSession,
    Membership,
    Message,
    ModerationAction,
    PasswordReset,
    Reaction,
    Room,
    RoomDay,
    RoomRestriction,
    User,
)

__all__ = [
    'Attachment',
    'AuthorDay',
    'Invite',
    'LoginSession',
    'Membership',
    'Message',
    'ModerationAction',
    'PasswordReset',
    'Reaction',
    'Room',
    'RoomDay',
    'RoomRestriction',
    'User',
]
