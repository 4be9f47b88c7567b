"""The four elements NiceGUI's `Client` makes for every page, as light elements.

Every page starts with a frame of four elements before anything of its own: the layout (`q-layout`), its page
container, the page and the content column (`Client.__init__`). As regular elements they cost ~3 KB each per open
tab (three observable collections with change handlers, a slot, binding entries), for elements that NiceGUI's own
code only sets up once and then places things in. Here `nicegui.client`'s name `Element` (used there for these four
only) makes light elements instead, so the full ones are never built (building and then replacing them leaves the
freed bytes as holes in the heap).

What NiceGUI's code does with them still works: `.props(...)` and `.classes(...)` with strings when they are made,
`with` blocks, their default slot, listeners (`ui.on` listens on the layout), and editing the layout's view in place
(`layout.props['view'] = ...`) when a header, drawer or footer joins, which sends the layout again.
"""

from __future__ import annotations

import weakref
from typing import Any

from nicegui import context
from nicegui.classes import Classes
from nicegui.element import Element
from nicegui.props import Props

from pages.fastpath.light import LightElement, LightSlot


class FrameProps(dict):
    """A frame element's props: set from a string once (as `Props.__call__`), edited in place later; each change
    sends the element again."""

    __slots__ = ('_element',)
    _suspend_count = 0  # what `Element.on` asks of props: updates are never suspended here

    def __init__(self, element: Element) -> None:
        super().__init__()
        self._element = weakref.ref(element)

    def __call__(self, add: str | None = None, *, remove: str | None = None) -> Element | None:
        for key in Props.parse(remove):
            dict.pop(self, key, None)
        for key, value in Props.parse(add).items():
            dict.__setitem__(self, key, value)
        return self._changed()

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        dict.__delitem__(self, key)
        self._changed()

    def _changed(self) -> Element | None:
        element = self._element()
        if element is not None:
            element.update()
        return element


class FrameClasses(list):
    """A frame element's classes: changed with strings (as `Classes.__call__`); each change sends it again."""

    __slots__ = ('_element',)

    def __init__(self, element: Element) -> None:
        super().__init__()
        self._element = weakref.ref(element)

    def __call__(
        self,
        add: str | None = None,
        *,
        remove: str | None = None,
        toggle: str | None = None,
        replace: str | None = None,
    ) -> Element | None:
        self[:] = Classes.update_list(self, add, remove, toggle, replace)
        element = self._element()
        if element is not None:
            element.update()
        return element


class FrameElement(LightElement):
    """Made as NiceGUI makes the frame: `Element(tag, _client=client)` for the layout (no parent), `Element(tag)` in
    the slot of the one before for the others."""

    __slots__ = ()

    def __init__(self, tag: str | None = None, *, _client: Any = None) -> None:  # pylint: disable=super-init-not-called
        if _client is None:  # inside the layout, made just before
            LightElement.__init__(self, context.slot.parent, tag or 'div', leaf=False)
        else:  # the layout: the root of its page, even when made while another page's slot is open (error pages)
            client = _client
            self._client = weakref.ref(client)
            self.id = client.next_element_id
            client.next_element_id += 1
            self.tag = tag or 'div'
            self._text = None
            self.default_slot = LightSlot(self)
            self._parent_slot = None
            client.elements[self.id] = self
            client.outbox.enqueue_update(self)
        self._props = FrameProps(self)  # type: ignore[assignment]
        self._classes = FrameClasses(self)  # type: ignore[assignment]
        self._event_listeners = {}  # `ui.on` listens on the layout (NiceGUI's sub pages do, on every page)


def apply() -> None:
    from nicegui import client as client_module

    client_module.Element = FrameElement  # type: ignore[attr-defined, misc]
