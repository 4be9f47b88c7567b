"""The admin page's tabs and "your data" on the control panel, as people use them (simulated browsers)."""

from __future__ import annotations

import asyncio
import json

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlmodel import Session

from chat.accounts import to_view
from chat.admin import Page, UserRow
from chat.moderation import LOG_PAGE, ModerationEntry
from chat.views import UserView
from storage import users as user_queries
from tests.ui.helpers import (
    PASSWORD,
    _matches,
    by_testid,
    open_room,
    register,
    room_id_of,
    send,
    services,
    sign_in,
    value_of,
    wait_for,
)
from tests.waiting import until


def status(user: User, tab: str) -> str:
    """The "Page 1 of 1 (n found)" line under a tab's list."""
    (label,) = by_testid(user, f'admin-{tab}-status').elements
    return label.text  # type: ignore[attr-defined]


async def promote(username: str) -> int:
    def work(session: Session) -> int:
        user = user_queries.by_username(session, username)
        assert user is not None and user.id is not None
        user.is_admin = True
        user_queries.save(session, user)
        return user.id

    return await services().db.run(work)


async def user_id(username: str) -> int:
    found = await services().db.run(user_queries.by_username, username)
    assert found is not None and found.id is not None
    return found.id


def dialog_open(person: User, testid: str) -> bool:
    (button,) = by_testid(person, testid).elements
    return any(isinstance(a, ui.dialog) and a.value for a in button.ancestors())


def chart(person: User, kind: str) -> dict:
    (element,) = by_testid(person, f'chart-{kind}').elements
    assert isinstance(element, ui.echart)
    return element.options


async def test_a_non_admin_is_not_allowed(user: User) -> None:
    await register(user, 'anna')
    await user.open('/admin')
    await wait_for(user, 'admin-not-allowed')
    await user.should_see('This page is for admins only.')
    await user.should_not_see('Dashboard')
    await user.open('/panel')
    await wait_for(user, 'your-data')
    assert not any(e.props.get('data-testid') == 'panel-admin-link' for e in user.client.layout.descendants())


async def test_the_dashboard_charts_hold_the_activity(user: User) -> None:
    await register(user, 'root')
    await promote('root')
    await open_room(user, 'Kitchen')
    for text in ('dash-1', 'dash-2', 'dash-3'):
        await send(user, text)
        await until(lambda: value_of(user, 'message-input') == '', what='the message sent')  # before the next
        await user.should_see(text)
    await user.open('/panel')
    await wait_for(user, 'panel-admin-link')
    await user.open('/admin')
    await wait_for(user, 'chart-messages')
    await until(lambda: chart(user, 'messages').get('series'), what='the charts loaded')
    assert chart(user, 'messages')['series'][0]['data'][-1] == 3
    assert sum(chart(user, 'messages')['series'][0]['data']) == 3
    assert chart(user, 'authors')['series'][0]['data'][-1] == 1
    assert chart(user, 'rooms')['yAxis']['data'] == ['Kitchen']
    assert chart(user, 'rooms')['series'][0]['data'] == [3]
    (online,) = by_testid(user, 'stat-online').elements
    assert online.text.isdigit()  # counted exactly in tests/unit/test_admin.py
    (database,) = by_testid(user, 'stat-database').elements
    assert database.text.endswith(('KB', 'MB'))


async def test_disabling_a_user_ends_their_open_page_and_refuses_sign_in(user: User, create_user) -> None:
    await register(user, 'root')
    await promote('root')
    bob = create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    bob_id = await user_id('bob')
    await user.open('/admin')
    by_testid(user, 'admin-tab-users').click()
    await wait_for(user, f'disable-{bob_id}')
    by_testid(user, 'admin-search-users').type('bo').trigger('keydown.enter')
    await until(lambda: status(user, 'users') == 'Page 1 of 1 (1 found)', what='the search shown')  # (not the rooms')
    by_testid(user, f'disable-{bob_id}').click()
    # at once: well before the session sweep (pages/sessions.py, every 10 s) would find it
    ended = 'Your session has ended. Please sign in again.'
    await until(lambda: ended in bob.notify.messages, timeout=5, what='bob told his session ended')
    await wait_for(bob, 'login-form')  # and sent to sign in: only then another simulated browser (see conftest)
    await wait_for(user, f'disabled-{bob_id}')
    again = create_user()
    await sign_in(again, 'bob')
    await again.should_see('This account is disabled. Ask an admin.')
    by_testid(user, f'disable-{bob_id}').click()  # enabled again
    await until(
        lambda: not any(e.props.get('data-testid') == f'disabled-{bob_id}' for e in user.client.layout.descendants())
    )
    await sign_in(again, 'bob')
    await wait_for(again, 'room-list')


async def test_a_slow_search_does_not_undo_a_change_shown_after_it(
    user: User, create_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search still under way when a change reloads the list answers last, with the rows from before the change:
    the list keeps showing the change."""
    await register(user, 'root')
    await promote('root')
    await register(create_user(), 'bob')
    bob_id = await user_id('bob')
    await user.open('/admin')
    by_testid(user, 'admin-tab-users').click()
    await wait_for(user, f'disable-{bob_id}')
    admin = services().admin
    real_users, release, searches = admin.users, asyncio.Event(), []

    async def users(actor: UserView, query: str = '', page: int = 0) -> Page[UserRow]:
        if query == 'bo' and not searches:  # the search reads the list now and answers once released
            searches.append(asyncio.current_task())
            rows = await real_users(actor, query, page)
            await release.wait()
            return rows
        return await real_users(actor, query, page)

    monkeypatch.setattr(admin, 'users', users)
    by_testid(user, 'admin-search-users').type('bo').trigger('keydown.enter')
    await until(lambda: searches, what='the search under way')
    by_testid(user, f'disable-{bob_id}').click()
    await wait_for(user, f'disabled-{bob_id}')
    release.set()
    await searches[0]  # the search's handler, to its end
    assert _matches(user, f'disabled-{bob_id}'), 'the older search put back the rows from before the change'


async def test_promote_demote_and_the_last_admin(user: User, create_user) -> None:
    await register(user, 'root')
    root_id = await promote('root')
    bob = create_user()
    await register(bob, 'bob')
    bob_id = await user_id('bob')
    await user.open('/admin')
    await wait_for(user, f'admin-toggle-{root_id}')
    by_testid(user, f'admin-toggle-{root_id}').click()
    await user.should_see('This is the last admin: make someone else an admin first.')
    by_testid(user, f'admin-toggle-{bob_id}').click()
    await user.should_see('Saved for bob.')
    assert (await services().accounts.get(bob_id)).is_admin
    await bob.open('/admin')
    await wait_for(bob, 'chart-messages')


async def test_a_reset_link_works_once(user: User, create_user) -> None:
    await register(user, 'root')
    await promote('root')
    bob = create_user()
    await register(bob, 'bob')
    bob_id = await user_id('bob')
    await user.open('/admin')
    await wait_for(user, f'reset-{bob_id}')
    by_testid(user, f'reset-{bob_id}').click()
    await until(lambda: '/reset/' in (by_testid(user, 'reset-link').elements.pop().value or ''))
    link = by_testid(user, 'reset-link').elements.pop().value
    path = link[link.index('/reset/') :]
    stranger = create_user()
    await stranger.open(path)
    await wait_for(stranger, 'reset-password')
    by_testid(stranger, 'reset-password').type('short')
    by_testid(stranger, 'reset-submit').click()
    await stranger.should_see('The password needs at least 8 characters.')
    by_testid(stranger, 'reset-password').type('-and-now-long')
    by_testid(stranger, 'reset-submit').click()
    await wait_for(stranger, 'reset-done')
    await stranger.should_see('Your password is set. Sign in with it.')
    await bob.should_see('Your session has ended. Please sign in again.')
    await stranger.open(path)
    await wait_for(stranger, 'reset-invalid')
    await sign_in(bob, 'bob', 'short-and-now-long')
    await wait_for(bob, 'room-list')


async def test_rooms_tab_finds_gives_away_and_deletes(user: User, create_user) -> None:
    await register(user, 'root')
    await promote('root')
    bob = create_user()
    await register(bob, 'bob')
    await open_room(user, 'Kitchen')
    kitchen = room_id_of(user)
    await open_room(user, 'Garden')
    await user.open('/admin')
    by_testid(user, 'admin-tab-rooms').click()
    by_testid(user, 'admin-search-rooms').type('kit').trigger('keydown.enter')
    await until(
        lambda: (
            not any(
                e.props.get('data-testid', '').startswith('admin-room-')
                and e.props['data-testid'] != f'admin-room-{kitchen}'
                for e in user.client.layout.descendants()
                if not e.is_deleted
            )
        )
    )
    by_testid(user, f'owner-input-{kitchen}').clear().type('nobody')
    by_testid(user, f'owner-save-{kitchen}').click()
    await user.should_see('No such user.')
    by_testid(user, f'owner-input-{kitchen}').clear().type('bob')
    by_testid(user, f'owner-save-{kitchen}').click()
    await user.should_see('Owner: @bob')
    assert (await services().rooms.get(kitchen)).owner_id == await user_id('bob')
    by_testid(user, f'admin-delete-room-{kitchen}').click()
    await until(lambda: dialog_open(user, 'confirm-delete'), what='the confirmation open')
    by_testid(user, 'confirm-delete').click()
    await user.should_see('Page 1 of 1 (0 found)')
    assert [r.name for r in await services().rooms.all()] == ['Garden']


async def test_export_my_data_downloads_my_messages(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, 'download', user.download)  # tests/ui/conftest.py keeps NiceGUI from retargeting it
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    await send(user, 'my first words')
    await user.should_see('my first words')
    await user.open('/panel')
    await wait_for(user, 'export-my-data')
    by_testid(user, 'export-my-data').click()
    response = await user.download.next(timeout=10)
    assert response.status_code == 200
    assert 'attachment' in response.headers['content-disposition']
    document = json.loads(response.text)
    assert document['profile']['display_name'] == 'Anna'
    assert [m['body'] for m in document['messages']] == ['my first words']


async def test_the_export_is_refused_without_a_session(user: User) -> None:
    response = await user.http_client.get('/account/export')
    assert response.status_code == 403


async def test_deleting_my_account_keeps_my_messages_as_by_a_deleted_user(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    await send(user, 'remember me')
    await user.should_see('remember me')
    bob = create_user()
    await register(bob, 'bob')
    await user.open('/panel')
    await wait_for(user, 'delete-password')
    by_testid(user, 'delete-password').type('wrong-password')
    by_testid(user, 'delete-account').click()
    await user.should_see('The current password is wrong.')
    by_testid(user, 'delete-password').clear().type(PASSWORD)
    by_testid(user, 'delete-account').click()
    await wait_for(user, 'submit')  # the sign-in page
    await open_room(bob, 'Kitchen')
    await bob.should_see('remember me')
    await bob.should_see('deleted user')
    await sign_in(user, 'anna')
    await user.should_see('Wrong username or password.')


async def test_deleting_my_account_with_my_messages(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    await send(user, 'forget me')
    await user.should_see('forget me')
    await user.open('/panel')
    await wait_for(user, 'delete-choice')
    (choice,) = by_testid(user, 'delete-choice').elements
    choice.value = 'delete'  # type: ignore[attr-defined]
    by_testid(user, 'delete-password').type(PASSWORD)
    by_testid(user, 'delete-account').click()
    await wait_for(user, 'submit')
    bob = create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    await bob.should_see('message deleted')
    await bob.should_not_see('forget me')


async def test_the_log_tab_lists_every_rooms_moderation(user: User, create_user) -> None:
    await register(user, 'root')
    await promote('root')
    await open_room(user, 'Kitchen')
    vera = create_user()
    await register(vera, 'vera')
    await open_room(vera, 'Kitchen')
    found = await services().db.run(user_queries.by_username, 'root')
    assert found is not None
    await services().moderation.mute(to_view(found), room_id_of(user), await user_id('vera'), '1h', reason='spam')
    await user.open('/admin')
    by_testid(user, 'admin-tab-log').click()
    await wait_for(user, 'mod-log-entry')
    await user.should_see('Kitchen · vera: muted')
    await user.should_see('spam')


async def test_older_log_entries_clicked_twice_come_once(
    user: User, create_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    await register(user, 'root')
    await promote('root')
    await open_room(user, 'Kitchen')
    await register(create_user(), 'vera')
    root = await services().db.run(user_queries.by_username, 'root')
    assert root is not None
    room, vera = room_id_of(user), await user_id('vera')
    moderation = services().moderation
    for _ in range(LOG_PAGE // 2 + 1):  # a page and a bit more: mutes and unmutes
        await moderation.mute(to_view(root), room, vera, '1h')
        await moderation.unmute(to_view(root), room, vera)
    await user.open('/admin')
    by_testid(user, 'admin-tab-log').click()
    await wait_for(user, 'admin-log-older')
    real_log, release, asked = moderation.log, asyncio.Event(), []

    async def log(
        actor: UserView, room_id: int | None = None, before_id: int | None = None, limit: int = LOG_PAGE
    ) -> list[ModerationEntry]:
        asked.append(before_id)
        await release.wait()  # the older page is on its way while the person clicks again
        return await real_log(actor, room_id, before_id, limit)

    monkeypatch.setattr(moderation, 'log', log)
    by_testid(user, 'admin-log-older').click()
    await until(lambda: asked, what='the older page asked for')
    by_testid(user, 'admin-log-older').click()
    release.set()
    await until(lambda: len(_matches(user, 'mod-log-entry')) > LOG_PAGE, what='the older entries shown')
    assert len(asked) == 1
    assert len(_matches(user, 'mod-log-entry')) == 2 * (LOG_PAGE // 2 + 1)  # every entry once
