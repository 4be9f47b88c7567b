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


def confirm_delete_dialog(ctx: PageContext) -> tuple[ui.dialog, ui.label]:
    """A "Delete …?" question with Cancel and Delete: `await dialog` is True once Delete is pressed. The label is the
    question, set before each opening."""
    with ui.dialog() as dialog, ui.card():
        question = ui.label()
        with ui.row().classes('w-full justify-end'):
            ui.button(ctx.t('cancel'), on_click=dialog.close).props('flat data-testid=cancel-delete')
            ui.button(ctx.t('delete'), on_click=lambda: dialog.submit(True)).props(
                'color=negative data-testid=confirm-delete'
            )
    return dialog, question


def file_picker(uploader: ui.upload, title: str, icon: str, *, bold: bool = False) -> None:
    """The uploader's header: its title as the label of the file input, so the picker has a name and holds no
    control in a control (Quasar's own header puts a nameless input in a nameless button). A click lands on the
    input; the keyboard reaches the label and opens the same file dialog."""
    with uploader.add_slot('header'):
        picker = ui.element('label').classes('relative row items-center no-wrap gap-2 w-full px-3 py-2 cursor-pointer')
        picker.props['tabindex'] = '0'
        with picker:
            ui.icon(icon, size='sm')
            ui.label(title).classes('text-sm font-bold' if bold else 'text-sm')
            ui.element('q-uploader-add-trigger')
        for key in ('keydown.enter', 'keydown.space'):
            picker.on(key, lambda: uploader.run_method('pickFiles'), [])
