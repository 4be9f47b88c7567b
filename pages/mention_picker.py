"""Suggestions while a mention is typed: after `@` and a letter or more at the end of the message field, up to
`LIMIT` people present in the room whose username or display name (any word of it) starts with what was typed.

- Picking one (click, Enter, or Tab) puts `@username ` in place of the typed `@word`. NiceGUI tells the server no
  caret position, so only an `@word` at the END of the text is completed (typed in the middle, nothing is suggested).
  Keys typed after the pick, before the completed text reaches the browser, arrive as the old text with more at its
  end: they are kept, after the completion.
- Tab is the field's own completion (NiceGUI's `autocomplete` for an input: the selected person's completed text is
  its one option, shown as grey shadow text): it picks, and only while that option matches, so Tab still leaves the
  field otherwise. It needs what was typed to be the start of the username (`@bo` for boris, not `@Бор`); Enter
  picks the selected person in every case - the composer asks `open` before sending.
- Up and Down move the selection and Escape closes the list. Their listeners are the field's from the start: a
  listener added later makes the browser re-render the field, and a key typed meanwhile is lost (`@anna` arrived as
  `@ana`). Pressed while no list is shown, they send an event that changes nothing. (Vue's `.prevent` cannot depend
  on the list being open, so the arrows still move the caret too: the completion replaces the `@word` at the end
  whatever the caret does.)
- Cost: the value each keystroke sends anyway is matched against its last characters only; the server sends
  something only while the list is shown and what it shows changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from nicegui import ui
from nicegui.element import Element

from chat.views import UserView
from pages.context import PageContext

LIMIT = 6  # people suggested at most
# the `@word` being typed at the end of the text: preceded by no letter, digit or `@.+-` (not an e-mail address)
_TYPED = re.compile(r'(?<![\w@.+-])@([\w.-]{1,32})\Z')
_TAIL = 34  # characters matched: the `@`, at most 32 typed, and the one before
LIST_CLASSES = [
    'absolute',
    'bottom-full',
    'left-0',
    'mb-1',
    'z-10',
    'w-80',
    'max-w-full',
    'rounded-borders',
    'shadow-4',
    'bg-white',
    'dark:bg-slate-800!',
]
NAME_CLASSES = 'truncate'
USERNAME_CLASSES = 'text-grey-7 dark:text-gray-400! truncate ml-2'
SELECTED_CLASS = 'bg-blue-1 text-primary dark:bg-slate-600!'


def typed_mention(text: str) -> tuple[int, str] | None:
    """(where the `@` is, what follows it) when the text ends with an `@word` being typed."""
    tail = text[-_TAIL:]
    match = _TYPED.search(tail)
    if match is None:
        return None
    return len(text) - len(tail) + match.start(), match.group(1)


def candidates(people: Iterable[UserView], query: str, viewer_id: int) -> list[UserView]:
    """Whose username, or a word of whose display name, starts with `query` (any case): usernames first."""
    query = query.casefold()
    by_username, by_name = [], []
    for user in people:
        if user.id == viewer_id:
            continue
        if user.username.casefold().startswith(query):
            by_username.append(user)
        elif any(word.startswith(query) for word in user.display_name.casefold().split()):
            by_name.append(user)
    by_username.sort(key=lambda u: u.username.casefold())
    by_name.sort(key=lambda u: u.display_name.casefold())
    return (by_username + by_name)[:LIMIT]


class MentionPicker:
    """Built with the composer; its list is built the first time there is something to suggest."""

    def __init__(
        self, ctx: PageContext, field: ui.textarea, anchor: Element, people: Callable[[], Iterable[UserView]]
    ) -> None:
        self.ctx, self.field, self.anchor, self.people = ctx, field, anchor, people
        self.list: Element | None = None
        self.shown: list[UserView] = []  # the people listed, in order
        self.options: list[Element] = []
        self.selected = 0
        self.start = -1  # where the `@` of the completed word is
        self.dismissed = -1  # the `@` whose list Escape closed: not shown again for that word
        self.text = ''
        self.ahead: tuple[str, str] | None = None  # (the text when a person was picked, its completion) until the
        # browser sends a text that starts with the completion
        self._writing = False  # the field's value is being set here, not typed
        field.on('keydown.down', lambda: self.move(1))
        field.on('keydown.up', lambda: self.move(-1))
        field.on('keydown.esc', self.dismiss)

    @property
    def open(self) -> bool:
        return bool(self.shown)

    def typed(self, text: str) -> None:
        """Each value the field sends: shows, changes or closes the list."""
        if self.ahead is not None and not self._writing:
            merged = self._typed_ahead(text)
            if merged is not None:
                self._write(merged)  # this method hears the merged text next
                return
        self.text = text
        typed = typed_mention(text)
        if typed is None or typed[0] != self.dismissed:
            self.dismissed = -1  # a new `@word` is offered again
        if typed is None or typed[0] == self.dismissed:
            self.close()
            return
        start, query = typed
        found = candidates(self.people(), query, self.ctx.user.id)
        if not found:
            self.close()
            return
        self.start = start
        if [u.id for u in found] != [u.id for u in self.shown]:
            self._show(found)
        self._offer()

    def _show(self, people: list[UserView]) -> None:
        if self.list is None:
            with self.anchor:
                self.list = ui.element('q-list').classes(' '.join(LIST_CLASSES))
            self.list.props.update(
                {
                    'bordered': True,
                    'separator': True,
                    'dense': True,
                    'role': 'listbox',
                    'aria-label': self.ctx.t('mention_suggestions'),
                    'data-testid': 'mention-suggestions',
                }
            )
        self.list.clear()
        self.shown, self.options, self.selected = people, [], 0
        with self.list:
            for index, user in enumerate(people):
                with ui.item(on_click=lambda user=user: self.pick(user)) as option:
                    ui.label(user.display_name).classes(NAME_CLASSES)
                    ui.label(f'@{user.username}').classes(USERNAME_CLASSES)
                option.props.update({'role': 'option', 'data-testid': 'mention-option', 'active-class': SELECTED_CLASS})
                self._mark(option, index == 0)
                self.options.append(option)
        if not self.list.visible:
            self.list.set_visibility(True)

    def _mark(self, option: Element, selected: bool) -> None:
        option.props.update({'active': selected, 'aria-selected': 'true' if selected else 'false'})

    def _completed(self, user: UserView) -> str:
        return f'{self.text[: self.start]}@{user.username} '

    def _offer(self) -> None:
        """The selected person's completed text as the field's one autocomplete option (Tab, shadow text)."""
        option = [self._completed(self.shown[self.selected])]
        if self.field.props.get('_autocomplete') != option:
            self.field.set_autocomplete(option)

    def move(self, step: int) -> None:
        if not self.open:
            return
        self._mark(self.options[self.selected], False)
        self.selected = (self.selected + step) % len(self.shown)
        self._mark(self.options[self.selected], True)
        self._offer()

    def pick(self, user: UserView | None = None) -> None:
        """The selected person (or the clicked one) in place of the typed `@word`; the field keeps the focus."""
        if not self.open:
            return
        chosen = user if user is not None else self.shown[self.selected]
        before, completed = self.text, self._completed(chosen)
        self.close()
        self._write(completed)  # the change handler sees the text end in a space: nothing more to suggest
        self.ahead = (before, completed)
        self.field.run_method('focus')

    def _write(self, text: str) -> None:
        self._writing = True
        try:
            self.field.value = text
        finally:
            self._writing = False

    def _typed_ahead(self, text: str) -> str | None:
        """The completion with what was typed after the pick, for a text the browser sent before it showed the
        completion; None once it shows it, or when the text was changed otherwise (then it stays as typed)."""
        assert self.ahead is not None
        before, completed = self.ahead
        if text.startswith(before) and len(text) > len(before) and not text.startswith(completed):
            more = text[len(before) :]
            return completed + (more[1:] if more.startswith(' ') else more)  # the completion ends in a space
        self.ahead = None
        return None

    def dismiss(self) -> None:
        if self.open:
            self.dismissed = self.start
            self.close()

    def close(self) -> None:
        if not self.shown:
            return
        self.shown, self.options = [], []
        if self.list is not None:
            self.list.clear()
            self.list.set_visibility(False)
        if self.field.props.get('_autocomplete'):
            self.field.set_autocomplete(None)
