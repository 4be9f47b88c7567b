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
from dataclasses import dataclass
from typing import Any, Protocol

from nicegui import ui
from nicegui.element import Element
from nicegui.events import GenericEventArguments

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


def menu_props(title: str) -> dict[str, Any]:
    """A bubble's menu button: small and flat, named for screen readers. Sent with every bubble to every page, so
    only what it needs (no hover title: the icon says it)."""
    return {
        'flat': True,
        'round': True,
        'dense': True,
        'size': 'sm',
        'aria-label': title,
        'data-testid': 'message-menu',
    }


def _props(element: Element, props: dict[str, Any] | None) -> Element:
    """Props as values, never NiceGUI's props string: a user's name may hold quotes (and `:prop=` would run as JS)."""
    if props:
        element.props.update(props)
    return element


def _classes(element: Element, classes: list[str] | None) -> Element:
    if classes:
        element.classes(' '.join(classes))
    return element


# A stored message's bubble: its menu button shows on hover on desktop (`group`), always on phones and touch screens.
# Its time is less faded than Quasar draws it (60 % of the text colour is 4.4:1 on the green bubble; AA asks 4.5)
BUBBLE_CLASSES = ['group', '[&_.q-message-stamp]:opacity-75']
HIGHLIGHTED_CLASSES = [*BUBBLE_CLASSES, 'highlighted']
# A follower (the same author's next message, soon after): no name and no avatar, so it is indented by the avatar's
# width (48 px and its 8 px margin) on the author's side; it moves up to its leader, and its time sits beside the text
# instead of under it (Quasar's 48 px minimum height is the avatar's, which it has none of): about half the height
FOLLOWER_CLASSES = [
    'follower',
    '-mt-1',
    '[&_.q-message-text]:min-h-0',
    '[&_.q-message-text-content]:flex',
    '[&_.q-message-text-content]:items-end',
    '[&_.q-message-text-content]:gap-2',
    '[&_.q-message-text-content>:first-child]:min-w-0',  # the body may shrink: a code block scrolls inside it
    '[&_.q-message-stamp]:mt-0',
    '[&_.q-message-stamp]:shrink-0',
    '[&_.q-message-stamp]:whitespace-nowrap',
]
_BUBBLE_CLASSES = {
    (highlighted, follower, sent): [
        *(HIGHLIGHTED_CLASSES if highlighted else BUBBLE_CLASSES),
        *((*FOLLOWER_CLASSES, 'pr-14' if sent else 'pl-14') if follower else ()),
    ]
    for highlighted in (False, True)
    for follower in (False, True)
    for sent in (False, True)
}
HIGHLIGHT_COLOR = 'yellow-3'
MENTION_COLOR = 'blue-2'  # a message that mentions its viewer (or everyone: `@room`)
# Quasar draws each child of a `q-chat-message` as a bubble of its own, so a message has one child, its text, and the
# menu button and the quote sit inside it: the button in the top corner, the quote first (the text node comes first
# in the element, so the column puts the quote before it with `order-first`)
TEXT_CLASSES = ['relative', 'pr-7', 'min-h-6']
QUOTED_TEXT_CLASSES = [*TEXT_CLASSES, 'flex', 'flex-col']
DELETED_CLASSES = ['italic', 'text-grey-9']  # grey-7 and -8 are too light on the green bubble
MENU_CLASSES = ['absolute', 'top-0', 'right-0', 'opacity-0', 'group-hover:opacity-100', 'max-sm:opacity-100']
QUOTE_CLASSES = [
    'order-first',
    'border-l-4',
    'border-grey-6',
    'pl-2',
    'mb-1',
    'text-xs',
    'text-grey-9',
    'cursor-pointer',
    'truncate',
]


def bubble_classes(look: BubbleLook) -> list[str]:
    """One list per kind of bubble, shared (light elements never edit their classes in place)."""
    return _BUBBLE_CLASSES[look.highlighted, look.follower, look.sent]


def text_classes(look: BubbleLook) -> list[str]:
    if look.deleted:
        return DELETED_CLASSES
    return QUOTED_TEXT_CLASSES if look.quote is not None else TEXT_CLASSES


@dataclass(frozen=True, slots=True)
class FileTile:
    """An attachment as a bubble shows it: an image's thumbnail linking to the full picture (opened in a new tab), or
    a file's name and size linking to its download."""

    url: str
    name: str
    size: str  # human-readable, in the viewer's language
    title: str  # the link's name ("Open x.png full size", "Download report.pdf")
    thumb: str | None = None  # an image's thumbnail; None: a file to download
    width: int = 0  # the thumbnail's shown size (reserved before it loads: the feed does not jump)
    height: int = 0


FILES_CLASSES = ['flex', 'flex-wrap', 'gap-2', 'mt-1', 'whitespace-normal', 'min-w-0']
IMAGE_CLASSES = ['block', 'rounded', 'max-w-full', 'h-auto', 'bg-black/5', 'object-contain']
FILE_CLASSES = [
    'flex',
    'items-center',
    'no-wrap',
    'gap-2',
    'rounded',
    'px-2',
    'py-1',
    'bg-black/5',  # bubbles stay light in the dark theme: dark text on them in both
    'no-underline',
    'text-grey-10',
    'max-w-full',
    'min-w-0',
]


def attachment_tiles(files: tuple[FileTile, ...]) -> Element:
    """A message's files in the current container (the bubble's text div): thumbnails and download links."""
    with _props(_classes(ui.element('div'), FILES_CLASSES), {'data-testid': 'attachments'}) as box:
        for tile in files:
            if tile.thumb is not None:
                with ui.link(target=tile.url, new_tab=True) as link:
                    image = ui.element('img')
                    _props(
                        _classes(image, IMAGE_CLASSES),
                        {
                            'src': tile.thumb,
                            'alt': tile.name,
                            'width': tile.width,
                            'height': tile.height,
                            'loading': 'lazy',
                        },
                    )
                _props(link, {'aria-label': tile.title, 'title': tile.title, 'data-testid': 'attachment-image'})
            else:
                with _classes(ui.link(target=tile.url), FILE_CLASSES) as link:
                    ui.icon('description', size='sm').classes('shrink-0')
                    with ui.element('div').classes('flex flex-col min-w-0'):
                        ui.label(tile.name).classes('truncate font-medium')
                        ui.label(tile.size).classes('text-xs opacity-75')
                _props(link, {'aria-label': tile.title, 'title': tile.title, 'data-testid': 'attachment-file'})
    return box


@dataclass(frozen=True, slots=True)
class BubbleLook:
    """What a stored message's bubble shows, as the feed decided for its viewer (language, time zone, side). Pages
    that decide the same look share one bubble (the speed layer): everything per viewer beyond this (the menu's
    items, a viewer's own reactions) is built on that page only."""

    body: str  # the text, or the "message deleted" placeholder
    stamp: str  # the time, with the "edited" mark
    sent: bool  # the viewer's own message
    deleted: bool = False
    quote: str | None = None  # "Ann: first line" of the message this one answers
    menu: str | None = None  # the menu button's name; None: no menu (a deleted message)
    highlighted: bool = False  # the message a permalink or a quote led to (on this page only)
    formatted: str | None = None  # the body as sanitized HTML (chat/markup.py); None: plain text
    fold: FoldLabels | None = None  # a long body is folded on each page: the button's labels
    mentioned: bool = False  # it mentions the viewer, or everyone: pages differing in this share no bubble
    follower: bool = False  # grouped under its author's message just before: no name, no avatar (pages/feed.py)
    files: tuple[FileTile, ...] = ()  # its attachments (pages/attachments.py), under the body

    @property
    def plain(self) -> bool:
        """The body is the text div's own text node (the common, cheapest case)."""
        return self.formatted is None and self.fold is None


@dataclass(frozen=True, slots=True)
class ReactionChip:
    """One emoji under a bubble as one viewer sees it: its count, who (a hint) and whether it is the viewer's own."""

    emoji: str
    label: str  # "👍 2"
    title: str  # who reacted
    mine: bool


def reaction_props(chip: ReactionChip) -> dict[str, Any]:
    return {
        'dense': True,
        'no-caps': True,
        'rounded': True,
        'unelevated': True,
        'size': 'sm',
        'color': 'primary' if chip.mine else 'grey-3',
        'text-color': 'white' if chip.mine else 'grey-9',
        'aria-pressed': 'true' if chip.mine else 'false',
        'title': chip.title,
        'data-testid': 'reaction',
    }


class BubbleActions(Protocol):
    """What a click in a bubble does on the page showing it."""

    def menu(self, message_id: int) -> Any: ...

    def quote(self, message_id: int) -> Any: ...


def bubble_props(message: MessageView, look: BubbleLook) -> dict[str, Any]:
    author = message.author
    if look.follower:  # Quasar leaves out the name line and the avatar when their props are absent
        props: dict[str, Any] = {'stamp': look.stamp, 'sent': look.sent}
    else:
        props = {'name': author.display_name, 'stamp': look.stamp, 'avatar': author.avatar_url, 'sent': look.sent}
    if look.highlighted:
        props.update({'bg-color': HIGHLIGHT_COLOR, 'data-testid': 'highlighted-message'})
    elif look.mentioned:
        props.update({'bg-color': MENTION_COLOR, 'data-testid': 'mention'})
    return props


class Bubble(ui.element):
    """A message bubble (Quasar's `q-chat-message`); its one child holds the body: a text, or sanitized formatting."""

    def __init__(self, props: dict[str, Any], body: str | None = None, fold: FoldLabels | None = None) -> None:
        super().__init__('q-chat-message')
        self.props.update(props)
        if body is not None:
            with self:
                formatted = markup.render(body)
                if formatted is None and (fold is None or not folds(body)):
                    ui.label(body)
                else:
                    with ui.element('div'):  # one child of the bubble: Quasar makes a speech bubble of each
                        message_body(body, formatted, fold if folds(body) else None)

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


def message_body(body: str, formatted: str | None, fold: FoldLabels | None) -> None:
    """A message's body in the current container (the bubble's one child): its text or its formatting; folded, with
    a button that unfolds it on this page, when `fold` gives the labels."""
    shown: Element = TextBody(body) if formatted is None else FormattedBody(formatted)
    if fold is None:
        return
    shown.classes(' '.join(FOLDED_CLASSES))
    button = ui.button(fold[0], on_click=lambda event: _toggle_fold(event.sender, fold))
    _props(_classes(button, FOLD_BUTTON_CLASSES), FOLD_BUTTON_PROPS)


def fill_menu(menu: Element, build: Callable[[], None]) -> None:
    if not menu.default_slot.children:  # once: later openings show what was made
        with menu:
            build()


def _toggle_fold(button: Element, fold: FoldLabels) -> None:
    """Unfolds the body just before `button`, or folds it again (found through the button: no closure holds both)."""
    siblings = button.parent_slot.children  # type: ignore[union-attr]
    shown = siblings[siblings.index(button) - 1]
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

    def skip_link(self, text: str, target: Element) -> Element:
        """The page's first stop for the keyboard, shown only while it has the focus: to `target`, past the header
        and the side panes."""
        return _props(ui.skip_link(text, target=target), {'data-testid': 'skip-link'})

    def lazy_menu(self, build: Callable[[], None], *, props: dict[str, Any] | None = None) -> Element:
        """A `q-menu` with what `build` makes. With the speed layer the items are made the first time the menu opens
        (most pages never open their menus, so they never hold what is in them) and Quasar is asked to place the
        menu again once they are there: placed while empty, it opened below the screen's edge on a busy server. On
        plain NiceGUI they are made with the page."""
        menu = _props(ui.element('q-menu'), props)
        fill_menu(menu, build)
        return menu

    def watcher(
        self, tag: str, event: str, handler: Callable[[GenericEventArguments], Any], classes: list[str] | None = None
    ) -> Element:
        """A childless Quasar component that only reports `event` (its arguments to `handler`): e.g. a
        `q-intersection` saying whether it is in view."""
        watcher = _classes(ui.element(tag), classes)
        watcher.on(event, handler)
        return watcher

    def set_text(self, element: Element, text: str) -> None:
        """A text's words, or a button's label."""
        element.set_text(text)  # type: ignore[attr-defined]

    def set_image(self, element: Element, src: str) -> None:
        element.props['src'] = src

    def set_classes(self, element: Element, classes: list[str]) -> None:
        """All of an element's classes at once, in place of those it had (a list the caller never changes)."""
        element.classes(replace=' '.join(classes if element.visible else [*classes, 'hidden']))

    def bubble(self, message: MessageView, look: BubbleLook, actions: BubbleActions | None = None) -> Element:
        """A stored message: author, avatar and time (props), and one child, its text, holding the quoted message it
        answers, the body when it is formatted or folded, and the menu button."""
        bubble = Bubble(bubble_props(message, look))
        _classes(bubble, bubble_classes(look))
        with bubble, _classes(ui.label(look.body if look.plain else ''), text_classes(look)):
            if look.quote is not None:
                quote = _props(_classes(ui.label(look.quote), QUOTE_CLASSES), {'data-testid': 'quote'})
                if actions is not None:
                    quote.on('click', lambda: actions.quote(message.id))
            if not look.plain:
                message_body(look.body, look.formatted, look.fold)
            if look.files:
                attachment_tiles(look.files)
            if look.menu is not None and actions is not None:
                menu = ui.button(icon='more_horiz', on_click=lambda: actions.menu(message.id))
                _props(_classes(menu, MENU_CLASSES), menu_props(look.menu))
        return bubble

    def bubble_actions(self, actions: BubbleActions) -> None:
        """What clicks in this page's bubbles do (plain bubbles carry their own handlers: nothing to do)."""

    def reactions(
        self,
        message_id: int,
        chips: tuple[ReactionChip, ...],
        classes: list[str],
        on_toggle: Callable[[int, str, bool], Any],
    ) -> Element:
        """The row of reactions under a bubble; a click toggles the viewer's own (`on_toggle(message, emoji, add)`)."""
        with self.row(classes, props={'data-testid': 'reactions'}) as row:
            for chip in chips:
                self.button(
                    lambda emoji=chip.emoji, mine=chip.mine: on_toggle(message_id, emoji, not mine),
                    label=chip.label,
                    props=reaction_props(chip),
                )
        return row

    def place(self, parent: Element, element: Element, index: int) -> None:
        """Moves `element` (a child of `parent`) to position `index` among its children."""
        element.move(parent, target_index=index)

    def reveal(self, bubble: Element) -> None:
        """Scrolls the page so that the bubble is in view (its text is a plain div: the browser's own method)."""
        bubble.default_slot.children[0].run_method('scrollIntoView', {'block': 'center'})

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
        return Bubble(props, body, fold)

    def rename_bubble(self, bubble: Element, name: str, avatar: str) -> None:
        """The author changed their name or picture."""
        if bubble.props.get('name') != name or bubble.props.get('avatar') != avatar:
            bubble.props.update({'name': name, 'avatar': avatar})

    def person(self, user: UserView, label: str, on_choose: Callable[[int], Any] | None) -> Element:
        """An entry of the people list: avatar and name; a click calls `on_choose(user.id)` (one handler for the
        whole list, not a closure per person); not clickable when it is None."""
        on_click = None if on_choose is None else lambda: on_choose(user.id)
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


def lazy_menu(build: Callable[[], None], *, props: dict[str, Any] | None = None) -> Element:
    return _kit[0].lazy_menu(build, props=props)


def skip_link(text: str, target: Element) -> Element:
    return _kit[0].skip_link(text, target)


def watcher(
    tag: str, event: str, handler: Callable[[GenericEventArguments], Any], classes: list[str] | None = None
) -> Element:
    return _kit[0].watcher(tag, event, handler, classes)


def set_text(element: Element, value: str) -> None:
    _kit[0].set_text(element, value)


def set_image(element: Element, src: str) -> None:
    _kit[0].set_image(element, src)


def set_classes(element: Element, classes: list[str]) -> None:
    _kit[0].set_classes(element, classes)


def bubble(message: MessageView, look: BubbleLook, actions: BubbleActions | None = None) -> Element:
    return _kit[0].bubble(message, look, actions)


def reveal(element: Element) -> None:
    _kit[0].reveal(element)


def reactions(
    message_id: int, chips: tuple[ReactionChip, ...], classes: list[str], on_toggle: Callable[[int, str, bool], Any]
) -> Element:
    return _kit[0].reactions(message_id, chips, classes, on_toggle)


def place(parent: Element, element: Element, index: int) -> None:
    _kit[0].place(parent, element, index)


def bubble_actions(actions: BubbleActions) -> None:
    _kit[0].bubble_actions(actions)


def private_bubble(
    body: str, *, name: str, stamp: str, avatar: str, sent: bool, fold: FoldLabels | None = None
) -> Element:
    return _kit[0].private_bubble(body, name=name, stamp=stamp, avatar=avatar, sent=sent, fold=fold)


def rename_bubble(element: Element, name: str, avatar: str) -> None:
    _kit[0].rename_bubble(element, name, avatar)


def person(user: UserView, label: str, on_choose: Callable[[int], Any] | None) -> Element:
    return _kit[0].person(user, label, on_choose)


def remove(parent: Element, element: Element) -> None:
    _kit[0].remove(parent, element)


def replace(parent: Element, old: Element, new: Element) -> None:
    _kit[0].replace(parent, old, new)
