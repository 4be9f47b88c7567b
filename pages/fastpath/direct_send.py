"""Page updates flushed in one pass and written straight to each tab's websocket.

NiceGUI sends a page's changes from a task of its own (`Outbox.loop`), woken for every change, through
python-socketio's `emit`, which makes a task per receiving socket and waits for it; engine.io then queues the packet
for the socket's writer task, which wakes again to write it. A live message changes every open page of its room at
once: per page and message three task wake-ups, a task and a wait set, before one small websocket frame is written.

Here every page changed in one pass of the event loop is flushed by one callback after that pass: the same frames
NiceGUI builds (the same element dicts, message ids and replay history, `load_js_components` first), encoded as
python-socketio encodes them, and handed to engine.io synchronously: written to the websocket at once when nothing
waits in the socket's queue (what engine.io's writer would do next, without its wake-up), queued behind what waits
otherwise. The outbox's own loop only waits for the socket of a new page (and flushes the same way), so no flush
ever interleaves with another. An outbox whose `_emit` was replaced on the instance (NiceGUI's test user answers
`run_javascript` there) keeps NiceGUI's own loop.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from engineio import packet as eio_packet
from engineio.async_socket import AsyncSocket
from nicegui import background_tasks, core
from nicegui import json as nicegui_json
from nicegui.dependencies import JsComponent
from nicegui.outbox import Deleted, Outbox, deleted
from socketio import packet as sio_packet
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from wsproto.connection import ConnectionState
from wsproto.events import Message

_APPLIED = False
_CHANGED: dict[int, Outbox] = {}  # outboxes changed since the last flush, in the order of their first change
_SCHEDULED = [False]
_ORIGINAL_LOOP: list = []


def apply() -> None:
    global _APPLIED  # once per process
    if _APPLIED:
        return
    _APPLIED = True
    _ORIGINAL_LOOP.append(Outbox.loop)
    Outbox._set_enqueue_event = _set_enqueue_event  # type: ignore[method-assign]
    Outbox.enqueue_update = _enqueue_update  # type: ignore[method-assign]
    Outbox.enqueue_delete = _enqueue_delete  # type: ignore[method-assign]
    Outbox.loop = _loop  # type: ignore[method-assign]
    original_handler = AsyncSocket._websocket_handler

    async def _websocket_handler(self: AsyncSocket, ws: Any) -> None:
        self.direct_ws = ws  # type: ignore[attr-defined]  # engine.io keeps it local to this call
        try:
            await original_handler(self, ws)
        finally:
            self.direct_ws = None  # type: ignore[attr-defined]

    AsyncSocket._websocket_handler = _websocket_handler  # type: ignore[method-assign]


def _left_to_its_loop(outbox: Outbox) -> bool:
    """The page has no socket (yet, or since), is going, or emits its own way (NiceGUI's test user): its outbox's
    own loop handles it."""
    client = outbox._client()
    return client is None or client.tab_id is None or outbox._should_stop or '_emit' in outbox.__dict__


def _set_enqueue_event(self: Outbox) -> None:
    """A connected page's change is flushed after this pass of the event loop, with every other page's."""
    event = self._enqueue_event
    if event is None:
        return
    if _left_to_its_loop(self):
        event.set()
        return
    if not _SCHEDULED[0]:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a change outside the event loop (a finalizer at exit): the loop's own path
            event.set()
            return
        loop.call_soon(flush_changed_pages)
        _SCHEDULED[0] = True
    _CHANGED[id(self)] = self


def _enqueue_update(self: Outbox, element: Any) -> None:
    """NiceGUI's, but a page already waiting for this pass's flush is not scheduled again (a live message
    changes five elements of each page)."""
    self.client.check_existence()
    self.updates[element.id] = element
    if id(self) not in _CHANGED:
        self._set_enqueue_event()


def _enqueue_delete(self: Outbox, element: Any) -> None:
    self.client.check_existence()
    self.updates[element.id] = deleted
    if id(self) not in _CHANGED:
        self._set_enqueue_event()


async def _loop(self: Outbox) -> None:
    """NiceGUI's loop for a page that is not connected yet (or waits for a reconnect): flushes once it is. No
    `wait_for` timeout: `Outbox.stop()` sets the event the loop waits for."""
    event = self._enqueue_event = asyncio.Event()
    event.set()
    while not self._should_stop:
        if '_emit' in self.__dict__:  # NiceGUI's test user answers JavaScript in its own `_emit`: NiceGUI's loop
            await _ORIGINAL_LOOP[0](self)
            return
        try:
            if not event.is_set():
                await event.wait()
                continue
            client = self._client()
            if client is None or client.tab_id is None:
                await asyncio.sleep(0.1)
                continue
            event.clear()
            _CHANGED.pop(id(self), None)
            flush(self)
        except asyncio.CancelledError:
            break
        except Exception as error:
            core.app.handle_exception(error)
            await asyncio.sleep(0.1)


def flush_changed_pages() -> None:
    _SCHEDULED[0] = False
    outboxes = list(_CHANGED.values())
    _CHANGED.clear()
    for outbox in outboxes:
        if _left_to_its_loop(outbox):
            outbox._enqueue_event.set()  # type: ignore[union-attr]  # disconnected since: its loop's turn
            continue
        try:
            flush(outbox)
        except Exception as error:  # one page's failure must not hold back the other pages' updates
            core.app.handle_exception(error)


def flush(outbox: Outbox) -> None:
    """One turn of NiceGUI's `Outbox.loop`, synchronously."""
    client = outbox.client
    updates = outbox.updates
    if updates:
        data = {
            element_id: None if element is deleted else element._to_dict()  # type: ignore[union-attr]
            for element_id, element in updates.items()
        }
        components = [
            component
            for element in updates.values()
            if not isinstance(element, Deleted)
            and isinstance((component := element.component), JsComponent)
            and component.name not in outbox._loaded_components
        ]
        if components:
            emit(
                outbox,
                (client.id, 'load_js_components', {'components': [{'key': c.key, 'tag': c.tag} for c in components]}),
            )
            outbox._loaded_components.update(c.name for c in components)
        emit(outbox, (client.id, 'update', data))
        updates.clear()
    if outbox.messages:
        messages = list(outbox.messages)
        outbox.messages.clear()
        for message in messages:
            emit(outbox, message)


def emit(outbox: Outbox, message: tuple[str, str, Any]) -> None:
    """`Outbox._emit`, without awaiting: the frame reaches each socket of the page now (`send`)."""
    client_id, message_type, data = message
    data['_id'] = outbox.next_message_id
    send(client_id, message_type, data)
    if core.air is not None and core.air.is_air_target(client_id):
        background_tasks.create(core.air.emit(message_type, data, room=client_id), name='air emit')
    client = outbox._client()
    if client is not None:
        history = outbox.message_history
        now = time.time()
        history.append((outbox.next_message_id, now, message))
        max_age = core.sio.eio.ping_interval + core.sio.eio.ping_timeout + client.page.resolve_reconnect_timeout()
        while history and history[0][1] < now - max_age:
            history.popleft()
        while len(history) > core.app.config.message_history_length:
            history.popleft()
    outbox.next_message_id += 1


def encode(message_type: str, data: Any) -> list[str | bytes]:
    """The socket.io EVENT packet python-socketio encodes for `emit(message_type, data)` in the default namespace:
    one text part, or with binary data (which NiceGUI's JSON refuses) the packet and its attachments."""
    try:
        return ['2' + nicegui_json.dumps([message_type, data])]
    except TypeError:
        pkt = core.sio.packet_class(sio_packet.EVENT, namespace='/', data=[message_type, data])
        encoded = pkt.encode()
        return encoded if isinstance(encoded, list) else [encoded]


def send(room: str, message_type: str, data: Any) -> None:
    """`sio.emit(message_type, data, room=room)`, synchronously: each engine.io socket in the room gets the packet
    written now or queued for its writer (`AsyncSocket.send`, which only checks for a silent client first)."""
    parts = encode(message_type, data)
    sio = core.sio
    eio = sio.eio
    packets: list[eio_packet.Packet] | None = None
    members = sio.manager.rooms.get('/', {}).get(room)  # socket.io sid -> engine.io sid (`get_participants`)
    if not members:
        return
    for eio_sid in list(members.values()):
        socket = eio.sockets.get(eio_sid)
        if socket is None or socket.closed:
            continue
        silent = socket.last_ping and time.time() - socket.last_ping > eio.ping_timeout
        if not silent and len(parts) == 1 and _write_now(socket, parts[0]):  # type: ignore[arg-type]
            continue
        if packets is None:
            packets = [eio_packet.Packet(eio_packet.MESSAGE, data=part) for part in parts]
        for pkt in packets:
            if silent:  # engine.io's own send closes the socket of a client that stopped answering pings
                background_tasks.create(socket.send(pkt), name='send to a silent socket')
            else:
                socket.queue.put_nowait(pkt)


def _write_now(socket: AsyncSocket, text: str) -> bool:
    """Writes the engine.io MESSAGE frame to the socket's websocket when nothing waits in its queue (so frames keep
    their order), as uvicorn's wsproto protocol writes a `websocket.send` - which never suspends there - or says
    it did not."""
    ws = getattr(socket, 'direct_ws', None)
    if ws is None or not socket.upgraded or socket.upgrading or not socket.queue.empty():
        return False
    protocol = getattr(ws.asgi_send, '__self__', None)
    if (
        not isinstance(protocol, WSProtocol)
        or protocol.disconnected
        or not protocol.handshake_complete
        or protocol.close_sent
        or protocol.response_started
    ):
        return False
    connection = protocol.conn.connection
    if (
        connection is not None
        and connection.state is ConnectionState.OPEN
        and not connection._proto.client
        and not connection._proto.extensions
        and connection._proto._outbound_opcode is None
    ):
        output = text_frame('4' + text)  # what wsproto would serialise: no extension, no message half sent
    else:
        try:
            output = protocol.conn.send(Message(data='4' + text))
        except Exception:  # wsproto says the connection is closing: engine.io's writer learns it the same way
            return False
    if not protocol.transport.is_closing():
        protocol.transport.write(output)
    return True


def text_frame(text: str) -> bytes:
    """A final, unmasked websocket text frame, as wsproto's `FrameProtocol` builds it for a server without
    extensions (a test compares them at every length boundary) - in one concatenation instead of its ~20 Python
    steps per frame (~8 % of the server's samples in a 200-tab fan-out)."""
    payload = text.encode()
    length = len(payload)
    if length <= 125:
        return bytes((0x81, length)) + payload
    if length <= 0xFFFF:
        return bytes((0x81, 126)) + length.to_bytes(2, 'big') + payload
    return bytes((0x81, 127)) + length.to_bytes(8, 'big') + payload
