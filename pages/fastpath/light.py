"""Light elements: what every open page of a room builds for each message, notice and person present.

A live message costs each open page of its room one element tree, so with hundreds of pages NiceGUI's per-element
machinery is most of the server's work and most of its heap: every `ui.element` builds three observable collections
(classes, style, props) with change handlers, a slot, bindable-property entries and weak references, and finds its
parent through the current task's slot stack. A light element is a real NiceGUI `Element` (same wire format, same
`delete`, `update`, `move` and test lookups) built from plain values instead:

- its props and classes are plain containers that may be shared by every page showing the same message (they are
  never mutated: a change replaces the dict and calls `update()`);
- a leaf shares one empty default slot, and everything that is the same for most of them is a class attribute;
- the parent is passed in, not found through the slot stack.

They carry no bindings and at most a click listener (`on_click`); inputs and anything else interactive stay regular
NiceGUI elements. What looks the same on every page of a room (a stored message's bubble, a listed person's entry
with avatar and name) goes further: one `SharedElement` object that every page lists, with the same element id
everywhere; a click on one is dispatched to the page it came from (`shared_clicks`, `on_page_click`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from nicegui import context, events, storage
from nicegui.element import Element
from nicegui.event_listener import EventListener
from nicegui.slot import Slot

from pages.fastpath import speedups


class _NoChildren(list):
    """The children of the shared leaf slot: always empty."""

    def append(self, _: Any) -> None:
        raise TypeError('a light leaf element has no children')

    insert = extend = append  # type: ignore[assignment]


class LightSlot(Slot):
    """A default slot with its four fields in `__slots__`: no per-slot attribute dict."""

    __slots__ = ('_parent', 'children', 'name', 'template')

    def __init__(self, parent: Element | None) -> None:  # pylint: disable=super-init-not-called
        self.name = 'default'
        self._parent = weakref.ref(parent) if parent is not None else _no_parent
        self.template = None
        self.children = [] if parent is not None else _NoChildren()


def _no_parent() -> None:  # nothing ever asks the shared leaf slot for its parent
    return None


_LEAF_SLOT = LightSlot(None)  # one default slot shared by every light leaf element; it never holds children
_NO_LISTENERS: dict = {}
_NO_STYLE: dict = {}
_NO_MARKERS: list = []
_NO_CLASSES: list = []
_NO_PROPS: dict = {}


class LightElement(Element):
    # what every light element holds sits in `__slots__` (no per-element attribute dict); what most of them share
    # lives on the class
    __slots__ = (
        '_classes',
        '_client',
        '_event_listeners',
        '_parent_slot',
        '_props',
        '_text',
        'default_slot',
        'id',
        'tag',
    )
    _style = _NO_STYLE
    _markers = _NO_MARKERS
    _update_method = None
    _deleted = False

    def __init__(
        self,
        parent: Element,
        tag: str,
        *,
        props: dict[str, Any] | None = None,
        classes: list[str] | None = None,
        text: str | None = None,
        leaf: bool = True,
    ) -> None:
        # pylint: disable=super-init-not-called  # the point: none of Element.__init__'s per-element machinery
        slot = parent.default_slot
        if slot is _LEAF_SLOT:
            raise TypeError('a light leaf element has no children')
        client = parent.client
        self._client = parent._client  # the same weak reference
        self.id = client.next_element_id
        client.next_element_id += 1
        self.tag = tag
        self._classes = classes if classes is not None else _NO_CLASSES  # type: ignore[assignment]
        self._props = props if props is not None else _NO_PROPS  # type: ignore[assignment]
        self._text = text
        self._event_listeners = _NO_LISTENERS
        self.default_slot = _LEAF_SLOT if leaf else LightSlot(self)
        client.elements[self.id] = self
        slot.children.append(self)
        self._parent_slot = weakref.ref(slot)
        outbox = client.outbox
        outbox.enqueue_update(self)
        outbox.enqueue_update(parent)

    def _to_dict(self) -> dict[str, Any]:
        """NiceGUI's wire form of an element (the same keys in the same order, empty ones left out), without its
        generic path: asked for each changed element of each page on every flush (a block of the feed per message)."""
        data: dict[str, Any] = {'tag': self.tag}
        if self._text is not None:
            data['text'] = self._text
        if self._classes:
            data['class'] = self._classes
        if self._style:
            data['style'] = self._style
        if self._props:
            data['props'] = self._props
        children = self.default_slot.children
        if children:
            data['children'] = [child.id for child in children]
        if self._event_listeners:
            data['events'] = [listener.to_dict() for listener in self._event_listeners.values()]
        return data

    @property
    def slots(self) -> dict[str, Slot]:  # type: ignore[override]
        """Only a default slot; asked for when the element is sent or removed, so it is not kept."""
        return {'default': self.default_slot}

    def add_slot(self, name: str, template: str | None = None) -> Slot:
        """`slots` is built on demand from the default slot: another slot would be lost, so there is none."""
        raise TypeError('a light element has only its default slot')

    ignores_events_when_hidden = True

    def _handle_delete(self) -> None:
        """As NiceGUI's, but listeners may be shared with other elements: dropped, never cleared."""
        if self.default_slot is not _LEAF_SLOT:
            self.default_slot.children.clear()
        self._event_listeners = _NO_LISTENERS

    def on_click(self, handler: Callable[[], Any]) -> None:
        """The one listener a light element may have, as `ui.item(on_click=...)` registers it."""
        self.use_listeners(event_listeners(_Clicked(handler), self.id, 'click'))

    def use_listeners(self, listeners: dict[str, EventListener]) -> None:
        """Listeners made by `click_listeners`, possibly shared with other elements of the same page."""
        self._event_listeners = listeners
        self.update()

    def _displayed_contents(self, *, only_visible: bool) -> list:  # what `user.should_see` matches
        return [self._text, *super()._displayed_contents(only_visible=only_visible)]

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def _handle_visibility_change(self, visible: str) -> None:
        """Classes may be shared with other elements: a new list, never an edit in place."""
        classes = [c for c in self._classes if c != 'hidden']
        self._classes = classes if visible else [*classes, 'hidden']  # type: ignore[assignment]
        self.update()

    def replace_props(self, props: dict[str, Any]) -> None:
        """Props are shared between pages: a change is a new dict, never an edit in place."""
        self._props = props  # type: ignore[assignment]
        self.update()


setattr(LightElement, '___visible', True)  # Visibility's bindable property, without a binding entry each


def no_page() -> None:
    """The `_client` of a shared element: it belongs to no single page."""
    return None


class SharedElement:
    """Mixed into a light element that many pages show at once (pages/feed.py's message bubbles, the online list's
    entries): it has no page of its own and the same element id on every page (from a range far above any
    page's own counter), NiceGUI's removal of it from one page (a trimmed window, a closed tab) neither clears its
    children nor marks it deleted, and pages never edit it in place."""

    __slots__ = ()

    @property
    def _deleted(self) -> bool:
        return False

    @_deleted.setter
    def _deleted(self, _: bool) -> None:
        pass  # removed from one page; the others still show it

    def _handle_delete(self) -> None:
        pass

    @property
    def client(self) -> Any:
        """The page handling an event of it (NiceGUI enters the page's context before dispatching a browser event,
        as its test user does): a shared element has no page of its own."""
        return context.client

    def _handle_event(self, msg: dict) -> None:
        """As NiceGUI's, with the request of the page the event came from: a shared listener belongs to no page."""
        listener = self._event_listeners[msg['listener_id']]  # type: ignore[attr-defined]
        client = context.client
        storage.request_contextvar.set(client._request)  # pylint: disable=protected-access
        events.handle_event(
            listener.handler,
            events.GenericEventArguments(
                sender=self,
                client=client,  # type: ignore[arg-type]
                args=msg['args'],
            ),
        )

    def _share(
        self,
        element_id: int,
        tag: str,
        *,
        props: dict[str, Any] | None = None,
        classes: list[str] | None = None,
        text: str | None = None,
        parent_slot: Slot | None = None,
        leaf: bool = True,
    ) -> None:
        """What `LightElement.__init__` sets, without a page: no client, no place in a page's element table."""
        self._client = no_page  # type: ignore[attr-defined]
        self.id, self.tag, self._text = element_id, tag, text  # type: ignore[attr-defined]
        self._classes = classes if classes is not None else _NO_CLASSES  # type: ignore[attr-defined]
        self._props = props if props is not None else _NO_PROPS  # type: ignore[attr-defined]
        self._event_listeners = _NO_LISTENERS  # type: ignore[attr-defined]
        self.default_slot = _LEAF_SLOT if leaf else LightSlot(self)  # type: ignore[attr-defined, arg-type]
        # inside a shared parent: that parent's slot; on a page's own element: none (a different one on each page)
        self._parent_slot = weakref.ref(parent_slot) if parent_slot is not None else None  # type: ignore[attr-defined]


class SharedBranch(SharedElement, LightElement):
    """A shared element with shared children (`add`): a list entry with its avatar and name."""

    __slots__ = ()

    def __init__(
        self,
        element_id: int,
        tag: str,
        *,
        props: dict[str, Any] | None = None,  # pylint: disable=super-init-not-called
        classes: list[str] | None = None,
    ) -> None:
        self._share(element_id, tag, props=props, classes=classes, leaf=False)

    def add(self, child: SharedElement) -> None:
        self.default_slot.children.append(child)  # type: ignore[attr-defined]


class SharedLeaf(SharedElement, LightElement):
    """A childless shared element: a text or an image."""

    __slots__ = ()

    def __init__(
        self,
        element_id: int,
        tag: str,
        *,
        props: dict[str, Any] | None = None,  # pylint: disable=super-init-not-called
        classes: list[str] | None = None,
        text: str | None = None,
        parent_slot: Slot | None = None,
    ) -> None:
        self._share(element_id, tag, props=props, classes=classes, text=text, parent_slot=parent_slot)


_SHOWN: weakref.WeakValueDictionary[tuple, Element] = weakref.WeakValueDictionary()


def shared(key: tuple, make: Callable[[], Element]) -> Element:
    """The shared element other pages already show for `key` (everything that decides how it looks), or a new one.
    Kept only as long as some page shows it: the server's memory follows what is on screen."""
    element = _SHOWN.get(key)
    if element is None:
        element = _SHOWN[key] = make()
    return element


def show_shared(parent: Element, element: Element, *children: Element) -> None:
    """Lists a shared element (and its shared children) on the page of `parent`, at its end. Only those with a
    listener go into the page's element table (a click names its element by id): a room page shows hundreds of
    shared elements, and a table entry for each doubled the table (`render_from_the_tree`)."""
    client = parent.client
    outbox = client.outbox
    table = client.elements
    for shown in (element, *children):
        if shown._event_listeners:
            table[shown.id] = shown
        outbox.enqueue_update(shown)
    parent.default_slot.children.append(element)
    outbox.enqueue_update(parent)


def render_from_the_tree() -> None:
    """A page's first HTML carries its element tree as NiceGUI's table lists it; shared elements without a
    listener are not in the table (`show_shared`), so the HTML is rendered from the table and the tree together."""
    from nicegui.client import Client

    original = Client.build_response

    def build_response(self: Client, request: Any, status_code: int = 200) -> Any:
        table = self.elements
        whole = dict(table)
        for element in self.layout.descendants():
            if element.id not in whole:
                whole[element.id] = element
        self.elements = whole
        try:
            return original(self, request, status_code)
        finally:
            self.elements = table

    Client.build_response = build_response  # type: ignore[method-assign]


def hide_shared(parent: Element, element: Element, *children: Element) -> None:
    """Takes a shared element off the page of `parent` only; other pages still show it. What NiceGUI's removal does
    besides is nothing for a shared element (no bindings, no deletion, no change handlers): only the page's table
    entry and a deletion for its browser."""
    parent.default_slot.children.remove(element)
    client = parent.client
    outbox = client.outbox
    for hidden in (element, *children):
        client.elements.pop(hidden.id, None)
        outbox.enqueue_delete(hidden)
    speedups.elements_removed(client, 1 + len(children))
    parent.update()


class _EveryElementId:
    """The element id of a shared listener. NiceGUI's dispatch never reads it; its test harness (`user.click`) skips
    listeners whose element id differs from the clicked element's, and this one belongs to every element using it."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, int)

    def __ne__(self, other: object) -> bool:
        return not isinstance(other, int)

    __hash__ = object.__hash__


def click_listeners(
    handler: Callable[[Element], Any], *, element_id: int | None = None, event: str = 'click'
) -> dict[str, EventListener]:
    """One click listener that many light elements of a page may share (a list's entries): NiceGUI finds a listener
    by its id in the clicked element's own listeners and passes that element as the event's sender, so the handler
    learns which one was clicked without a listener and a closure per element."""
    every = _EveryElementId() if element_id is None else element_id
    return event_listeners(lambda arguments: handler(arguments.sender), every, event)  # type: ignore[arg-type]


class _Clicked:
    """What a click on a light element calls: `handler()`. One small object instead of two closures per element
    (a page has dozens of buttons, each page its own)."""

    __slots__ = ('handler',)

    def __init__(self, handler: Callable[[], Any]) -> None:
        self.handler = handler

    def __call__(self, _: events.GenericEventArguments) -> Any:
        return self.handler()


def event_listeners(handler: Callable[[events.GenericEventArguments], Any], element_id: int, event: str) -> dict:
    """One element's listener for `event`, whose handler gets the event's arguments (as `Element.on` gives them)."""
    listener = EventListener(
        element_id=element_id,
        type=event,
        args=None,
        handler=handler,
        js_handler=None,
        throttle=0.0,
        leading_events=True,
        trailing_events=True,
        request=storage.request_contextvar.get(),
    )
    return {listener.id: listener}


_PAGE_CLICKS: dict[tuple[str, str], Callable[[Element], Any]] = {}


def on_page_click(client: Any, name: str, handler: Callable[[Element], Any]) -> None:
    """What a click on a shared element using `shared_clicks(name)` does on this page (until the page goes)."""
    key = (client.id, name)
    _PAGE_CLICKS[key] = handler
    client.on_delete(lambda: _PAGE_CLICKS.pop(key, None))


@lru_cache(maxsize=64)
def shared_clicks(name: str) -> dict[str, EventListener]:
    """One click listener for shared elements on every page: NiceGUI dispatches a browser event in the context of the
    page it came from, so the listener finds that page's handler (`on_page_click`). No page's request is kept in it
    (each event sets its own page's: `SharedElement._handle_event`)."""

    def clicked(element: Element) -> Any:
        handler = _PAGE_CLICKS.get((context.client.id, name))
        return handler(element) if handler is not None else None  # an awaitable is run by NiceGUI

    listeners = click_listeners(clicked)
    for listener in listeners.values():
        listener.request = None
    return listeners


@lru_cache(maxsize=4096)
def image_props(url: str) -> dict[str, Any]:
    """The props of a decorative `img` (an avatar beside a name), one dict per address shared by every element and
    page that shows it (light elements never edit their props in place)."""
    return {'src': url, 'alt': ''}


def light_text(parent: Element, text: str, classes: list[str] | None = None, tag: str = 'div') -> LightElement:
    """A text element (a `ui.label` without the machinery): Vue renders the text as a text node, never HTML."""
    return LightElement(parent, tag, classes=classes, text=text)


class LightButton(LightElement):
    """A `q-btn` whose label is a Quasar prop: `set_text` changes the label."""

    __slots__ = ()

    def set_text(self, text: str) -> None:
        if self._props.get('label') != text:
            self.replace_props({**self._props, 'label': text})


def light_button(
    parent: Element,
    on_click: Callable[[], Any],
    *,
    label: str | None = None,
    icon: str | None = None,
    props: dict[str, Any] | None = None,
    classes: list[str] | None = None,
) -> LightButton:
    """A `q-btn` with a click listener (a `ui.button` without the machinery); the label is a Quasar prop (text)."""
    button = LightButton(parent, 'q-btn', classes=classes, props=_button_props(label, icon, props))
    button.on_click(on_click)
    return button


def _button_props(label: str | None, icon: str | None, props: dict[str, Any] | None) -> dict[str, Any]:
    """A button's props, one dict for every page showing the same button in the same language (light elements
    never edit their props in place)."""
    key = (label, icon, tuple(props.items()) if props else ())
    try:
        found = _BUTTON_PROPS.get(key)
    except TypeError:  # a value that cannot be a key (a list): a dict of this button's own
        return _merged_button_props(label, icon, props)
    if found is None:
        if len(_BUTTON_PROPS) >= _BUTTON_PROPS_KEPT:
            _BUTTON_PROPS.clear()  # labels with counts in them come and go: start over rather than grow
        found = _BUTTON_PROPS[key] = _merged_button_props(label, icon, props)
    return found


def _merged_button_props(label: str | None, icon: str | None, props: dict[str, Any] | None) -> dict[str, Any]:
    return {
        'color': 'primary',
        **({'label': label} if label is not None else {}),
        **({'icon': icon} if icon else {}),
        **(props or {}),
    }


_BUTTON_PROPS: dict[tuple, dict[str, Any]] = {}
_BUTTON_PROPS_KEPT = 4096


def current_parent() -> Element:
    """The element whose `with` block we are in: where a regular element would be placed."""
    return context.slot.parent
