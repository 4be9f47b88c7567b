"""NiceGUI's files as the real server sends them, through pages/fastpath/static_cache.py: every file a page names, with
and without gzip, answers the same bytes and headers the first time (the whole middleware stack) and afterwards (from
memory)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.server import running_app

NAMED = re.compile(r'(?:src|href)="(/_nicegui/[^"]+)"|"(/_nicegui/[^"]+\.(?:js|mjs|css))"')
COMPARED = ('content-type', 'content-encoding', 'content-length', 'cache-control', 'etag', 'last-modified', 'vary')


@pytest.fixture(scope='module')
def app_url(tmp_path_factory: pytest.TempPathFactory):
    with running_app(tmp_path_factory.mktemp('data')) as url:
        yield url


def _named_files(http: httpx.Client, url: str) -> list[str]:
    page = http.get(url + '/login').text
    return sorted({first or second for first, second in NAMED.findall(page)})


@pytest.mark.parametrize('encoding', ['gzip, deflate, br', 'identity'])
def test_every_named_file_answers_the_same_the_first_time_and_after(app_url: str, encoding: str) -> None:
    with httpx.Client(headers={'Accept-Encoding': encoding}) as http:
        files = _named_files(http, app_url)  # also gets the session cookie a browser has by now
        assert len(files) > 20
        for path in files:
            first = http.get(app_url + path)
            again = http.get(app_url + path)
            assert first.status_code == again.status_code == 200, path
            assert first.content == again.content, path
            assert [first.headers.get(name) for name in COMPARED] == [again.headers.get(name) for name in COMPARED]
        if encoding == 'identity':
            script = next(path for path in files if path.endswith('/nicegui.js'))
            disk = Path(__import__('nicegui').__file__).parent / 'static' / 'nicegui.js'
            assert http.get(app_url + script).content == disk.read_bytes()


@pytest.mark.fastpath  # the answers kept in memory are the speed layer's static_cache
def test_a_kept_answer_carries_no_session_cookie(app_url: str) -> None:
    """The whole stack starts a session for a request without one (NiceGUI's request tracking); a kept answer is the
    same for everyone and sets nothing - which also shows that it came from memory."""
    with httpx.Client() as http:
        script = next(path for path in _named_files(http, app_url) if path.endswith('/nicegui.js'))
        assert http.get(app_url + script).status_code == 200  # kept
        assert http.get(app_url + '/login').headers.get('set-cookie') is None  # the cookie is set already
    fresh = httpx.get(app_url + '/login')
    assert 'session=' in fresh.headers.get('set-cookie', '')  # a request without a session gets one ...
    kept = httpx.get(app_url + script)
    assert kept.status_code == 200 and kept.headers.get('set-cookie') is None  # ... but not from a kept answer


def test_conditional_and_partial_requests(app_url: str) -> None:
    with httpx.Client() as http:
        script = next(path for path in _named_files(http, app_url) if path.endswith('/nicegui.js'))
        first = http.get(app_url + script)
        etag = first.headers['etag']
        assert http.get(app_url + script, headers={'If-None-Match': etag}).status_code == 304
        assert http.head(app_url + script).content == b''
        part = http.get(app_url + script, headers={'Range': 'bytes=0-9', 'Accept-Encoding': 'identity'})
        assert part.status_code in (200, 206)  # whatever the stack does with a range, the cache stays out of it
