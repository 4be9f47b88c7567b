"""SQLModel tables only."""

from models.tables import Membership, Message, Room, User

__all__ = ['Membership', 'Message', 'Room', 'User']
