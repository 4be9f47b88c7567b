"""Login sessions: signing out or changing the password refuses every stale page in the service layer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chat import services as service_factory
from chat.errors import NotAuthenticated
from chat.services import Services
from chat.settings import Settings


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    built = service_factory.build(Settings(data_dir=tmp_path))
    built.migrate()
    await built.start()
    yield built
    await built.stop()


async def test_sign_out_refuses_every_tab_of_that_browser(services: Services) -> None:
    anna = await services.accounts.register('anna', 'correct-horse')
    browser = await services.accounts.start_session(anna)
    other_browser = await services.accounts.start_session(anna)
    room = await services.rooms.create(browser, 'Kitchen')
    await services.messages.post(browser, room.id, 'before sign-out')
    await services.accounts.end_session(browser)
    with pytest.raises(NotAuthenticated):
        await services.messages.post(browser, room.id, 'from a stale tab')
    with pytest.raises(NotAuthenticated):
        await services.rooms.rename(browser, room.id, 'Hijacked')
    with pytest.raises(NotAuthenticated):
        await services.accounts.set_display_name(browser, 'Stale')
    assert await services.accounts.session_user(anna.id, 0, browser.session_token) is None
    await services.messages.post(other_browser, room.id, 'the other browser is still signed in')
    assert [m.body for m in await services.messages.history(room.id)] == [
        'before sign-out',
        'the other browser is still signed in',
    ]


async def test_password_change_keeps_this_session_and_ends_the_others(services: Services) -> None:
    anna = await services.accounts.register('anna', 'correct-horse')
    here = await services.accounts.start_session(anna)
    elsewhere = await services.accounts.start_session(anna)
    here = await services.accounts.change_password(here, 'correct-horse', 'battery-staple')
    room = await services.rooms.create(here, 'Kitchen')
    with pytest.raises(NotAuthenticated):
        await services.messages.post(elsewhere, room.id, 'old session')
    assert await services.accounts.session_user(anna.id, here.session_version, here.session_token) is not None
    assert await services.accounts.session_user(anna.id, here.session_version, elsewhere.session_token) is None


async def test_events_never_carry_a_session_token(services: Services) -> None:
    anna = await services.accounts.start_session(await services.accounts.register('anna', 'correct-horse'))
    room = await services.rooms.create(anna, 'Kitchen')
    seen = []
    from chat.hub import PROFILES, room_topic

    services.hub.subscribe(room_topic(room.id), seen.append)
    services.hub.subscribe(PROFILES, seen.append)
    await services.rooms.enter(anna, room.id, 'tab-1')
    await services.accounts.set_display_name(anna, 'Anna')
    await services.messages.post(anna, room.id, 'hello')
    assert len(seen) == 3
    assert all(anna.session_token not in repr(event) and 'session_token=None' not in repr(event) for event in seen)
    from chat.events import encode

    assert all(anna.session_token.encode() not in encode(event) for event in seen)  # type: ignore[union-attr]


async def test_expired_sessions_are_refused_and_pruned(tmp_path: Path) -> None:
    built = service_factory.build(Settings(data_dir=tmp_path, session_max_age=0))
    built.migrate()
    try:
        anna = await built.accounts.register('anna', 'correct-horse')
        browser = await built.accounts.start_session(anna)
        assert await built.accounts.session_user(anna.id, 0, browser.session_token) is None
        with pytest.raises(NotAuthenticated):
            await built.rooms.create(browser, 'Kitchen')
        await built.accounts.prune_sessions()
        from sqlmodel import select

        from models import LoginSession

        assert built.db.run_sync(lambda session: list(session.exec(select(LoginSession)))) == []
    finally:
        built.db.close()
