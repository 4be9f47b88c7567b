"""Who a message mentions: `@username` (any letter case) and `@room`, everyone present.

A mention starts at an `@` that follows no letter, digit or `@.+-` (so `anna@example.com` mentions nobody) and ends
where the username's characters end; a trailing `.` or `-` is the sentence's, not the name's (`@anna.` is anna). The
result is lower-cased usernames, compared with a viewer's lower-cased username: no database look-up is needed to
decide whether a bubble mentions its viewer, and a name that belongs to nobody simply matches no one.
"""

from __future__ import annotations

import re

EVERYONE = 'room'  # `@room`: everyone present (allowed to the room's owner and admins: chat/messages.py)
_MENTION = re.compile(r'(?<![\w@.+-])@([A-Za-z0-9_.-]+)(?![\w@])')
_NAME_LENGTH = (3, 32)  # a username's bounds (chat/validation.py)


def mentioned_usernames(body: str) -> tuple[str, ...]:
    """The lower-cased usernames `body` mentions (`room` for `@room`), sorted, each once."""
    if '@' not in body:  # most messages: no regular expression run at all
        return ()
    found = set()
    for match in _MENTION.finditer(body):
        name = match.group(1).rstrip('.-')
        if _NAME_LENGTH[0] <= len(name) <= _NAME_LENGTH[1]:
            found.add(name.lower())
    return tuple(sorted(found))


def mentions_user(mentions: tuple[str, ...], username: str) -> bool:
    """Whether a message with these mentions calls on the person with this username (by name, or `@room`)."""
    return bool(mentions) and (EVERYONE in mentions or username.lower() in mentions)
