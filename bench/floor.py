"""The transport floor: a bare python-socketio server on uvicorn (the stack NiceGUI runs on) with no UI at all.

A client emits `post` with a text; the server emits one `update` frame of the requested size carrying that text to
every connected client (one broadcast, encoded once). Whatever latency this has is the physical limit of the
transport on this machine; the real server's fan-out is reported as a multiple of it.

Run as `python -m bench.floor --port P --size BYTES`; the bench starts and stops it like the real server.
"""

from __future__ import annotations

import argparse

import socketio
import uvicorn

PATH = '/_nicegui_ws/socket.io'


def create_app(size: int) -> socketio.ASGIApp:
    sio = socketio.AsyncServer(async_mode='asgi', cors_allowed_origins='*')

    @sio.on('connect')
    async def _connect(sid: str, _environ: dict, _auth: object = None) -> None:
        await sio.enter_room(sid, 'all')

    @sio.on('event')
    async def _post(_sid: str, msg: dict) -> None:
        text = str(msg.get('text', ''))
        padding = max(0, size - len(text) - 40)
        await sio.emit(
            'update', {'1': {'tag': 'q-chat-message', 'props': {'text': [text]}, 'pad': 'x' * padding}}, room='all'
        )

    return socketio.ASGIApp(sio, socketio_path=PATH)


def main() -> None:
    parser = argparse.ArgumentParser(description='bare socket.io fan-out server (transport floor)')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--size', type=int, default=1000, help='bytes per update frame')
    args = parser.parse_args()
    # no permessage-deflate, as the server under test by default (CHAT_WS_COMPRESSION), though the tabs offer it
    uvicorn.run(
        create_app(args.size),
        host='127.0.0.1',
        port=args.port,
        log_level='warning',
        ws='auto',
        ws_per_message_deflate=False,
    )


if __name__ == '__main__':
    main()
