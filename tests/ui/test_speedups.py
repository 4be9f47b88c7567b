"""The process-wide speed-ups must not change what they answer."""

from __future__ import annotations

import gc
import inspect
import weakref

from nicegui import helpers, ui
from nicegui.testing import User
from socketio import packet

from pages import speedups


class Thing:
    def no_args(self) -> None: ...

    def one_arg(self, value: int) -> None: ...


def test_binary_check_answers_as_the_original_walk() -> None:
    speedups.apply()
    check = packet.Packet.data_is_binary
    assert check({1: {'tag': 'div', 'props': {'a': [1, 2.5, None, True]}}}) is False
    assert check(['update', {'7': {'text': 'привет'}}]) is False
    assert check({'a': [{'b': b'\x00'}]}) is True
    assert check(bytearray(b'x')) is True
    assert check([object(), b'x']) is True  # orjson cannot encode it: the original walk answers
    assert check([object()]) is False


def test_cached_expects_arguments_tells_bound_methods_apart() -> None:
    speedups.apply()
    first, second = Thing(), Thing()
    assert helpers.expects_arguments(first.no_args) is False
    assert helpers.expects_arguments(second.no_args) is False
    assert helpers.expects_arguments(first.one_arg) is True
    assert helpers.expects_arguments(lambda x: x) is True
    assert helpers.expects_arguments(lambda: None) is False
    assert len(inspect.signature(first.one_arg).parameters) == 1


async def test_removed_elements_are_freed_without_the_collector(user: User) -> None:
    speedups.apply()
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

    speedups.apply()
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

    speedups.apply()
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
    the allocator keeps, and a full collection stalls every page (docs/PERFORMANCE.md, log items 18 and 20)."""
    from tests.ui.helpers import open_room, register, send

    speedups.apply()
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


async def test_events_wake_their_waiters_with_list_waiters() -> None:
    import asyncio

    speedups.apply()
    event = asyncio.Event()
    assert isinstance(event._waiters, list)
    woken: list[int] = []

    async def waiter(index: int) -> None:
        await event.wait()
        woken.append(index)

    tasks = [asyncio.create_task(waiter(i)) for i in range(3)]
    await asyncio.sleep(0)
    assert len(event._waiters) == 3 and not woken
    tasks[1].cancel()  # a cancelled waiter removes itself
    await asyncio.sleep(0)
    assert len(event._waiters) == 2
    event.set()
    await asyncio.gather(tasks[0], tasks[2])
    assert sorted(woken) == [0, 2] and not event._waiters
    assert await asyncio.wait_for(event.wait(), 1)  # already set: at once
    event.clear()
    assert not event.is_set()
