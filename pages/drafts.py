"""Half-typed messages, kept per person and room in the browser session's server-side storage.

A draft lives in NiceGUI's `app.storage.user` (files under the data folder, or Redis when instances share storage),
so it outlasts what a page does not: a reconnect after the reconnect window, a reload, a server restart (the browser
reloads the page, which is built afresh) and a visit to another room. Keys name the user too: a browser that signs
in as someone else never shows them the previous person's text. Bounded: the newest `MAX_ROOMS` drafts, each at most
the message length limit.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

KEY = 'drafts'  # app.storage.user[KEY]: {'<user id>:<room id>': text}, oldest first
MAX_ROOMS = 50


class Drafts:
    """One person's drafts in one browser session's storage (captured when the page was built: a handler must never
    read `app.storage.user`, which may belong to whoever made the last request)."""

    def __init__(self, session: MutableMapping[str, Any], user_id: int, max_length: int) -> None:
        self.session, self.user_id, self.max_length = session, user_id, max_length

    def _key(self, room_id: int) -> str:
        return f'{self.user_id}:{room_id}'

    def get(self, room_id: int) -> str:
        stored = self.session.get(KEY)
        text = stored.get(self._key(room_id)) if isinstance(stored, MutableMapping) else None
        return text if isinstance(text, str) else ''

    def put(self, room_id: int, text: str) -> None:
        """Keeps `text` as the room's draft (an empty text forgets it); one write of the storage, whatever changed."""
        stored = self.session.get(KEY)
        drafts = {k: v for k, v in stored.items() if isinstance(v, str)} if isinstance(stored, MutableMapping) else {}
        key = self._key(room_id)
        text = text[: self.max_length] if text.strip() else ''
        if drafts.get(key, '') == text:
            return
        drafts.pop(key, None)
        if text:
            drafts[key] = text  # the newest last
        while len(drafts) > MAX_ROOMS:
            del drafts[next(iter(drafts))]
        if drafts:
            self.session[KEY] = drafts
        else:
            self.session.pop(KEY, None)
