"""SQLModel tables only."""

from models.tables import LoginSession, Membership, Message, Room, User

__all__ = ['LoginSession', 'Membership', 'Message', 'Room', 'User']
