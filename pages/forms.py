"""A form's refusal shown at the field it is about, and kept there until the person types again.

Toasts pile up at the bottom of the page, away from what they are about, and vanish while the person is still
reading; an error under its field stays next to the text it refers to (Quasar's `error` and `error-message` props,
which NiceGUI sets through `ValidationElement.error`). The text the person typed is never changed here: a refused
name stays in the field to be corrected.
"""

from __future__ import annotations

from nicegui import ui

from chat.errors import ChatError
from pages.context import PageContext


def show(field: ui.input, ctx: PageContext, error: ChatError) -> None:
    """The service's translated reason, under `field`."""
    field.error = ctx.t(error.key, **error.params)


def clear(field: ui.input) -> None:
    field.error = None


def clears_when_typing(field: ui.input) -> ui.input:
    """Typing again (or the page resetting the value after a success) takes the old error away."""
    field.on_value_change(lambda _: clear(field))
    return field


def error_line(testid: str) -> ui.label:
    """A line for errors about something that is not a text field (an upload, a button), placed under it."""
    line = ui.label().classes('text-negative text-sm').props(f'data-testid={testid}')
    line.set_visibility(False)
    return line


def say(line: ui.label, text: str) -> None:
    line.text = text
    line.set_visibility(bool(text))
