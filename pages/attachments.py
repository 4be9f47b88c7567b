"""Attaching files to a message being written: the paperclip button, the drop zone it opens (NiceGUI's `ui.upload`,
several files at once, drag and drop onto it too) and the files waiting to be sent, each removable.

Every file goes to the service as soon as it is uploaded (chat/files.py checks it by its content and stores it); what
the service refuses is said under the field, naming the file, and nothing typed is touched. The waiting files go with
the next send; an upload never sent is swept by the service after a while."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import events, ui

from chat.errors import ChatError, InvalidInput
from chat.i18n import Bytes
from chat.views import AttachmentView
from pages import elements as el
from pages import forms
from pages.context import PageContext
from pages.layout import hint

PANEL_CLASSES = ['w-full', 'gap-1']
PENDING_CLASSES = ['w-full', 'gap-1', 'flex-wrap']


class AttachmentPicker:
    """Built by the composer above its input row; `button()` puts the paperclip into the row."""

    def __init__(self, ctx: PageContext, room_id: int, say: Callable[[str], None]) -> None:
        self.ctx, self.room_id, self.say = ctx, room_id, say
        self.pending: list[AttachmentView] = []
        limit = ctx.services.settings.max_file_bytes
        self.limit = limit
        self.uploader: ui.upload | None = None  # made on first use: each one holds an upload route
        with el.column(PANEL_CLASSES) as self.panel:
            self.chips = el.row(PENDING_CLASSES, props={'data-testid': 'pending-files'})
        self.chips.set_visibility(False)

    def _make_uploader(self) -> ui.upload:
        """The drop zone. Made when the paperclip is first clicked, not with the page: NiceGUI registers a route per
        uploader, and FastAPI's caches keep its handler (and so the page) for a while after the page closes."""
        ctx, limit = self.ctx, self.limit
        with self.panel:
            uploader = (
                ui.upload(
                    multiple=True,
                    auto_upload=True,
                    max_file_size=limit,  # the browser's early refusal; the service checks again
                    on_multi_upload=self._uploaded,
                    on_rejected=lambda: self.say(ctx.t('file_too_large', name='…', size=Bytes(limit))),
                )
                .props('flat bordered hide-upload-btn data-testid=attach-upload')
                .classes('w-full')
            )
            title = ctx.t('attach_drop', size=Bytes(limit))
            forms.file_picker(uploader, title, 'attach_file')  # the whole header picks files: click, Enter, Space
        return uploader

    def button(self) -> None:
        el.button(
            self.toggle,
            icon='attach_file',
            props={'round': True, 'flat': True, 'data-testid': 'attach', **hint(self.ctx.t('attach_files'))},
        )

    def toggle(self) -> None:
        """Opens the drop zone (and the file dialog once it is there), or closes it."""
        if self.uploader is None:
            self.uploader = self._make_uploader()
            return
        opening = not self.uploader.visible
        self.uploader.set_visibility(opening)
        if opening:
            self.uploader.run_method('pickFiles')

    @property
    def ids(self) -> list[str]:
        return [attachment.id for attachment in self.pending]

    async def _uploaded(self, event: events.MultiUploadEventArguments) -> None:
        errors: list[str] = []
        try:
            for file in event.files:
                try:
                    if file.size() > self.limit:  # not read into memory at all
                        raise InvalidInput('file_too_large', name=file.name, size=Bytes(self.limit))
                    attachment = await self.ctx.services.files.upload(
                        self.ctx.user, self.room_id, file.name, await file.read()
                    )
                except ChatError as error:
                    errors.append(self.ctx.t(error.key, **error.params))
                    continue
                self.pending.append(attachment)
        finally:
            event.sender.reset()  # type: ignore[attr-defined]
        self.say(' '.join(errors))
        self._show_pending()
        if self.pending:
            event.sender.set_visibility(False)

    def _show_pending(self) -> None:
        self.chips.clear()
        with self.chips:
            for attachment in self.pending:
                chip = ui.chip(
                    attachment.name,
                    icon='image' if attachment.image else 'description',
                    removable=True,
                    on_value_change=lambda event, a=attachment: None if event.value else self._remove(a),
                )
                chip.props.update(
                    {
                        'dense': True,
                        'data-testid': 'pending-file',
                        'remove-aria-label': self.ctx.t('attachment_remove', name=attachment.name),
                    }
                )
        self.chips.set_visibility(bool(self.pending))

    def _remove(self, attachment: AttachmentView) -> None:
        self.pending = [a for a in self.pending if a.id != attachment.id]
        self._show_pending()

    def sent(self, ids: list[str]) -> None:
        """The message went with these files: they leave the waiting list (one uploaded meanwhile stays)."""
        self.pending = [a for a in self.pending if a.id not in ids]
        self._show_pending()
        if self.uploader is not None and not self.pending:
            self.uploader.set_visibility(False)
