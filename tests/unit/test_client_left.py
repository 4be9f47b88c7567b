"""pages/ops.serve: a request whose browser left before the answer began ends quietly; other faults still raise.

The stack here is the shape NiceGUI builds: a BaseHTTPMiddleware around an answer that, like Starlette's file and
streamed answers under uvicorn's ASGI 2.3, gives up without a first message once it hears the client leave. That is
the case that logged "No response returned." at ERROR when a browser navigated away mid-request."""

from __future__ import annotations

import logging

import pytest
from starlette.middleware.base import BaseHTTPMiddleware

from pages.ops import serve


async def _file(scope: dict, receive, send) -> None:
    """Listens for the client while it prepares the file; abandons the answer if the client leaves first."""
    if (await receive())['type'] == 'http.disconnect':
        return
    await send({'type': 'http.response.start', 'status': 200, 'headers': []})
    await send({'type': 'http.response.body', 'body': b'file'})


async def _passing(request, call_next):
    return await call_next(request)


def _scope() -> dict:
    return {
        'type': 'http',
        'asgi': {'version': '3.0', 'spec_version': '2.3'},
        'http_version': '1.1',
        'method': 'GET',
        'scheme': 'http',
        'path': '/_nicegui/static/big.js',
        'raw_path': b'/_nicegui/static/big.js',
        'query_string': b'',
        'headers': [],
        'server': ('127.0.0.1', 8080),
        'client': ('127.0.0.1', 5000),
    }


async def _gone() -> dict:
    return {'type': 'http.disconnect'}


async def _nothing_sent(message: dict) -> None:
    raise AssertionError(f'nothing may be sent to a client that left: {message}')


async def test_the_stack_alone_raises_when_the_client_left_first() -> None:
    """The premise: without serve() this case raises (and uvicorn logs it at ERROR)."""
    stack = BaseHTTPMiddleware(_file, dispatch=_passing)
    with pytest.raises(RuntimeError, match='No response returned'):
        await stack(_scope(), _gone, _nothing_sent)


async def test_a_client_that_left_first_ends_the_request_quietly(caplog: pytest.LogCaptureFixture) -> None:
    stack = BaseHTTPMiddleware(_file, dispatch=_passing)
    with caplog.at_level(logging.DEBUG, logger='pages.ops'):
        await serve(stack, _scope(), _gone, _nothing_sent)
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
    assert 'left before the answer began' in caplog.records[0].getMessage()


async def test_the_same_error_with_the_client_still_there_is_raised() -> None:
    async def silent(scope: dict, receive, send) -> None:
        return None  # a broken endpoint: answers nothing

    async def request_only() -> dict:
        return {'type': 'http.request', 'body': b'', 'more_body': False}

    sent: list[dict] = []

    async def record(message: dict) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError, match='No response returned'):
        await serve(BaseHTTPMiddleware(silent, dispatch=_passing), _scope(), request_only, record)
