"""What a person can do with a stored message: react, see who reacted, reply, copy its link, edit or delete it.

One dialog per page, built on the first click of a bubble's menu button and filled for the message clicked and for
this viewer (own message or someone else's, owner, admin): bubbles are shared by every page showing them, so
nothing per viewer lives in them. The services decide what is allowed; the menu only leaves out what would surely be
refused. Private messages are never stored and have no menu.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nicegui import ui

from chat import previews, reactions
from chat.errors import ChatError
from chat.views import MessageView, RoomView, UserView
from pages import elements as el
from pages.context import PageContext
from pages.feed import Feed

if TYPE_CHECKING:
    from pages.moderation import RoomModeration

ERROR_CLASSES = ['text-negative', 'text-sm']
EMOJI_PROPS = {'flat': True, 'dense': True, 'no-caps': True, 'size': 'lg'}


def permalink(base_url: str, room_id: int, message_id: int) -> str:
    """The address that opens the room at this message (absolute: it is meant to be pasted elsewhere)."""
    return f'{base_url.rstrip("/")}/room/{room_id}?message={message_id}'


class ReplyBar:
    """ "Replying to Ann: …" above the input, with a button to cancel; built the first time someone replies."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.target: int | None = None
        self.anchor = el.box(['w-full'], props={'data-testid': 'reply-bar'})
        self.anchor.set_visibility(False)
        self.label: Any = None

    def set(self, message: MessageView) -> None:
        if self.label is None:
            with self.anchor, el.row(['w-full', 'no-wrap', 'items-center', 'gap-2', 'border-l-4', 'pl-2']):
                self.label = el.text('', ['grow', 'truncate', 'text-sm'], props={'data-testid': 'reply-to'})
                el.button(
                    self.clear,
                    icon='close',
                    props={'flat': True, 'round': True, 'dense': True, 'data-testid': 'reply-cancel'},
                )
        self.target = message.id
        first_line = previews.line(
            self.ctx.t, message.body.split('\n', 1)[0][:100], previews.glimpse(message.attachments)
        )
        el.set_text(self.label, self.ctx.t('replying_to', name=message.author.display_name, text=first_line))
        self.anchor.set_visibility(True)

    def clear(self) -> None:
        self.target = None
        self.anchor.set_visibility(False)


class MessageMenu:
    def __init__(
        self,
        ctx: PageContext,
        room: RoomView,
        feed: Feed,
        reply: ReplyBar,
        moderation: RoomModeration | None = None,
        on_profile: Callable[[UserView], None] | None = None,
    ) -> None:
        self.ctx, self.room, self.reply = ctx, room, reply
        self.moderation, self.on_profile = moderation, on_profile
        # the feed calls this menu (its `on_menu`): a strong reference back would make a cycle that only the full
        # collection frees once the page is closed
        self._feed = weakref.ref(feed)
        self.dialog: ui.dialog | None = None
        self.card: ui.card | None = None
        self.message: MessageView | None = None
        self.base_url = str(ctx.client.request.base_url)  # read while the page's request is at hand

    def _build(self) -> None:
        with self.ctx.root or self.ctx.client:
            with ui.dialog() as self.dialog, ui.card().classes('min-w-72') as self.card:
                pass
        self.card.props['data-testid'] = 'message-actions'

    def _fresh(self) -> ui.card:
        if self.dialog is None:
            self._build()
        assert self.dialog is not None and self.card is not None
        self.card.clear()
        self.dialog.open()
        return self.card

    def open(self, message: MessageView) -> None:
        """The menu for one message, as this viewer may use it."""
        self.message = message
        t, me = self.ctx.t, self.ctx.user
        own = message.author.id == me.id
        with self._fresh():
            with ui.row().classes('gap-0 justify-center w-full'):
                for emoji in reactions.PALETTE:
                    self._emoji_button(message, emoji)
                more = ui.button(icon='add_reaction', on_click=lambda: extra.set_visibility(not extra.visible))
                _props(
                    more,
                    {
                        'flat': True,
                        'dense': True,
                        'round': True,
                        'data-testid': 'more-emoji',
                        'title': t('message_more_emoji'),
                    },
                )
            with ui.row().classes('gap-0 justify-center w-full') as extra:
                for emoji in reactions.MORE:
                    self._emoji_button(message, emoji)
            extra.set_visibility(False)
            with ui.list().props('dense').classes('w-full'):
                self._item(t('message_reply'), 'reply', 'action-reply', self._reply)
                self._item(t('message_copy_link'), 'link', 'action-copy-link', self._copy_link)
                if self._shown(message).reactions:  # who reacted: by touch and keyboard too (a chip's hint is hover)
                    self._item(t('message_reactions'), 'emoji_emotions', 'action-reactions', self._reactions)
                if self.on_profile is not None:  # the author's card
                    self._item(t('profile'), 'person', 'action-profile', self._profile)
                if own:
                    self._item(t('message_edit'), 'edit', 'action-edit', self._edit)
                moderating = self.moderation is not None and self.moderation.may_moderate
                if own or me.is_admin or self.room.owner_id == me.id or moderating:
                    self._item(t('message_delete'), 'delete', 'action-delete', self._confirm_delete)
                if moderating and not own:  # the author's moderation menu (pages/moderation.py)
                    name = message.author.display_name
                    self._item(t('moderate_person', name=name), 'shield', 'action-moderate', self._moderate)
            self.error = ui.label('').classes(' '.join(ERROR_CLASSES)).props('data-testid=action-error')

    def _emoji_button(self, message: MessageView, emoji: str) -> None:
        button = ui.button(emoji, on_click=lambda: self._react(message, emoji))
        _props(button, {**EMOJI_PROPS, 'data-testid': f'react-{emoji}'})

    def _item(self, label: str, icon: str, testid: str, handler: Any) -> None:
        with ui.item(on_click=handler).props(f'data-testid={testid}'):
            with ui.item_section().props('avatar'):
                ui.icon(icon)
            ui.item_section(label)

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()

    def _shown(self, message: MessageView) -> MessageView:
        """The message as the feed shows it now (its reactions may have changed since the menu opened)."""
        feed = self._feed()
        current = feed.item(message.id) if feed is not None else None
        return current.message if current is not None and current.message is not None else message

    async def _react(self, message: MessageView, emoji: str) -> None:
        """Toggles this viewer's emoji as the message shows it now (the service keeps double clicks harmless)."""
        shown = self._shown(message)
        present = not any(r.emoji == emoji and self.ctx.user.id in r.user_ids for r in shown.reactions)
        try:
            await self.ctx.services.messages.react(self.ctx.user, self.room.id, message.id, emoji, present)
        except ChatError as error:
            self.error.set_text(self.ctx.t(error.key, **error.params))
            return
        self.close()

    def _reply(self) -> None:
        if self.message is not None:
            self.reply.set(self.message)
        self.close()

    def _moderate(self) -> None:
        if self.message is not None and self.moderation is not None:
            self.close()
            self.ctx.run(self.moderation.open_for(self.message.author))

    def _profile(self) -> None:
        self.close()
        if self.message is not None and self.on_profile is not None:
            self.on_profile(self.message.author)

    def _copy_link(self) -> None:
        if self.message is not None:
            ui.clipboard.write(permalink(self.base_url, self.room.id, self.message.id))
            ui.notify(self.ctx.t('message_link_copied'))
        self.close()

    async def _reactions(self) -> None:
        """Each emoji with the names of who chose it, asked of the service when opened (it checks the reader may
        read the room); in the menu's own dialog, so nothing is built before someone asks."""
        message = self.message
        if message is None:
            return
        t = self.ctx.t
        try:
            found = await self.ctx.services.messages.reactors(self.ctx.user, self.room.id, message.id)
        except ChatError as failure:
            self.error.set_text(t(failure.key, **failure.params))
            return
        with self._fresh():
            ui.label(t('message_reactions')).classes('text-subtitle1')
            if not found:
                ui.label(t('message_reactions_none'))
            with _props(ui.list(), {'dense': True, 'data-testid': 'reactions-list'}).classes('w-full'):
                for reaction in found:
                    names = ', '.join(reaction.names)
                    more = reaction.count - len(reaction.names)
                    with _props(ui.item(), {'data-testid': f'reactors-{reaction.emoji}'}):
                        with _props(ui.item_section(), {'avatar': True}):
                            ui.label(f'{reaction.emoji} {reaction.count}')
                        with ui.item_section():  # names as text, never HTML
                            ui.label(t('reacted_more', names=names, count=more) if more > 0 else names)
            with ui.row().classes('w-full justify-end'):
                _props(ui.button(t('close'), on_click=self.close), {'flat': True, 'data-testid': 'reactions-close'})

    def _edit(self) -> None:
        """The message's text in an editor; a refused change keeps the new text there and says why."""
        message = self.message
        if message is None:
            return
        t = self.ctx.t
        with self._fresh():
            ui.label(t('message_editing')).classes('text-subtitle1')
            editor = ui.textarea(value=message.body).classes('w-full')
            _props(
                editor,
                {
                    'outlined': True,
                    'autogrow': True,
                    'autofocus': True,
                    'data-testid': 'edit-input',
                },
            )
            error = ui.label('').classes(' '.join(ERROR_CLASSES)).props('data-testid=edit-error')

            async def save() -> None:
                try:
                    await self.ctx.services.messages.edit(self.ctx.user, self.room.id, message.id, editor.value)
                except ChatError as failure:
                    error.set_text(t(failure.key, **failure.params))
                    return
                self.close()

            with ui.row().classes('w-full justify-end'):
                _props(ui.button(t('cancel'), on_click=self.close), {'flat': True, 'data-testid': 'edit-cancel'})
                _props(ui.button(t('save'), on_click=save), {'data-testid': 'edit-save'})

    def _confirm_delete(self) -> None:
        message = self.message
        if message is None:
            return
        t = self.ctx.t
        with self._fresh():
            ui.label(t('message_confirm_delete'))
            error = ui.label('').classes(' '.join(ERROR_CLASSES)).props('data-testid=delete-error')

            async def delete() -> None:
                try:
                    await self.ctx.services.messages.delete(self.ctx.user, self.room.id, message.id)
                except ChatError as failure:
                    error.set_text(t(failure.key, **failure.params))
                    return
                self.close()

            with ui.row().classes('w-full justify-end'):
                _props(ui.button(t('cancel'), on_click=self.close), {'flat': True})
                _props(ui.button(t('delete'), on_click=delete), {'color': 'negative', 'data-testid': 'delete-confirm'})


def _props(element: Any, props: dict[str, Any]) -> Any:
    """Props as values (never NiceGUI's props string)."""
    element.props.update(props)
    return element
