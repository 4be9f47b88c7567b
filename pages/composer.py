"""Where a room page's messages are written: a growing multi-line field, its send button, why a send failed, a
character counter near the limit, and the draft kept while the person is away.

- Enter sends and Shift+Enter starts a new line, with Vue's key modifiers only (`keydown.enter.exact.prevent`: the
  listener, and its `preventDefault`, run only for an Enter without Shift, Ctrl, Alt or Meta), so pasted and typed
  line breaks reach the service and the stored message as they are. A line under the field says so on wide screens
  only (a CSS breakpoint): on a phone no Shift key is at hand and the placeholder stays one short line.
- No `maxlength`: the browser would cut a long paste silently, mid-word. The service refuses an over-long message
  with its reason and the text stays in the field; from 90 % of the limit a counter says how much is used (red
  when over). It is counted in the handler of the `update:value` event every keystroke sends anyway, so it adds no
  message from the browser; the server sends the counter's new text only while it is shown (measured in Chromium:
  typing 50 characters far from the limit, 1 frame back to the browser; near it, 51).
- The draft (pages/drafts.py) is written once typing has paused for `QUIET` seconds, when the field loses focus, when
  the tab disconnects and when the page closes: one timer handle per pause, no task per keystroke.
- While the text changes, the room is told its writer is typing (pages/typing_line.py shows it to the others): at
  most once per `typing_interval` seconds, checked here before any task is made.
- While a mention being typed has suggestions (pages/mention_picker.py), Enter picks the selected person instead of
  sending; the send button always sends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from chat.errors import ChatError
from chat.i18n import format_number
from chat.views import UserView
from pages import elements as el
from pages.attachments import AttachmentPicker
from pages.context import PageContext
from pages.drafts import Drafts
from pages.layout import hint
from pages.mention_picker import MentionPicker
from pages.message_actions import ReplyBar

INPUT_ROW_CLASSES = ['w-full', 'no-wrap', 'items-end', 'gap-2', 'relative']  # relative: the mention list's place
ERROR_CLASSES = ['text-negative', 'text-sm']
COUNTER_CLASSES = 'text-grey-7'
# under the field, the send button's width from the right; hidden below Tailwind's `md` (768 px; not Quasar's
# `hidden` with `md:block`: Quasar's `.hidden` is !important)
NEWLINE_HINT_CLASSES = ['max-md:hidden', 'self-end', 'pr-12', 'text-xs', 'text-grey-7', 'dark:text-gray-400!']
MAX_HEIGHT = '12rem'  # the field grows with its text up to this height, then scrolls
COUNTER_FROM = 0.9  # share of the length limit from which the counter shows
QUIET = 1.0  # seconds without typing before the draft is written


class Composer:
    """Built by the room page inside its main column."""

    def __init__(
        self,
        ctx: PageContext,
        room_id: int,
        reply: ReplyBar | None = None,
        people: Callable[[], Iterable[UserView]] | None = None,
    ) -> None:
        """`people`: who is in the room now, whom a mention being typed suggests (none: no suggestions)."""
        self.ctx, self.room_id, self.reply = ctx, room_id, reply
        self.limit = ctx.services.settings.max_message_length
        self.drafts = Drafts(ctx.session, ctx.user.id, self.limit)
        draft = self.drafts.get(room_id)
        self._dirty = False  # typed since the draft was last written
        self._changed_at = 0.0
        self._reported: float | None = None  # when this page last told the room its person is typing
        self._timer: asyncio.TimerHandle | None = None
        self.silenced = False  # muted in the room (pages/moderation.py): the room is not told of typing
        self.counter: ui.label | None = None  # made the first time the text comes near the limit
        self.attachments = AttachmentPicker(ctx, room_id, self._say)  # the drop zone and waiting files, above
        with el.row(INPUT_ROW_CLASSES) as row:
            self.attachments.button()
            self.input = ui.textarea(placeholder=ctx.t('message_placeholder'), value=draft).classes('grow')
            self.input.props.update(
                {
                    'outlined': True,
                    'dense': True,
                    'autogrow': True,
                    'autofocus': True,
                    'input-style': f'max-height: {MAX_HEIGHT}',
                    'data-testid': 'message-input',
                }
            )
            el.button(self.send, icon='send', props={'round': True, 'data-testid': 'send', **hint(ctx.t('send'))})
        # why the last send failed, below the input that still holds the text
        self.error = el.text('', ERROR_CLASSES, props={'data-testid': 'send-error'})
        # where a keyboard is likely (wide screens) the field says how to break a line; a phone's placeholder stays
        # short and on one line (Tailwind's breakpoint in CSS: no script, nothing sent as the window changes)
        el.text(ctx.t('message_newline_hint'), NEWLINE_HINT_CLASSES, props={'data-testid': 'newline-hint'})
        self.input.on('keydown.enter.exact.prevent', self._enter)
        self.mentions = MentionPicker(ctx, self.input, row, people) if people is not None else None
        self.input.on_value_change(self._typed)
        self.input.on('blur', self.save_draft)  # clicking a link to another room blurs the field first
        ctx.client.on_disconnect(self.save_draft)  # a reload, a closed tab, a lost connection
        ctx.on_close(self._closed)
        self._count(draft)

    @property
    def text(self) -> str:
        return self.input.value or ''

    async def _enter(self) -> None:
        if self.mentions is not None and self.mentions.open:  # Enter picks the suggested person instead
            self.mentions.pick()
            return
        await self.send()

    async def send(self) -> None:
        text = self.text
        try:
            reply_to = self.reply.target if self.reply is not None else None
            files = self.attachments.ids
            await self.ctx.services.messages.post(
                self.ctx.user, self.room_id, text, reply_to=reply_to, attachments=files
            )
        except ChatError as error:
            el.set_text(self.error, self.ctx.t(error.key, **error.params))
            return
        el.set_text(self.error, '')
        if files:
            self.attachments.sent(files)
        if self.reply is not None:
            self.reply.clear()
        if self.text == text:  # nothing typed meanwhile: the field and the draft start afresh
            self.input.value = ''
            self._dirty = True
            self.save_draft()

    def _say(self, words: str) -> None:
        """Why an attachment was refused (or '' when all went well): below the field, which keeps its text."""
        el.set_text(self.error, words)

    def _typed(self, event: ValueChangeEventArguments) -> None:
        self._count(event.value or '')
        if self.mentions is not None:
            self.mentions.typed(event.value or '')
        self._dirty = True
        loop = asyncio.get_running_loop()
        self._changed_at = loop.time()
        if self._timer is None:
            self._timer = loop.call_later(QUIET, self._quiet)
        if event.value:
            self._report_typing(self._changed_at)

    def _report_typing(self, now: float) -> None:
        """Tells the room "typing" at most once per interval: the time check comes first, so most keystrokes make
        no task (the service has its own limit for the person's other tabs)."""
        if self._reported is not None and now - self._reported < self.ctx.services.settings.typing_interval:
            return
        if self.ctx.closed or self.silenced:
            return
        self._reported = now
        self.ctx.run(self.ctx.services.typing.started(self.ctx.user, self.room_id))

    def _quiet(self) -> None:
        """`QUIET` s after the first keystroke of a pause: writes the draft, or waits for the rest of the pause."""
        self._timer = None
        if not self._dirty or self.ctx.closed:
            return
        loop = asyncio.get_running_loop()
        remaining = self._changed_at + QUIET - loop.time()
        if remaining > 0.05:
            self._timer = loop.call_later(remaining, self._quiet)
            return
        self.save_draft()

    def save_draft(self) -> None:
        if self._dirty:
            self._dirty = False
            self.drafts.put(self.room_id, self.text)

    def _closed(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.save_draft()

    def _count(self, text: str) -> None:
        """The counter, from `COUNTER_FROM` of the limit on, counted as the service counts (outer whitespace aside).

        It is the field's own counter area (Quasar's `counter` slot, shown while the `counter` prop is set), so a
        page that never comes near the limit holds no element for it; switching it on or off re-sends the field once,
        each keystroke near the limit sends only the counter's text."""
        length = len(text) if len(text) < self.limit * COUNTER_FROM else len(text.strip())
        shown = length >= self.limit * COUNTER_FROM
        if shown and self.counter is None:
            explained = self.ctx.t('message_counter_hint', max=format_number(self.ctx.lang, self.limit))
            with self.input.add_slot('counter'):
                self.counter = ui.label().classes(COUNTER_CLASSES)
            self.counter.props.update({'data-testid': 'message-counter', **hint(explained)})
        if bool(self.input.props.get('counter')) != shown:
            self.input.props['counter'] = shown
        counter = self.counter
        if not shown or counter is None:
            return
        lang = self.ctx.lang
        words = self.ctx.t('message_counter', count=format_number(lang, length), max=format_number(lang, self.limit))
        if counter.text != words:
            counter.set_text(words)
        over = length > self.limit
        if ('text-negative' in counter.classes) != over:
            counter.classes(
                add='text-negative' if over else 'text-grey-7', remove='text-grey-7' if over else 'text-negative'
            )
