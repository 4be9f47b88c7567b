"""The process-wide speed-ups must not change what they answer."""

from __future__ import annotations

import gc
import inspect
import weakref

import pytest
from nicegui import helpers, ui
from nicegui.testing import User
from socketio import packet

from pages.fastpath import speedups
from tests.waiting import until

pytestmark = pytest.mark.fastpath  # tests the speed layer itself


class Thing:
    def no_args(self) -> None: ...

    def one_arg(self, value: int) -> None: ...


def test_binary_check_answers_as_the_original_walk() -> None:
    check = packet.Packet.data_is_binary
    assert check({1: {'tag': 'div', 'props': {'a': [1, 2.5, None, True]}}}) is False
    assert check(['update', {'7': {'text': 'привет'}}]) is False
    assert check({'a': [{'b': b'\x00'}]}) is True
    assert check(bytearray(b'x')) is True
    assert check([object(), b'x']) is True  # orjson cannot encode it: the original walk answers
    assert check([object()]) is False


def test_cached_expects_arguments_tells_bound_methods_apart() -> None:
    first, second = Thing(), Thing()
    assert helpers.expects_arguments(first.no_args) is False
    assert helpers.expects_arguments(second.no_args) is False
    assert helpers.expects_arguments(first.one_arg) is True
    assert helpers.expects_arguments(lambda x: x) is True
    assert helpers.expects_arguments(lambda: None) is False
    assert len(inspect.signature(first.one_arg).parameters) == 1


async def test_removed_elements_are_freed_without_the_collector(user: User) -> None:
    await user.open('/login')
    assert user.client is not None
    with user.client.content:
        label = ui.label('short-lived')
    classes, props = weakref.ref(label._classes), weakref.ref(label._props)
    gc.disable()
    try:
        label.delete()
        del label
        assert classes() is None and props() is None  # freed by reference counting alone
    finally:
        gc.enable()


async def test_a_closed_tab_leaves_no_tab_storage_behind() -> None:
    from nicegui import app

    await app.storage._create_tab_storage('closed-tab')  # what NiceGUI does when a tab connects
    await app.storage._create_tab_storage('open-tab')
    assert 'closed-tab' in app.storage._tabs
    await app.storage.close_tab('closed-tab')  # NiceGUI calls it once no page of the tab is left
    assert 'closed-tab' not in app.storage._tabs
    assert 'open-tab' in app.storage._tabs
    await app.storage.close_tab(None)
    await app.storage.close_tab('never-seen')
    del app.storage._tabs['open-tab']


async def test_a_deleted_page_keeps_no_handlers_that_hold_it(user: User) -> None:
    """The page's delete handlers close over its own objects, which hold the client: cleared once they have run, so
    a closed page goes with reference counting instead of waiting for a full collection."""
    from tests.ui.helpers import open_room, register

    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    client = user.client
    assert client is not None and client.delete_handlers
    ran: list[str] = []
    client.on_delete(lambda: ran.append('delete handler'))
    client.delete()
    assert ran == ['delete handler']  # the handlers ran first
    assert not (client.connect_handlers or client.disconnect_handlers or client.delete_handlers)


PAGE_TYPES = {'Client', 'PageContext', 'Feed', 'OnlineList', 'PrivatePanel', 'FeedMessage', 'LightElement', 'Outbox'}


async def test_a_closed_room_page_is_freed_without_the_cycle_collector(user: User) -> None:
    """Nothing of a closed room page may sit in a reference cycle: garbage waiting for a full collection is memory
    the allocator keeps, and a full collection stalls every page (docs/PERFORMANCE.md)."""
    from tests.ui.helpers import open_room, register, send

    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    await send(user, 'hello')
    client = user.client
    assert client is not None
    gc.collect()
    gc.disable()  # what the deletion leaves must still be there for the check below
    try:
        client.delete()
        del client
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = {type(o).__name__ for o in gc.garbage} & PAGE_TYPES
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not left


async def test_a_closed_room_page_is_freed(user: User, create_user) -> None:
    """Nothing keeps a closed page alive: not the tables of shared clicks (bubbles' menus, the people list, reaction
    rows), which once held every room page ever opened (500 visits: +28 MB)."""
    from tests.ui.helpers import open_room, register, send

    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    other = create_user()
    await register(other, 'boris')
    await open_room(other, 'Kitchen')  # someone to click in the people list
    await send(user, 'hello')
    await other.should_see('hello')
    client = user.client
    assert client is not None
    gone = weakref.ref(client)
    client.delete()
    del client
    user.client = None  # type: ignore[assignment]
    # freed once the page's own tasks have ended (leaving the room, the time zone question)
    await until(lambda: gc.collect() >= 0 and gone() is None, what='the closed page freed')


def test_small_deque_behaves_as_a_deque() -> None:
    from collections import deque

    small, real = speedups.SmallDeque(), deque()
    for queue in (small, real):
        queue.append(1)
        queue.appendleft(0)
        queue.extendleft([-1, -2])
        queue.append(2)
    assert list(small) == list(real) == [-2, -1, 0, 1, 2]
    assert small.popleft() == real.popleft() == -2
    assert small.pop() == real.pop() == 2
    assert list(small) == list(real)


async def test_asyncio_events_and_queues_keep_their_waiters_in_small_deques(user: User) -> None:
    """Woken in order, a cancelled waiter taken out, a full queue's putter held back: as with asyncio's deques.
    (`user`: the app is made, so the speed layer is on in this process.)"""
    import asyncio

    event = asyncio.Event()
    assert isinstance(event._waiters, speedups.SmallDeque)
    waiting = [asyncio.create_task(event.wait()) for _ in range(3)]
    await until(lambda: len(event._waiters) == 3, what='three waiters')
    event.set()
    assert await asyncio.gather(*waiting) == [True, True, True]
    assert not event._waiters

    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
    assert isinstance(queue._getters, speedups.SmallDeque)  # type: ignore[attr-defined]
    assert isinstance(queue._putters, speedups.SmallDeque)  # type: ignore[attr-defined]
    getters = [asyncio.create_task(queue.get()) for _ in range(3)]
    await until(lambda: len(queue._getters) == 3, what='three getters')  # type: ignore[attr-defined]
    getters[1].cancel()
    for item in ('a', 'b', 'c'):  # one at a time: each put waits for a getter to make room
        await queue.put(item)
    assert [await getters[0], await getters[2]] == ['a', 'b']
    assert getters[1].cancelled()
    assert queue.get_nowait() == 'c'
    assert not queue._getters and not queue._putters  # type: ignore[attr-defined]


async def test_an_open_websocket_lets_its_handshake_go_and_still_talks_and_closes(user: User) -> None:
    """(`user`: the app is made, so the speed layer is on in this process.)"""
    from wsproto import ConnectionType, WSConnection
    from wsproto.connection import ConnectionState
    from wsproto.events import AcceptConnection, CloseConnection, Message, Request, TextMessage

    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host='example.com', target='/socket')))
    (request,) = server.events()
    assert isinstance(request, Request) and server.handshake._h11_connection is not None  # still needed here
    client.receive_data(server.send(AcceptConnection()))
    assert [type(event) for event in client.events()] == [AcceptConnection]
    assert server.state is ConnectionState.OPEN
    assert server.handshake._h11_connection is None and server.handshake._initiating_request is None
    assert isinstance(server.handshake._events, speedups.SmallDeque)
    assert isinstance(server.connection._events, speedups.SmallDeque)  # type: ignore[union-attr]
    for text in ('one', 'two'):
        server.receive_data(client.send(Message(data=text)))
    assert [event.data for event in server.events() if isinstance(event, TextMessage)] == ['one', 'two']
    client.receive_data(server.send(Message(data='back')))
    assert [event.data for event in client.events() if isinstance(event, TextMessage)] == ['back']
    server.receive_data(client.send(CloseConnection(code=1001)))
    (closing,) = server.events()
    assert isinstance(closing, CloseConnection) and closing.code == 1001
    client.receive_data(server.send(closing.response()))
    assert server.state is ConnectionState.CLOSED


async def test_outbox_keeps_updates_in_a_plain_dict_and_prunes_acknowledged_history(user: User) -> None:
    import sys

    from tests.ui.helpers import register

    await register(user, 'anna')
    assert user.client is not None
    outbox = user.client.outbox
    assert isinstance(outbox.messages, speedups.SmallDeque)
    assert isinstance(outbox.message_history, speedups.SmallDeque)
    table = outbox.updates
    assert type(table) is dict
    with user.client:
        elements = [ui.label(str(index)) for index in range(300)]
    for element in elements:
        table[element.id] = element
    assert len(table) >= 300 and sys.getsizeof(table) > 8000
    table.clear()
    assert len(table) == 0 and sys.getsizeof(table) < 100
    history = outbox.message_history
    history.clear()
    history.extend((message_id, 0.0, ('client', 'update', {})) for message_id in range(10, 20))
    outbox.prune_history(5)  # nothing acknowledged that is still kept
    assert [entry[0] for entry in history] == list(range(10, 20))
    outbox.prune_history(14)  # 10..13 acknowledged
    assert [entry[0] for entry in history] == list(range(14, 20))
    outbox.prune_history(25)
    assert not history


async def test_the_page_frame_is_light_and_still_takes_views_classes_and_listeners(user: User) -> None:
    """The four elements of every page's frame are light ones; the header's and drawers' view edits, a class change
    and a page-wide listener (`ui.on`) land on them as on NiceGUI's own, each frame element with its own."""
    from pages.fastpath import light
    from pages.fastpath.page_frame import FrameElement
    from tests.ui.helpers import open_room, register

    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    client = user.client
    assert client is not None
    frame = [client.layout, client.page_container, client.content.parent_slot.parent, client.content]
    assert all(type(element) is FrameElement for element in frame)
    assert [element.tag for element in frame] == ['q-layout', 'q-page-container', 'q-page', 'div']
    assert client.layout._to_dict()['props'] == {'view': 'hHh LpR fff'}  # header, rooms and people panes
    assert client.content._to_dict()['class'] == ['nicegui-content']
    heard: list[str] = []
    with client:
        ui.on('frame-test', lambda event: heard.append(event.args))
        client.content.classes(add='frame-test', remove='nicegui-content')
    assert client.content._to_dict()['class'] == ['frame-test']
    listeners = list(client.layout._event_listeners.values())
    assert listeners[-1].type == 'frameTest'  # as NiceGUI names it
    assert not light._NO_LISTENERS  # the light elements' shared empty table is still empty
    client.layout._handle_event({'listener_id': listeners[-1].id, 'args': 'hello'})
    assert heard == ['hello']

    from nicegui import Client
    from nicegui.page import page

    with client.content:  # a page made while another page's slot is open, as NiceGUI makes its error pages
        other = Client(page(''))
    try:
        assert other.layout.client is other and other.layout.parent_slot is None
        assert other.content.client is other and other.layout.id in other.elements
        assert other.layout not in client.content.default_slot.children
    finally:
        other.delete()


async def test_a_page_element_table_stays_sized_for_what_it_shows(user: User) -> None:
    """Messages come and go: the page's element table is compacted instead of ending twice the size."""
    import sys

    from tests.ui.helpers import open_room, register, room_id_of, services

    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    app_services = services()
    anna = await app_services.accounts.session_user(1, 0)
    assert anna is not None and user.client is not None
    app_services.messages.rate.limit = 10_000
    for index in range(400):
        await app_services.messages.post(anna, room_id_of(user), f'message {index}')
    await user.should_see('message 399')
    elements = user.client.elements
    assert len(elements) > 100  # the window of 50 messages (two elements each) and the page around it
    assert sys.getsizeof(elements) < 1.5 * sys.getsizeof(dict(elements))  # not the table CPython grows under churn


async def test_a_page_request_keeps_no_finished_call_channels(user: User) -> None:
    """What the page keeps of its request is what NiceGUI reads later; the call's channels and exit stacks go."""
    from starlette.requests import empty_receive

    from tests.ui.helpers import open_room, register

    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    assert user.client is not None
    request = user.client.request
    assert request._receive is empty_receive
    assert not {'fastapi_astack', 'fastapi_inner_astack', 'fastapi_function_astack'} & set(request.scope)
    assert request.session.get('id') and request.url.path.startswith('/room/')  # still readable


async def test_the_outbox_waits_without_a_timeout_and_still_stops(user: User) -> None:
    """The outbox loop sleeps until an update or its stop: a deleted page's loop ends, a live page's updates go out."""
    import asyncio

    from nicegui.outbox import Outbox

    from pages.fastpath import direct_send
    from tests.ui.helpers import open_room, register, send

    assert Outbox.loop is direct_send._loop  # type: ignore[comparison-overlap]
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    await send(user, 'still delivered')
    await user.should_see('still delivered')
    assert user.client is not None
    name = f'outbox loop {user.client.id}'
    assert any(task.get_name() == name for task in asyncio.all_tasks())
    user.client.delete()
    await until(
        lambda: not any(task.get_name() == name and not task.done() for task in asyncio.all_tasks()),
        what="the deleted page's outbox loop ended",
    )


async def test_sub_pages_still_resolve_where_a_page_makes_them(user: User) -> None:
    """The walk for unresolved `ui.sub_pages` paths is skipped only on pages that made none (the app's own)."""
    from nicegui.sub_pages_router import SubPagesRouter

    from tests.ui.helpers import register

    await register(user, 'anna')
    client = user.client
    assert client is not None and not client.__dict__.get('_made_sub_pages')
    assert await SubPagesRouter._can_resolve_full_path(client)
    walked: list[bool] = []
    original = client.layout.descendants

    def descendants(*args: object, **kwargs: object) -> object:
        walked.append(True)
        return original(*args, **kwargs)

    client.layout.descendants = descendants  # type: ignore[method-assign]
    assert await SubPagesRouter._can_resolve_full_path(client) and not walked  # no sub pages: no walk
    with client:
        ui.sub_pages({'/': lambda: ui.label('sub home')})
    assert client.__dict__.get('_made_sub_pages')
    await SubPagesRouter._can_resolve_full_path(client)
    assert walked  # NiceGUI's own check where sub pages exist


def test_page_html_is_escaped_as_nicegui_escapes_it() -> None:
    from nicegui import client as client_module

    text = client_module.json.dumps({1: {'text': 'a & b <i>x</i> `c` $d &amp; Аня 💬 \\u2028'}, 'q': '$$``&&<<>>'})
    assert isinstance(text, speedups.HtmlEscapable)
    escaped = text.translate(client_module.HTML_ESCAPE_TABLE)
    assert type(escaped) is str and escaped == str.translate(str(text), client_module.HTML_ESCAPE_TABLE)
    assert '<' not in escaped and '`' not in escaped and '$' not in escaped
    other = str.maketrans({'a': 'b'})
    assert text.translate(other) == str(text).translate(other)  # any other table: Python's own


async def test_a_pruned_user_storage_is_freed_without_the_cycle_collector(user: User) -> None:
    """Every request without a session cookie makes a user storage that NiceGUI drops when no page uses it; a dropped
    one waiting for the cycle collector pinned the allocator's arenas (docs/PERFORMANCE.md)."""
    from nicegui import app
    from nicegui.app import app as app_module
    from nicegui.storage import Storage

    storage = Storage._create_persistent_dict('user-a-visitor-who-never-came-back')
    await storage.initialize()
    app.storage._users['a-visitor-who-never-came-back'] = storage
    gone = weakref.ref(storage)
    del storage
    gc.collect()
    gc.disable()
    try:
        await app_module.prune_user_storage(force=True)
        assert 'a-visitor-who-never-came-back' not in app.storage._users
        assert gone() is None, 'freed by reference counting as soon as NiceGUI dropped it'
    finally:
        gc.enable()
