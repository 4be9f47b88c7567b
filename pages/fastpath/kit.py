"""The light twin of `pages.elements.Kit`: the same building blocks as light elements (pages/fastpath/light.py).

A stored message's bubble and a listed person's entry are shared: one element object that every page showing it the
same way lists, with the same element id everywhere (from ranges far above any page's own counter, derived from the
message or user id). A click on a shared entry reaches the page it came from (`on_page_click`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from nicegui import context
from nicegui.element import Element
from nicegui.events import GenericEventArguments

from chat import markup
from chat.views import MessageView, UserView
from pages.elements import (
    MENU_CLASSES,
    QUOTE_CLASSES,
    BubbleActions,
    BubbleLook,
    Kit,
    ReactionChip,
    bubble_classes,
    bubble_props,
    fill_menu,
    menu_props,
    reaction_props,
    text_classes,
)
from pages.fastpath.light import (
    LightButton,
    LightElement,
    SharedBranch,
    SharedElement,
    SharedLeaf,
    click_listeners,
    current_parent,
    event_listeners,
    hide_shared,
    image_props,
    light_button,
    on_page_click,
    shared,
    shared_clicks,
    show_shared,
)
from pages.message_body import (
    FOLD_BUTTON_CLASSES,
    FOLD_BUTTON_PROPS,
    FORMATTED_CLASSES,
    FoldLabels,
    folded_classes,
    folds,
    is_folded,
    shown_text,
    unfolded_classes,
)

MESSAGE_IDS = 1 << 40  # element ids of shared bubbles: far above any page's own counter, exact in JavaScript
# a bubble's ids: MESSAGE_IDS + MESSAGE_STRIDE * message id, then its text, menu button, quote and formatted body
MESSAGE_STRIDE, TEXT, MENU, QUOTE, BODY = 5, 1, 2, 3, 4
PERSON_IDS = 1 << 42  # element ids of shared people-list entries
# element ids of shared reaction rows: REACTION_IDS + REACTION_STRIDE * message id, then its chips (at most 20)
REACTION_IDS, REACTION_STRIDE = 1 << 44, 32
ROW_CLASSES = ['nicegui-row', 'row']  # what NiceGUI's ui.row / ui.column give their element
COLUMN_CLASSES = ['nicegui-column']
PERSON_CLASSES = ['items-center', 'gap-3']
AVATAR_CLASSES = ['w-8', 'h-8', 'rounded-full', 'shrink-0']
NAME_CLASSES = ['truncate']


class LightBody(LightElement):
    """A message's body: its text as a text node (never HTML), or its sanitized formatting (chat/markup.py) as the
    div's `innerHTML` DOM property, which Vue sets as it is and never compiles. Checked in Chromium by tests/e2e."""

    __slots__ = ()

    def _displayed_contents(self, *, only_visible: bool) -> list:  # what `user.should_see` matches, as a person sees
        return [shown_text(self._text, self._props.get('innerHTML'), folded=is_folded(self._classes))]


class SharedBody(SharedElement, LightBody):
    """A stored message's body, shown by every page that shows its bubble."""

    __slots__ = ()

    def __init__(self, element_id: int, body: str, formatted: str | None, parent_slot: Any) -> None:
        # pylint: disable=super-init-not-called
        if formatted is None:
            self._share(element_id, 'div', text=body, parent_slot=parent_slot)
        else:
            props = {'innerHTML': formatted}
            self._share(element_id, 'div', props=props, classes=FORMATTED_CLASSES, parent_slot=parent_slot)


def light_body(parent: Element, body: str, formatted: str | None, fold: FoldLabels | None) -> None:
    """A message's body on one page, in `parent` (the bubble's one child); folded, with a button that unfolds it here,
    when `fold` gives the labels. The button finds the body beside it, so no closure holds both (no reference cycle)."""
    props = {'innerHTML': formatted} if formatted is not None else None
    classes = list(FORMATTED_CLASSES) if formatted is not None else []
    if fold is not None:
        classes = folded_classes(classes)
    LightBody(parent, 'div', text=body if formatted is None else None, props=props, classes=classes or None)
    if fold is not None:
        button = LightButton(parent, 'q-btn', classes=FOLD_BUTTON_CLASSES, props=_fold_props(fold[0]))
        button.use_listeners(click_listeners(lambda clicked: _toggle_fold(clicked, fold), element_id=button.id))


def _fold_props(label: str) -> dict[str, Any]:
    return {'color': 'primary', 'label': label, **FOLD_BUTTON_PROPS}


def _toggle_fold(button: Element, fold: FoldLabels) -> None:
    siblings = button.parent_slot.children  # type: ignore[union-attr]
    body = siblings[siblings.index(button) - 1]
    folded = is_folded(body._classes)  # type: ignore[attr-defined]
    body._classes = unfolded_classes(body._classes) if folded else folded_classes(body._classes)  # type: ignore
    body.update()
    button.set_text(fold[1] if folded else fold[0])  # type: ignore[attr-defined]


class FeedMessage(LightElement):
    """A message bubble (`q-chat-message`) and one child div: the body (text or sanitized formatting), or a folded
    body with its button.

    Quasar renders only element children of the default slot (NiceGUI always passes that slot, so the `text` prop is
    ignored), and each as a speech bubble of its own. Checked in Chromium by tests/e2e."""

    __slots__ = ()

    def __init__(
        self,
        parent: Element,
        body: str,
        props: dict[str, Any],
        classes: list[str] | None = None,
        fold: FoldLabels | None = None,
    ) -> None:
        super().__init__(parent, 'q-chat-message', props=props, classes=classes, leaf=False)
        formatted = markup.render(body)
        fold = fold if fold is not None and folds(body) else None
        if formatted is None and fold is None:
            LightBody(self, 'div', text=body)
        else:  # one child of the bubble: Quasar makes a speech bubble of each
            light_body(LightElement(self, 'div', leaf=False), body, formatted, fold)

    def _displayed_contents(self, *, only_visible: bool) -> list:
        body = self.default_slot.children[0]
        if not isinstance(body, LightBody):  # folded: the body and its button
            body = body.default_slot.children[0]
        return [
            *body._displayed_contents(only_visible=only_visible),
            self._props.get('name'),
            self._props.get('label'),
            self._props.get('stamp'),
        ]


class SharedMessage(SharedElement, FeedMessage):
    """A stored message's bubble and its children (its text div holding the quote, a formatted body and the menu
    button), one tree for every page of the room
    that shows it the same way (same look: stamp, side, text, language; same author name and picture): a live message
    reaches every open page at the same moment, and each only lists the tree and sends its cached wire form. Pages
    never edit it in place: a changed message (edited, deleted, a renamed author) gets a new tree with the same ids,
    which each page showing the old one puts in its place. Clicks on the menu and the quote reach the page they came
    from (`shared_clicks`): what the menu offers is built there, for that viewer only. (A folded message is no such
    tree: folding is per page.)"""

    __slots__ = ('_wire', 'text')

    def __init__(self, message: MessageView, look: BubbleLook) -> None:  # pylint: disable=super-init-not-called
        self._share(
            MESSAGE_IDS + MESSAGE_STRIDE * message.id,
            'q-chat-message',
            leaf=False,
            props=bubble_props(message, look),
            classes=bubble_classes(look),
        )
        self.text = text = MessageText(self.id + TEXT, 'div', classes=text_classes(look))
        text._text = look.body if look.formatted is None else None
        text._parent_slot = weakref.ref(self.default_slot)
        self.default_slot.children.append(text)
        if look.quote is not None:
            quote = ClickableLeaf(self.id + QUOTE, 'div', props=_QUOTE_PROPS, classes=QUOTE_CLASSES, text=look.quote)
            quote._event_listeners = shared_clicks('bubble')
            text.add(quote)
        if look.formatted is not None:
            text.add(SharedBody(self.id + BODY, look.body, look.formatted, text.default_slot))
        if look.menu is not None:
            menu = ClickableLeaf(self.id + MENU, 'q-btn', props=_menu_props(look.menu), classes=MENU_CLASSES)
            menu._event_listeners = shared_clicks('bubble')
            text.add(menu)
        self._wire: dict[str, Any] | None = None

    def _to_dict(self) -> dict[str, Any]:
        if self._wire is None:
            self._wire = super()._to_dict()
        return self._wire

    def replace_props(self, props: dict[str, Any]) -> None:
        self._props = props  # type: ignore[assignment]
        self._wire = None

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props.get('name'), self._props.get('stamp')]  # the text is its child's


class _CachedWire:
    """A shared element whose wire form never changes once built (pages never edit shared elements in place): made
    once, not once per page."""

    __slots__ = ()

    def _to_dict(self) -> dict[str, Any]:
        wire = getattr(self, '_wire', None)
        if wire is None:
            wire = self._wire = super()._to_dict()  # type: ignore[misc]
        return wire


class MessageText(_CachedWire, SharedBranch):
    """A bubble's one child: the text, with the quote and the menu button inside."""

    __slots__ = ('_wire',)


class ClickableLeaf(_CachedWire, SharedLeaf):
    """A bubble's menu button or quote, with the shared click listener. No parent slot (as a shared list entry):
    NiceGUI runs a click's handler in the clicked element's parent slot, and the shared bubble belongs to no page, so
    the handler runs in the page's own layout instead."""

    __slots__ = ('_wire',)


class ReactionLeaf(ClickableLeaf):
    """A reaction chip of a shared row: a click adds the clicking viewer's own (the row is shared by viewers without
    one), which `_reaction_clicked` finds on the chip."""

    __slots__ = ('emoji', 'message_id')


def _shared_reactions(message_id: int, chips: tuple[ReactionChip, ...], classes: list[str]) -> SharedBranch:
    row = SharedBranch(
        REACTION_IDS + REACTION_STRIDE * message_id,
        'div',
        props=_REACTIONS_PROPS,
        classes=[*ROW_CLASSES, *classes],
    )
    for index, chip in enumerate(chips, start=1):
        leaf = ReactionLeaf(row.id + index, 'q-btn', props={'label': chip.label, **reaction_props(chip)})
        leaf.emoji, leaf.message_id = chip.emoji, message_id
        leaf._event_listeners = shared_clicks('reaction')
        row.add(leaf)
    return row


_REACTIONS_PROPS = {'data-testid': 'reactions'}


class LocalMessage(LightElement):
    """A bubble shown on one page only: the message a permalink or a quote led this viewer to, highlighted."""

    __slots__ = ()

    def _displayed_contents(self, *, only_visible: bool) -> list:
        return [self._props.get('name'), self._props.get('stamp')]


_QUOTE_PROPS = {'data-testid': 'quote'}


@lru_cache(maxsize=16)
def _menu_props(title: str) -> dict[str, Any]:
    """One dict per language, shared by every menu button (light elements never edit their props in place)."""
    return {**menu_props(title), 'icon': 'more_horiz'}


# Per page, keyed by the page's id and dropped when the page is deleted: a table keyed by the page itself (even weakly)
# whose values reach back to the page (a feed, a click handler) would keep every page ever opened alive.
_BUBBLE_ACTIONS: dict[str, BubbleActions] = {}
_REACTION_TOGGLES: dict[str, Callable[[int, str, bool], Any]] = {}
_PERSON_CLICKS: dict[str, Callable[[int], Any]] = {}  # page id -> what choosing a listed person does there


def _page_entry(table: dict[str, Any], name: str, clicked: Callable[[str, Element], Any]) -> str:
    """This page's id, its clicks on shared elements using `shared_clicks(name)` routed to `clicked(page id, element)`
    and its entry of `table` dropped with the page (the first time a page asks)."""
    client = context.client
    client_id = client.id
    if client_id not in table:
        on_page_click(client, name, lambda element: clicked(client_id, element))
        client.on_delete(lambda: table.pop(client_id, None))
    return client_id


def _bubble_clicked(client_id: str, element: Element) -> Any:
    actions = _BUBBLE_ACTIONS.get(client_id)
    if actions is None:
        return None
    message_id, part = divmod(element.id - MESSAGE_IDS, MESSAGE_STRIDE)
    if part == MENU:
        return actions.menu(message_id)
    if part == QUOTE:
        return actions.quote(message_id)
    return None


def _reaction_clicked(client_id: str, element: Element) -> Any:
    toggle = _REACTION_TOGGLES.get(client_id)
    if toggle is None or not isinstance(element, ReactionLeaf):
        return None
    return toggle(element.message_id, element.emoji, True)  # a shared row: none of them is this viewer's own


@lru_cache(maxsize=4096)
def _person_props(username: str, clickable: bool) -> dict[str, Any]:
    """Shared by every page that lists this person (light elements never edit their props in place)."""
    return {'data-testid': f'online-{username}', **({'clickable': True} if clickable else {})}


# hidden until the keyboard reaches it, then in the top corner: NiceGUI's skip link's look, in Tailwind
SKIP_LINK_CLASSES = [
    'sr-only',
    'focus:not-sr-only',
    'focus:fixed!',
    'focus:top-0',
    'focus:left-0',
    'focus:z-[9999]',
    'focus:px-4',
    'focus:py-2',
    'focus:rounded',
    'focus:border',
    'focus:bg-white',
    'dark:focus:bg-black',
]


class LightKit(Kit):
    def box(
        self, classes: list[str] | None = None, *, props: dict[str, Any] | None = None, tag: str = 'div'
    ) -> Element:
        return LightElement(current_parent(), tag, classes=classes, props=props, leaf=False)

    def row(self, classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
        return self.box([*ROW_CLASSES, *(classes or [])], props=props)

    def column(self, classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
        return self.box([*COLUMN_CLASSES, *(classes or [])], props=props)

    def text(self, text: str, classes: list[str] | None = None, *, props: dict[str, Any] | None = None) -> Element:
        return LightElement(current_parent(), 'div', classes=classes, props=props, text=text)

    def link(self, text: str, href: str, classes: list[str] | None = None) -> Element:
        return LightElement(current_parent(), 'a', props={'href': href}, classes=classes, text=text)

    def image(self, src: str, classes: list[str] | None = None) -> Element:
        return LightElement(current_parent(), 'img', props=image_props(src), classes=classes)

    def button(
        self,
        on_click: Callable[[], Any],
        *,
        label: str | None = None,
        icon: str | None = None,
        classes: list[str] | None = None,
        props: dict[str, Any] | None = None,
    ) -> Element:
        return light_button(current_parent(), on_click, label=label, icon=icon, props=props, classes=classes)

    def menu_item(self, text: str, on_click: Callable[[], Any], *, props: dict[str, Any] | None = None) -> Element:
        item = LightElement(
            current_parent(), 'q-item', props={'clickable': True, **(props or {})}, classes=['items-center'], text=text
        )
        item.on_click(on_click)
        return item

    def skip_link(self, text: str, target: Element) -> Element:
        """A plain link to the target's id, first in the page's layout (NiceGUI's skip link adds a click handler,
        a canary element and a finalizer per page; the target here is focusable already)."""
        layout = context.client.layout
        props = {'href': f'#{target.html_id}', 'data-testid': 'skip-link'}
        link = LightElement(layout, 'a', props=props, classes=SKIP_LINK_CLASSES, text=text)
        self.place(layout, link, 0)
        return link

    def lazy_menu(self, build: Callable[[], None], *, props: dict[str, Any] | None = None) -> Element:
        menu = LightElement(current_parent(), 'q-menu', props=props, leaf=False)

        def fill(_: Element) -> None:
            if not menu.default_slot.children:
                fill_menu(menu, build)
                # Quasar placed the menu while it was empty (the items come a round trip later): below the
                # screen's edge on a busy server. Placed again for its items, it opens where it should.
                menu.run_method('updatePosition')

        menu.use_listeners(click_listeners(fill, element_id=menu.id, event='beforeShow'))
        return menu

    def watcher(
        self, tag: str, event: str, handler: Callable[[GenericEventArguments], Any], classes: list[str] | None = None
    ) -> Element:
        watcher = LightElement(current_parent(), tag, classes=classes)
        watcher.use_listeners(event_listeners(handler, watcher.id, event))
        return watcher

    def set_image(self, element: Element, src: str) -> None:
        element.replace_props(image_props(src))  # type: ignore[attr-defined]

    def set_classes(self, element: Element, classes: list[str]) -> None:
        if not isinstance(element, LightElement):
            super().set_classes(element, classes)
            return
        element._classes = classes if element.visible else [*classes, 'hidden']  # type: ignore[assignment]
        element.update()

    def bubble(self, message: MessageView, look: BubbleLook, actions: BubbleActions | None = None) -> Element:
        if look.highlighted or look.fold is not None:  # highlighted, folded or not: on this page only
            return self._local_bubble(message, look, actions)
        if look.files:  # with attachments: NiceGUI's own elements (links, images), on this page only
            return Kit.bubble(self, message, look, actions)
        author = message.author
        key = ('message', message.id, author.display_name, author.avatar_url, look)
        bubble: SharedMessage = shared(key, lambda: SharedMessage(message, look))  # type: ignore[assignment]
        show_shared(current_parent(), bubble, *_shared_children(bubble))
        return bubble

    def bubble_actions(self, actions: BubbleActions) -> None:
        """Clicks on shared bubbles' menus and quotes reach this page's `actions` (its feed)."""
        client_id = _page_entry(_BUBBLE_ACTIONS, 'bubble', _bubble_clicked)
        _BUBBLE_ACTIONS[client_id] = actions

    def reactions(
        self,
        message_id: int,
        chips: tuple[ReactionChip, ...],
        classes: list[str],
        on_toggle: Callable[[int, str, bool], Any],
    ) -> Element:
        if any(chip.mine for chip in chips):  # this viewer's own marked: a row of this page's own
            return super().reactions(message_id, chips, classes, on_toggle)
        client_id = _page_entry(_REACTION_TOGGLES, 'reaction', _reaction_clicked)
        _REACTION_TOGGLES[client_id] = on_toggle
        key = ('reactions', message_id, chips, tuple(classes))
        row: SharedBranch = shared(key, lambda: _shared_reactions(message_id, chips, classes))  # type: ignore[assignment]
        show_shared(current_parent(), row, *row.default_slot.children)
        return row

    def place(self, parent: Element, element: Element, index: int) -> None:
        if not isinstance(element, SharedElement):
            super().place(parent, element, index)
            return
        children = parent.default_slot.children
        children.remove(element)
        children.insert(index, element)
        parent.update()

    def _local_bubble(self, message: MessageView, look: BubbleLook, actions: BubbleActions | None) -> Element:
        bubble = LocalMessage(
            current_parent(),
            'q-chat-message',
            props=bubble_props(message, look),
            classes=bubble_classes(look),
            leaf=False,
        )
        text = LightElement(
            bubble, 'div', classes=text_classes(look), text=look.body if look.plain else None, leaf=False
        )
        if look.quote is not None:
            quote = LightElement(text, 'div', props=_QUOTE_PROPS, classes=QUOTE_CLASSES, text=look.quote)
            if actions is not None:
                quote.on_click(lambda: actions.quote(message.id))
        if not look.plain:
            light_body(text, look.body, look.formatted, look.fold)
        if look.menu is not None and actions is not None:
            light_button(text, lambda: actions.menu(message.id), props=_menu_props(look.menu), classes=MENU_CLASSES)
        return bubble

    def private_bubble(
        self, body: str, *, name: str, stamp: str, avatar: str, sent: bool, fold: FoldLabels | None = None
    ) -> Element:
        props = {
            'name': name,
            'stamp': stamp,
            'avatar': avatar,
            'sent': sent,
            'bg-color': 'amber-2',
            'data-testid': 'private-message',
        }
        return FeedMessage(current_parent(), body, props, classes=['private-message'], fold=fold)

    def rename_bubble(self, bubble: Element, name: str, avatar: str) -> None:
        if isinstance(bubble, LocalMessage) or (
            isinstance(bubble, FeedMessage) and not isinstance(bubble, SharedMessage)
        ):
            # this page's own bubble (highlighted, folded, private): light props are never edited in place
            if bubble._props.get('name') != name or bubble._props.get('avatar') != avatar:
                bubble.replace_props({**bubble._props, 'name': name, 'avatar': avatar})
            return
        if not isinstance(bubble, SharedMessage):
            super().rename_bubble(bubble, name, avatar)
            return
        if bubble._props.get('name') != name or bubble._props.get('avatar') != avatar:
            bubble.replace_props({**bubble._props, 'name': name, 'avatar': avatar})  # the first page to hear of it
        context.client.outbox.enqueue_update(bubble)  # every page showing it re-sends it

    def person(self, user: UserView, label: str, on_choose: Callable[[int], Any] | None) -> Element:
        clickable = on_choose is not None

        def make() -> SharedBranch:
            item = SharedBranch(
                PERSON_IDS + 3 * user.id,
                'q-item',
                props=_person_props(user.username, clickable),
                classes=PERSON_CLASSES,
            )
            item.add(
                SharedLeaf(
                    item.id + 1,
                    'img',
                    props=image_props(user.avatar_url),
                    classes=AVATAR_CLASSES,
                    parent_slot=item.default_slot,
                )
            )
            item.add(SharedLeaf(item.id + 2, 'div', classes=NAME_CLASSES, text=label, parent_slot=item.default_slot))
            if clickable:
                item.use_listeners(shared_clicks('person'))
            return item

        key = ('person', user.id, user.username, label, user.avatar_url, clickable)
        item: SharedBranch = shared(key, make)  # type: ignore[assignment]
        if on_choose is not None:
            _PERSON_CLICKS[_page_entry(_PERSON_CLICKS, 'person', _person_clicked)] = on_choose
        show_shared(current_parent(), item, *item.default_slot.children)
        return item

    def remove(self, parent: Element, element: Element) -> None:
        if isinstance(element, SharedElement):  # off this page only: other pages may still show it
            hide_shared(parent, element, *_shared_children(element))
        else:
            element.delete()

    def replace(self, parent: Element, old: Element, new: Element) -> None:
        if not isinstance(new, SharedElement):
            super().replace(parent, old, new)
            return
        children = parent.default_slot.children
        children.remove(new)  # listed again below: a person's entries share their element ids, old and new
        index = children.index(old)
        self.remove(parent, old)
        show_shared(parent, new, *_shared_children(new))
        children.insert(index, children.pop())


def _shared_children(element: Element) -> list[Element]:
    if isinstance(element, SharedMessage):  # its text, and the quote, formatted body and menu button inside it
        return [element.text, *element.text.default_slot.children]
    return list(element.default_slot.children)


def _person_clicked(client_id: str, element: Element) -> Any:
    handler = _PERSON_CLICKS.get(client_id)
    return handler((element.id - PERSON_IDS) // 3) if handler is not None else None
