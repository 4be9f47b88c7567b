"""The line under a room's feed that says who else is typing ("Anna is typing…").

It always takes its height, empty or not, so the feed and the field do not move when it fills. Each typist is
forgotten `typing_expiry` seconds after their last report (one timer handle per typist, replaced on each report: no
timer per page), or at once when their message arrives. The text is sent to the browser only when it changes.
"""

from __future__ import annotations

import asyncio

from chat.views import UserView
from pages import elements as el
from pages.context import PageContext

LINE_CLASSES = ['min-h-[1.25rem]', 'text-xs', 'text-grey-7', 'dark:text-gray-400!']
LINE_PROPS = {'data-testid': 'typing', 'aria-live': 'polite'}


class TypingLine:
    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.typists: dict[int, tuple[UserView, asyncio.TimerHandle]] = {}  # in the order they started
        self.shown = ''
        self.line = el.text('', LINE_CLASSES, props=LINE_PROPS)
        ctx.on_close(self.close)

    def show(self, user: UserView) -> None:
        """`user` is typing (from a room event); the viewer's own typing is never shown to them."""
        if user.id == self.ctx.user.id or self.ctx.closed:
            return
        expiry = self.ctx.services.settings.typing_expiry
        previous = self.typists.get(user.id)
        if previous is not None:
            previous[1].cancel()
        # a repeated report keeps the typist's place in the order (and takes a changed name)
        self.typists[user.id] = (user, asyncio.get_running_loop().call_later(expiry, self.stop, user.id))
        self._render()

    def stop(self, user_id: int) -> None:
        """`user_id` is no longer typing: their message arrived, or their last report expired."""
        entry = self.typists.pop(user_id, None)
        if entry is None:
            return
        entry[1].cancel()
        if not self.ctx.closed and not self.ctx.client.is_deleted:
            self._render()

    def close(self) -> None:
        for _, handle in self.typists.values():
            handle.cancel()
        self.typists.clear()

    def words(self) -> str:
        names = [user.display_name for user, _ in self.typists.values()]
        if not names:
            return ''
        if len(names) == 1:
            return self.ctx.t('typing_one', name=names[0])
        if len(names) == 2:
            return self.ctx.t('typing_two', first=names[0], second=names[1])
        return self.ctx.t('typing_many')

    def _render(self) -> None:
        words = self.words()
        if words != self.shown:
            self.shown = words
            el.set_text(self.line, words)
