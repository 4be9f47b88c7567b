"""Pages whose socket never connects go sooner than NiceGUI lets them, and never pile up.

NiceGUI builds a page on its GET and keeps it for the browser's socket; one that never connects is deleted after
60 s. A browser connects within a second or two. What never connects is a crawler, a link preview, a script or a
flood of GETs, and each such page holds what a page holds (~95 KB for the sign-in page): 3,000 cookie-less GETs of
/login in 13 s grew the server by 281 MB, and after NiceGUI deleted them the process kept 169 MB of it (pymalloc's
arenas, each pinned by a few survivors).

Here a page not connected within `connect_timeout` goes, and while more than `max_waiting` pages of anonymous
visitors wait for their socket the oldest of them go first - only pages whose response has been sent, or older than
`min_age` (NiceGUI's 3 s response timeout), never one still being built. Pages of signed-in sessions are counted per
session instead (`per_session`): after a restart every open tab of a busy room reloads at once, hundreds of them,
and each must get its page; a flood from one signed-in session is still bounded. A browser whose page went reloads
it, as nicegui.js does when the server no longer knows its page.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from nicegui import Client

from chat.tasks import cancel_and_wait

log = logging.getLogger(__name__)


def waiting(client: Client) -> bool:
    """Never connected (NiceGUI's own test): no socket, and not a page waiting for a lost one to come back."""
    return not client.has_socket_connection and not client._delete_tasks and not client.is_deleted


def sent(client: Client) -> bool:
    """The page's response has gone out (NiceGUI's request tracking marks it on the request's shared state)."""
    request = client._request
    return request is not None and bool(getattr(request.state, 'responded', False))


PER_SESSION = 20  # waiting pages of one signed-in session: more than one person reloads tabs at once


class UnconnectedPages:
    def __init__(
        self,
        connect_timeout: float,
        max_waiting: int,
        *,
        session_of: Callable[[Client], str | None],
        per_session: int = PER_SESSION,
        every: float = 1.0,
        min_age: float = 3.0,
    ) -> None:
        self.connect_timeout, self.max_waiting, self.every, self.min_age = connect_timeout, max_waiting, every, min_age
        self.session_of, self.per_session = session_of, per_session
        self._task: asyncio.Task | None = None

    def sweep(self, now: float | None = None) -> int:
        """Deletes the pages that waited too long, then the oldest waiting ones beyond `max_waiting` (anonymous) or
        `per_session` (of one signed-in session)."""
        now = time.time() if now is None else now
        pending = [client for client in list(Client.instances.values()) if waiting(client)]
        pending.sort(key=lambda client: client.created)
        groups: dict[str | None, list[Client]] = {}
        for client in pending:
            groups.setdefault(self.session_of(client), []).append(client)
        doomed = []
        for session, clients in groups.items():
            excess = len(clients) - (self.max_waiting if session is None else self.per_session)
            for client in clients:
                age = now - client.created
                if age >= self.connect_timeout or (excess > 0 and (age >= self.min_age or sent(client))):
                    doomed.append(client)
                    excess -= 1
        for client in doomed:
            client.delete()
        if doomed:
            log.info(
                'deleted %d pages whose socket never connected (%d still waiting)',
                len(doomed),
                len(pending) - len(doomed),
            )
        return len(doomed)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name='unconnected pages')

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                self.sweep()
            except Exception:  # one bad page must not end the sweeping
                log.exception('sweeping unconnected pages failed')
