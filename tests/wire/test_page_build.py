"""How long a page may take to build before NiceGUI answers with an error page (its own default is 3 s, which a busy
server's storm of reloads can pass): every page of the messenger waits `CHAT_PAGE_BUILD_TIMEOUT` (10 s)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bench.client import PageError, Tab, new_http
from tests.wire.conftest import Site

pytestmark = pytest.mark.wire


async def _status(site: Site, path: str, cookie: str) -> str:
    async with new_http() as http:
        try:
            await Tab(http, site.url, cookie).get(path)
        except PageError as error:
            return str(error)
    return 'served'


def test_the_page_build_timeout_is_the_setting(launch: Callable[..., Site]) -> None:
    name = 'bench0001'
    site = launch('patient', [name])
    assert asyncio.run(_status(site, site.path('cycles'), site.cookies[name])) == 'served'
    # a limit no room page can meet (its history comes from the database): the setting is what the page obeys
    hasty = launch('hasty', [name], CHAT_PAGE_BUILD_TIMEOUT='0.0001')
    assert asyncio.run(_status(hasty, hasty.path('cycles'), hasty.cookies[name])) == f'GET {hasty.path("cycles")}: 500'
