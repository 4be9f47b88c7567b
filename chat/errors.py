"""Errors the services raise; each carries a translation key so pages can show it in the user's language."""

from __future__ import annotations

from typing import Any


class ChatError(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class InvalidInput(ChatError):
    """The input breaks a rule (length, characters, format)."""


class Conflict(ChatError):
    """The name is taken."""


class NotFound(ChatError):
    """The user or room does not exist (any more)."""


class PermissionDenied(ChatError):
    """The actor may not do this."""


class NotAuthenticated(ChatError):
    """The session is gone: signed out, password changed, user deleted."""


class RateLimited(ChatError):
    """Too many attempts; try again later."""


class NotDelivered(ChatError):
    """A private message found no recipient."""


class Unavailable(ChatError):
    """Storage failed; nothing was stored."""
