"""pages/fastpath/direct_send.py: the frames it writes are the ones python-socketio would; a page's changes go out in
order.

The path through real sockets (a server, signed-in tabs, ids without a gap) is tests/bench/test_loadgen_smoke.py;
a real browser's is tests/e2e.
"""

from __future__ import annotations

import pytest
from nicegui import core
from nicegui.testing import User
from socketio import packet as sio_packet

from pages.fastpath import direct_send
from tests.ui.helpers import open_room, register, send
from tests.waiting import until

pytestmark = pytest.mark.fastpath  # tests the speed layer itself


def _socketio_encoding(message_type: str, data: object) -> list:
    encoded = core.sio.packet_class(sio_packet.EVENT, namespace='/', data=[message_type, data]).encode()
    return encoded if isinstance(encoded, list) else [encoded]


def test_an_update_is_encoded_as_python_socketio_encodes_it() -> None:
    data = {
        17: {
            'tag': 'q-chat-message',
            'props': {'name': 'Аня <b>', 'sent': True, 'stamp': '12:00'},
            'children': [18],
            'text': None,
        },
        19: None,
        '_id': 42,
    }
    assert direct_send.encode('update', data) == _socketio_encoding('update', data)
    assert direct_send.encode('update', data)[0].startswith('2["update",{"17":')


def test_binary_data_goes_as_packet_and_attachments() -> None:
    data = {'blob': b'\x00\x01', '_id': 3}
    parts = direct_send.encode('download', data)
    assert len(parts) == 2 and parts[1] == b'\x00\x01'
    assert parts == _socketio_encoding('download', data)


def test_a_text_frame_is_the_one_wsproto_builds() -> None:
    from wsproto.frame_protocol import FrameProtocol

    server_side = FrameProtocol(client=False, extensions=[])
    for length in (0, 1, 124, 125, 126, 127, 1000, 65535, 65536, 70000):
        text = 'ж' * (length // 2) + 'x' * (length % 2)  # two bytes each in UTF-8
        assert direct_send.text_frame(text) == bytes(server_side.send_data(text))


async def test_an_outbox_with_its_own_emit_keeps_nicegui_s_loop(user: User) -> None:
    """NiceGUI's test user replaces `_emit` on its page's outbox to answer `run_javascript`: that page's changes go
    NiceGUI's own way (through that `_emit`), not into the pass-wide flush."""
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    client = user.client
    assert client is not None and '_emit' in client.outbox.__dict__
    first_id = client.outbox.next_message_id
    await send(user, 'first')
    await user.should_see('first')
    assert not direct_send._CHANGED
    # emitted through the instance's `_emit`
    await until(lambda: client.outbox.next_message_id > first_id, what="the page's changes emitted by its outbox")
