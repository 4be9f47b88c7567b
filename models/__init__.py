"""SQLModel tables only."""

from models.tables import LoginSession, Membership, Message, Reaction, Room, User

__all__ = ['LoginSession', 'Membership', 'Message', 'Reaction', 'Room', 'User']
