"""The building blocks every open page holds many of: containers, texts, buttons, message bubbles, notices and
entries of the people list.

Pages build these through the functions here, never by hand, so that how they are made stays in one place: by
default they are plain NiceGUI elements; the speed layer (pages/fastpath, when `CHAT_FASTPATH` is on) installs a kit
of light elements that look the same to the browser and to tests but cost the server less per open page, and share
one bubble between all pages showing the same message. Like NiceGUI's own elements, each is placed in the current
container (`with` block). A feature that changes how a bubble looks changes `Kit.bubble` here (and its light twin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.element import Element

from chat import markup
from chat.views import MessageView, UserView
from pages.message_body import (
    FOLD_BUTTON_CLASSES,
    FOLD_BUTTON_PROPS,
    FOLDED_CLASSES,
    FORMATTED_CLASSES,
    FoldLabels,
    folds,
    is_folded,
    shown_text,
)


def _props(element: Element, props: dict[str, Any] | None) -> Element:
    """Props as values, never NiceGUI's props string: a user's name may hold quotes (and `:prop=` would run as JS)."""
    if props:
        element.props.update(props)
    return element


def _classes(element: Element, classes: list[str] | None) -> Element:
    if classes:
        element.classes(' '.join(classes))
    return element


class Bubble(ui.element):
    """A message bubble (Quasar's `q-chat-message`) whose body is one child: a text, or sanitized formatting."""

    def __init__(self, body: str, props: dict[str, Any], fold: FoldLabels | None = None) -> None:
        super().__init__('q-chat-message')
        self.props.update(props)
        with self:
            message_body(body, fold)

    def _displayed_contents(self, *, only_visible: bool) -> list:  # what `user.should_see` matches, as a person sees
        return [
            *super()._displayed_contents(only_visible=only_visible),
            self.props.get('name'),
            self.props.get('stamp'),
        ]


class TextBody(ui.label):
    """A long body shown as text, folded: a person (and `user.should_see`) sees its first lines until unfolded."""

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [shown_text(self.text, None, folded=is_folded(list(self.classes)))]


class FormattedBody(ui.html):
    """A body with formatting: sanitized HTML (chat/markup.py), set as the div's `innerHTML` (never compiled by Vue);
    `user.should_see` matches the words a person reads, not the tags."""

    def __init__(self, formatted: str) -> None:
        super().__init__(formatted, sanitize=markup.sanitize)
        self.classes(' '.join(FORMATTED_CLASSES))

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [shown_text(None, self.content, folded=is_folded(list(self.classes)))]


def message_body(body: str, fold: FoldLabels | None) -> None:
    """A message's body in the current container: its text (the common case: one text element, as cheap as it gets),
    or its formatting; a long one folded, with a button that unfolds it on this page (when `fold` gives its labels)."""
    formatted = markup.render(body)
    if fold is None or not folds(body):
        if formatted is None:
            ui.label(body)
        else:
            FormattedBody(formatted)
        return
    with ui.element('div'):  # one child of the bubble: Quasar makes a speech bubble of each
        shown: Element = TextBody(body) if formatted is None else FormattedBody(formatted)
        shown.classes(' '.join(FOLDED_CLASSES))
        button = ui.button(fold[0], on_click=lambda event: _toggle_fold(event.sender, fold))
        _props(_classes(button, FOLD_BUTTON_CLASSES), FOLD_BUTTON_PROPS)


def _toggle_fold(button: Element, fold: FoldLabels) -> None:
    """Unfolds the body beside `button`, or folds it again (found through the button: no closure holds both)."""
    shown = button.parent_slot.children[0]  # type: ignore[union-attr]
    folded = is_folded(list(shown.classes))
    if folded:
        shown.classes(remove=' '.join(FOLDED_CLASSES))
    else:
        shown.classes(' '.join(FOLDED_CLASSES))
    button.set_text(fold[1] if folded else fold[0])  # type: ignore[attr-defined]


class Kit:
    """Plain NiceGUI elements (the speed layer's light kit overrides every method)."""

    def box(
        self, classes: list[str] | None = None, *, props: dict[str, Any] | None = None, tag: str = 'div'
    ) -> Element:
        return _props(_classes(ui.element(tag), classes), props)

    def row(self, classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
        return _props(_classes(ui.row(), classes), props)

    def column(self, classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
        return _props(_classes(ui.column(), classes), props)

    def text(self, text: str, classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
        """Rendered as a text node: never HTML."""
        return _props(_classes(ui.label(text), classes), props)

    def link(self, text: str, href: str, classes: list[str] | None = None) -> Element:
        return _classes(ui.link(text, href), classes)

    def image(self, src: str, classes: list[str] | None = None) -> Element:
        """A decorative picture beside a name (an avatar): empty alt text."""
        return _props(_classes(ui.element('img'), classes), {'src': src, 'alt': ''})

    def button(
        self,
        on_click: Callable[[], Any],
        *,
        label: str | None = None,
        icon: str | None = None,
        classes: list[str] | None = None,
        props: dict[str, Any] | None = None,
    ) -> Element:
        button = ui.button(label or '', icon=icon, on_click=on_click)
        return _props(_classes(button, classes), props)

    def menu_item(self, text: str, on_click: Callable[[], Any], *, props: dict[str, Any] | None = None) -> Element:
        return _props(ui.item(text, on_click=on_click), props)

    def set_text(self, element: Element, text: str) -> None:
        """A text's words, or a button's label."""
        element.set_text(text)  # type: ignore[attr-defined]

    def set_image(self, element: Element, src: str) -> None:
        element.props['src'] = src

    def bubble(self, message: MessageView, stamp: str, sent: bool, *, fold: FoldLabels | None = None) -> Element:
        """A stored message: author, avatar, time and the body (a long one folded when `fold` gives the labels)."""
        author = message.author
        return self._bubble(
            message.body,
            {'name': author.display_name, 'stamp': stamp, 'avatar': author.avatar_url, 'sent': sent},
            fold,
        )

    def private_bubble(
        self, body: str, *, name: str, stamp: str, avatar: str, sent: bool, fold: FoldLabels | None = None
    ) -> Element:
        """A private message: never stored, marked apart from the public ones."""
        bubble = self._bubble(
            body,
            {
                'name': name,
                'stamp': stamp,
                'avatar': avatar,
                'sent': sent,
                'bg-color': 'amber-2',
                'data-testid': 'private-message',
            },
            fold,
        )
        return bubble.classes('private-message')

    def _bubble(self, body: str, props: dict[str, Any], fold: FoldLabels | None = None) -> Element:
        return Bubble(body, props, fold)

    def rename_bubble(self, bubble: Element, name: str, avatar: str) -> None:
        """The author changed their name or picture."""
        if bubble.props.get('name') != name or bubble.props.get('avatar') != avatar:
            bubble.props.update({'name': name, 'avatar': avatar})

    def person(self, user: UserView, label: str, on_click: Callable[[], Any] | None) -> Element:
        """An entry of the people list: avatar and name; clickable unless `on_click` is None."""
        with _props(ui.item(on_click=on_click), {'data-testid': f'online-{user.username}'}) as item:
            item.classes('items-center gap-3')
            self.image(user.avatar_url, ['w-8', 'h-8', 'rounded-full', 'shrink-0'])
            self.text(label, ['truncate'])
        return item

    def remove(self, parent: Element, element: Element) -> None:
        """Takes `element` (a child of `parent`) off this page."""
        parent.remove(element)

    def replace(self, parent: Element, old: Element, new: Element) -> None:
        """`new` (just built at the end of `parent`) takes the place of `old`."""
        new.move(parent, target_index=parent.default_slot.children.index(old))
        self.remove(parent, old)


_kit: list[Kit] = [Kit()]


def use(kit: Kit) -> None:
    """Installs another kit for every page built from now on (the speed layer's light elements)."""
    _kit[0] = kit


def box(classes: list[str] | None = None, *, props: dict[str, Any] | None = None, tag: str = 'div') -> Element:
    return _kit[0].box(classes, props=props, tag=tag)


def row(classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
    return _kit[0].row(classes, props=props)


def column(classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
    return _kit[0].column(classes, props=props)


def text(value: str, classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
    return _kit[0].text(value, classes, props=props)


def link(value: str, href: str, classes: list[str] | None = None) -> Element:
    return _kit[0].link(value, href, classes)


def image(src: str, classes: list[str] | None = None) -> Element:
    return _kit[0].image(src, classes)


def button(
    on_click: Callable[[], Any],
    *,
    label: str | None = None,
    icon: str | None = None,
    classes: list[str] | None = None,
    props: dict[str, Any] | None = None,
) -> Element:
    return _kit[0].button(on_click, label=label, icon=icon, classes=classes, props=props)


def menu_item(value: str, on_click: Callable[[], Any], *, props: dict[str, Any] | None = None) -> Element:
    return _kit[0].menu_item(value, on_click, props=props)


def set_text(element: Element, value: str) -> None:
    _kit[0].set_text(element, value)


def set_image(element: Element, src: str) -> None:
    _kit[0].set_image(element, src)


def bubble(message: MessageView, stamp: str, sent: bool, *, fold: FoldLabels | None = None) -> Element:
    return _kit[0].bubble(message, stamp, sent, fold=fold)


def private_bubble(
    body: str, *, name: str, stamp: str, avatar: str, sent: bool, fold: FoldLabels | None = None
) -> Element:
    return _kit[0].private_bubble(body, name=name, stamp=stamp, avatar=avatar, sent=sent, fold=fold)


def rename_bubble(element: Element, name: str, avatar: str) -> None:
    _kit[0].rename_bubble(element, name, avatar)


def person(user: UserView, label: str, on_click: Callable[[], Any] | None) -> Element:
    return _kit[0].person(user, label, on_click)


def remove(parent: Element, element: Element) -> None:
    _kit[0].remove(parent, element)


def replace(parent: Element, old: Element, new: Element) -> None:
    _kit[0].replace(parent, old, new)
