"""Light elements (pages/fastpath/light.py) behave as NiceGUI elements where the pages rely on it, and never edit what
they share with other elements or other pages."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import User

from pages import elements as el
from pages.fastpath.light import LightElement, click_listeners, light_button, light_text
from tests.ui.helpers import by_testid, open_room, register, wait_for

pytestmark = pytest.mark.fastpath  # tests the speed layer itself

SHARED = ['text-xs', 'notice']


async def _box(user: User) -> ui.element:
    """A regular element on an open page to put light elements into."""
    await user.open('/login')
    assert user.client is not None
    with user.client.content:
        return ui.element('div')


async def test_shared_classes_and_props_are_never_edited_in_place(user: User) -> None:
    box = await _box(user)
    props = {'src': '/a.png'}
    first, second = light_text(box, 'one', SHARED), LightElement(box, 'img', props=props, classes=SHARED)
    first.set_visibility(False)
    assert 'hidden' in first._classes and SHARED == ['text-xs', 'notice']
    assert second.visible and 'hidden' not in second._classes
    first.set_visibility(True)
    assert 'hidden' not in first._classes
    second.replace_props({'src': '/b.png'})
    assert props == {'src': '/a.png'} and second.props['src'] == '/b.png'
    first.set_text('two')
    assert first._to_dict()['text'] == 'two'


async def test_tree_serialisation_delete_and_leaf_rules(user: User) -> None:
    box = await _box(user)
    parent = LightElement(box, 'q-item', props={'data-testid': 'row'}, leaf=False)
    child = light_text(parent, '<b>not html</b>')
    assert parent._to_dict() == {'tag': 'q-item', 'props': {'data-testid': 'row'}, 'children': [child.id]}
    assert child._to_dict() == {'tag': 'div', 'text': '<b>not html</b>'}  # a text node for Vue, never HTML
    with pytest.raises(TypeError):
        light_text(child, 'a leaf has no children')
    parent.delete()
    assert parent.is_deleted and child.is_deleted
    assert parent.id not in user.client.elements and child.id not in user.client.elements
    assert parent not in box.default_slot.children
    with pytest.raises(TypeError):
        LightElement(box, 'div', leaf=False).add_slot('header')  # `slots` holds only the default one


async def test_one_shared_listener_tells_the_clicked_element_and_survives_a_deleted_one(user: User) -> None:
    box = await _box(user)
    clicked: list[int] = []
    shared = click_listeners(lambda element: clicked.append(element.id))
    rows = [LightElement(box, 'q-item', props={'data-testid': f'row-{n}'}, leaf=False) for n in range(3)]
    for row in rows:
        row.use_listeners(shared)
    assert {row._to_dict()['events'][0]['listener_id'] for row in rows} == set(shared)  # one listener on the wire
    rows[0].delete()  # NiceGUI's own delete would clear the shared dict for every row
    by_testid(user, 'row-2').click()
    by_testid(user, 'row-1').click()
    assert clicked == [rows[2].id, rows[1].id] and len(shared) == 1


async def test_click_listener_reaches_the_handler(user: User) -> None:
    box = await _box(user)
    clicks: list[str] = []
    item = LightElement(box, 'q-item', props={'data-testid': 'clickable-row', 'clickable': True}, leaf=False)
    item.on_click(lambda: clicks.append('clicked'))
    (listener,) = item._event_listeners.values()
    assert item._to_dict()['events'][0]['type'] == 'click'
    by_testid(user, 'clickable-row').click()
    assert clicks == ['clicked'] and listener.element_id == item.id


async def test_light_button_runs_async_handlers_in_its_page(user: User) -> None:
    box = await _box(user)
    done: list[str] = []

    async def handler() -> None:
        await asyncio.sleep(0)
        ui.notify('handled')  # needs the page's context, as the header's sign-out does
        done.append('yes')

    button = light_button(box, handler, label='Go', props={'flat': True, 'data-testid': 'go'})
    assert button._to_dict()['props'] == {'color': 'primary', 'label': 'Go', 'flat': True, 'data-testid': 'go'}
    by_testid(user, 'go').click()
    await user.should_see('handled')
    assert done == ['yes']


async def test_wire_form_is_nicegui_s_own(user: User) -> None:
    """`LightElement._to_dict` is a shortcut: the dict (keys, order, values) is what NiceGUI's generic one builds."""
    from nicegui.element import Element

    box = await _box(user)
    parent = LightElement(box, 'div', classes=['w-full'], leaf=False)
    elements = [
        parent,
        light_text(parent, 'plain'),
        light_text(parent, '', SHARED),
        LightElement(parent, 'img', props={'src': '/a.png', 'alt': ''}),
        light_button(parent, lambda: None, label='Go', icon='south', props={'flat': True}),
        LightElement(parent, 'div', leaf=False),
    ]
    elements[2].set_visibility(False)
    for element in elements:
        wire = element._to_dict()
        assert wire == Element._to_dict(element) and list(wire) == list(Element._to_dict(element))


async def test_set_classes_keeps_the_hidden_mark_and_never_edits_the_given_list(user: User) -> None:
    box = await _box(user)
    shown, hidden = light_text(box, 'a', SHARED), light_text(box, 'b', SHARED)
    hidden.set_visibility(False)
    bold = [*SHARED, 'font-bold']
    el.set_classes(shown, bold)
    el.set_classes(hidden, bold)
    assert shown._classes == bold and hidden._classes == [*bold, 'hidden'] and not hidden.visible
    assert bold == [*SHARED, 'font-bold'] and SHARED == ['text-xs', 'notice']


async def test_a_members_room_page_holds_few_regular_elements(user: User, create_user) -> None:
    """Every open room tab pays for each of its elements; NiceGUI's own cost several times a light one. What a page
    holds of them: the header, the rooms filter and the message field; side panes, the header's search form,
    lists, buttons, the feed's watcher of its bottom line and what only the owner or a click needs are light or
    built when needed."""
    await register(user, 'anna')
    await open_room(user, 'Garden')
    boris = create_user()
    await register(boris, 'boris')
    await open_room(boris, 'Garden')
    await wait_for(user, 'online-boris')
    assert boris.client is not None
    frame = {'q-layout', 'q-page-container', 'q-page', 'div'}  # NiceGUI's own frame of every page
    regular = sorted(
        e.tag for e in boris.client.elements.values() if not isinstance(e, LightElement) and e.tag not in frame
    )
    assert regular == ['nicegui-header', 'nicegui-input', 'nicegui-input']


async def test_a_lazy_menu_is_filled_once_and_placed_again_for_its_items(user: User) -> None:
    """Quasar places a menu when it opens; filled a round trip later, it must be placed again for its items (an
    empty menu's place was below the screen's edge on a busy server)."""
    box = await _box(user)
    built: list[str] = []

    def build() -> None:
        built.append('items')
        el.text('item')

    with box:
        menu = el.lazy_menu(build, props={'data-testid': 'lazy'})
    placed: list[str] = []
    menu.run_method = lambda name, *args, **kwargs: placed.append(name)  # type: ignore[method-assign]
    assert not menu.default_slot.children
    for _ in range(2):
        by_testid(user, 'lazy').trigger('beforeShow')
        await asyncio.sleep(0)
    assert built == ['items'] and len(menu.default_slot.children) == 1
    assert placed == ['updatePosition']
