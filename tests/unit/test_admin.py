"""The admin services (chat/admin.py) and a person's own data (chat/my_data.py), on the real services and database:
every admin method refused to a non-admin, disabling ends sessions, the last admin stays, reset links are single use."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from chat import admin as admin_module
from chat.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from chat.events import SessionEnded
from chat.hub import user_topic
from chat.services import Services
from chat.views import UserView
from models import AuthorDay, Message, PasswordReset, RoomDay
from storage import media
from tests.ui import images
from tests.unit.helpers import PASSWORD, Recorder, add_user, count_rows, execute
from tests.waiting import until

pytestmark = pytest.mark.usefixtures('cheap_hashing')


async def signed_in(services: Services, user: UserView) -> UserView:
    """The user as a browser's page holds them: with a login session."""
    return await services.accounts.start_session(user)


async def people(services: Services) -> tuple[UserView, UserView]:
    root = await signed_in(services, await add_user(services, 'root', is_admin=True))
    anna = await signed_in(services, await add_user(services, 'anna', display_name='Anna'))
    return root, anna


async def test_every_admin_method_is_refused_to_a_non_admin(services: Services) -> None:
    root, anna = await people(services)
    room = await services.rooms.create(root, 'Kitchen')
    admin = services.admin
    calls = [
        admin.check(anna),
        admin.users(anna),
        admin.set_disabled(anna, root.id, True),
        admin.set_admin(anna, anna.id, True),
        admin.reset_link(anna, root.id),
        admin.rooms_page(anna),
        admin.delete_room(anna, room.id),
        admin.set_owner(anna, room.id, 'anna'),
        admin.dashboard(anna),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as refused:
            await call
        assert refused.value.key == 'admin_only'
    assert (await services.accounts.get(anna.id)).is_admin is False
    assert (await services.rooms.get(room.id)).owner_id == root.id
    assert await count_rows(services, PasswordReset) == 0


async def test_users_are_found_by_name_a_page_at_a_time(services: Services) -> None:
    root, _ = await people(services)
    for i in range(25):
        await add_user(services, f'user{i:02d}', display_name=f'Person {i:02d}')
    first = await services.admin.users(root, 'user')
    assert (first.total, first.pages, len(first.rows)) == (25, 2, 20)
    second = await services.admin.users(root, 'USER', page=1)
    assert [row.username for row in second.rows] == [f'user{i}' for i in range(20, 25)]
    assert [row.username for row in (await services.admin.users(root, 'person 07')).rows] == ['user07']
    assert (await services.admin.users(root, '%')).total == 0  # a wildcard is a character like any other
    assert (await services.admin.users(root)).total == 27


async def test_a_disabled_user_cannot_sign_in_and_their_sessions_end_at_once(
    services: Services, recorder: Recorder
) -> None:
    root, anna = await people(services)
    recorder.listen(services.hub, user_topic(anna.id))
    row = await services.admin.set_disabled(root, anna.id, True)
    assert row.disabled
    await until(lambda: any(isinstance(e, SessionEnded) for e in recorder.of(user_topic(anna.id))))
    assert await services.accounts.user_for_token(anna.session_token) is None
    with pytest.raises(NotAuthenticated):
        await services.rooms.create(anna, 'Anna room')
    with pytest.raises(InvalidInput) as refused:
        await services.accounts.authenticate('anna', PASSWORD)
    assert refused.value.key == 'account_disabled'
    with pytest.raises(InvalidInput) as wrong:  # a wrong password says nothing about the account
        await services.accounts.authenticate('anna', 'not-the-password')
    assert wrong.value.key == 'login_failed'
    await services.admin.set_disabled(root, anna.id, False)
    again = await services.accounts.authenticate('anna', PASSWORD)
    assert again.id == anna.id
    with pytest.raises(PermissionDenied) as self_refused:
        await services.admin.set_disabled(root, root.id, True)
    assert self_refused.value.key == 'cannot_disable_self'


async def test_the_last_admin_cannot_be_demoted(services: Services) -> None:
    root, anna = await people(services)
    with pytest.raises(PermissionDenied) as refused:
        await services.admin.set_admin(root, root.id, False)
    assert refused.value.key == 'last_admin'
    assert (await services.admin.set_admin(root, anna.id, True)).is_admin
    assert not (await services.admin.set_admin(root, root.id, False)).is_admin  # another admin remains
    with pytest.raises(PermissionDenied):  # root is no admin any more
        await services.admin.users(root)
    anna = await services.accounts.require(anna)
    with pytest.raises(PermissionDenied):
        await services.admin.set_admin(anna, anna.id, False)


async def test_a_reset_link_sets_a_password_once_and_ends_every_session(services: Services, recorder: Recorder) -> None:
    root, anna = await people(services)
    recorder.listen(services.hub, user_topic(anna.id))
    token = await services.admin.reset_link(root, anna.id)
    assert len(token) >= 40
    rows = await execute(services, 'SELECT token_hash FROM password_reset')
    assert rows and token not in str(rows)  # only the hash is stored
    assert await admin_module.reset_valid(services.db, token)
    with pytest.raises(InvalidInput) as short:
        await admin_module.redeem_reset(services.db, services.hub, token, 'short')
    assert short.value.key == 'password_too_short'
    assert await admin_module.reset_valid(services.db, token)  # a refused password does not use the link
    await admin_module.redeem_reset(services.db, services.hub, token, 'a-new-password')
    assert await services.accounts.user_for_token(anna.session_token) is None
    assert any(isinstance(e, SessionEnded) for e in recorder.of(user_topic(anna.id)))
    assert (await services.accounts.authenticate('anna', 'a-new-password')).id == anna.id
    with pytest.raises(InvalidInput) as used:
        await admin_module.redeem_reset(services.db, services.hub, token, 'another-password')
    assert used.value.key == 'reset_invalid'
    assert not await admin_module.reset_valid(services.db, token)


async def test_an_expired_reset_link_is_refused(services: Services) -> None:
    root, anna = await people(services)
    token = await services.admin.reset_link(root, anna.id)

    def age(session: Session) -> None:
        for reset in session.query(PasswordReset):
            reset.expires_at = datetime.now(UTC) - timedelta(seconds=1)
            session.add(reset)
        session.commit()

    await services.db.run(age)
    assert not await admin_module.reset_valid(services.db, token)
    with pytest.raises(InvalidInput) as expired:
        await admin_module.redeem_reset(services.db, services.hub, token, 'a-new-password')
    assert expired.value.key == 'reset_invalid'
    assert (await services.accounts.authenticate('anna', PASSWORD)).id == anna.id
    with pytest.raises(InvalidInput):
        await admin_module.redeem_reset(services.db, services.hub, 'made-up', 'a-new-password')


async def test_rooms_are_found_deleted_and_given_to_someone(services: Services) -> None:
    root, anna = await people(services)
    kitchen = await services.rooms.create(root, 'Kitchen')
    await services.rooms.create(root, 'Garden')
    found = await services.admin.rooms_page(root, 'kit')
    assert [(r.name, r.owner) for r in found.rows] == [('Kitchen', 'root')]
    room = await services.admin.set_owner(root, kitchen.id, '@anna')
    assert room.owner_id == anna.id
    await services.rooms.rename(anna, kitchen.id, 'Anna kitchen')  # the new owner manages it
    with pytest.raises(NotFound):
        await services.admin.set_owner(root, kitchen.id, 'nobody')
    assert (await services.admin.set_owner(root, kitchen.id, '')).owner_id is None
    await services.admin.delete_room(root, kitchen.id)
    assert [r.name for r in (await services.admin.rooms_page(root)).rows] == ['Garden']


async def test_the_dashboard_counts_posts_per_day_people_and_rooms(services: Services) -> None:
    root, anna = await people(services)
    kitchen = await services.rooms.create(root, 'Kitchen')
    garden = await services.rooms.create(root, 'Garden')
    for _ in range(3):
        await services.messages.post(anna, kitchen.id, 'hello')
    await services.messages.post(root, garden.id, 'hi')
    await services.rooms.enter(anna, kitchen.id, 'conn-1')
    board = await services.admin.dashboard(root)
    assert len(board.days) == 30 and board.days[-1] == datetime.now(UTC).date().isoformat()
    assert (board.messages[-1], board.authors[-1], sum(board.messages[:-1])) == (4, 2, 0)
    assert board.top_rooms == [('Kitchen', 3), ('Garden', 1)]
    assert board.online == 1
    assert board.database_bytes > 0
    later = await services.admin.dashboard(root, today=date.today() + timedelta(days=40))
    assert sum(later.messages) == 0 and later.top_rooms == []
    assert await count_rows(services, RoomDay) == 2  # a row per day and room, not per message
    assert await count_rows(services, AuthorDay) == 2


async def test_my_data_export_holds_the_profile_and_my_messages(services: Services) -> None:
    root, anna = await people(services)
    kitchen = await services.rooms.create(root, 'Kitchen')
    for i in range(5):
        await services.messages.post(anna, kitchen.id, f'mine {i} «ё»')
    gone = await services.messages.post(anna, kitchen.id, 'to delete')
    await services.messages.delete(anna, kitchen.id, gone.id)
    await services.messages.post(root, kitchen.id, 'not mine')
    pieces = [piece async for piece in await services.my_data.export(anna)]
    document = json.loads(''.join(pieces))
    assert document['profile']['username'] == 'anna' and document['profile']['display_name'] == 'Anna'
    assert [m['body'] for m in document['messages']] == [f'mine {i} «ё»' for i in range(5)]
    assert {m['room'] for m in document['messages']} == {'Kitchen'}
    assert 'password' not in ''.join(pieces)


async def test_my_data_export_names_a_direct_conversation_after_the_other_person(services: Services) -> None:
    root, anna = await people(services)
    chat = await services.rooms.direct(anna, root.id)
    await services.messages.post(anna, chat.id, 'just between us')
    kitchen = await services.rooms.create(root, 'Kitchen')
    await services.messages.post(anna, kitchen.id, 'for everyone')
    document = json.loads(''.join([piece async for piece in await services.my_data.export(anna)]))
    assert [(m['room'], m['direct']) for m in document['messages']] == [(root.display_name, True), ('Kitchen', False)]
    assert 'dm-' not in json.dumps(document)


async def test_my_data_export_describes_my_attachments(services: Services) -> None:
    """Each file of my messages as name, size, type and the path the app serves it under (which still asks who is
    reading): no bytes in the document, and nothing of others' files or of uploads never sent."""
    root, anna = await people(services)
    kitchen = await services.rooms.create(root, 'Kitchen')
    pdf = await services.files.upload(anna, kitchen.id, 'report.pdf', b'%PDF-1.4 report')
    picture = await services.files.upload(anna, kitchen.id, 'cat.png', images.png(40, 30))
    with_files = await services.messages.post(anna, kitchen.id, '', attachments=[pdf.id, picture.id])
    await services.messages.post(anna, kitchen.id, 'just words')
    await services.files.upload(anna, kitchen.id, 'unsent.txt', b'never sent')
    theirs = await services.files.upload(root, kitchen.id, 'theirs.txt', b'root file')
    await services.messages.post(root, kitchen.id, 'mine', attachments=[theirs.id])
    document = json.loads(''.join([piece async for piece in await services.my_data.export(anna)]))
    first, second = document['messages']
    assert first['id'] == with_files.id and first['body'] == ''
    assert first['attachments'] == [
        {'name': 'report.pdf', 'size': pdf.size, 'mime': 'application/pdf', 'path': f'/files/{pdf.id}'},
        {'name': 'cat.png', 'size': picture.size, 'mime': 'image/png', 'path': f'/files/{picture.id}'},
    ]
    assert second['attachments'] == []
    # the path is the permission-checked download: a reader of the room gets the file, nobody else does
    assert (await services.files.download(anna, pdf.id)).name == 'report.pdf'
    outsider = await add_user(services, 'vera')
    await services.rooms.update_settings(root, kitchen.id, '', True)
    with pytest.raises(NotFound):
        await services.files.download(outsider, pdf.id)


async def test_the_export_reads_a_page_at_a_time(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from chat import my_data

    monkeypatch.setattr(my_data, 'PAGE_ROWS', 2)
    root, anna = await people(services)
    kitchen = await services.rooms.create(root, 'Kitchen')
    for i in range(5):
        await services.messages.post(anna, kitchen.id, f'm{i}')
    pieces = [piece async for piece in await services.my_data.export(anna)]
    assert len(pieces) == 3 + 3 + 1  # header pieces, three pages of at most two, the end
    assert [m['body'] for m in json.loads(''.join(pieces))['messages']] == [f'm{i}' for i in range(5)]


@pytest.mark.parametrize('delete_messages', [False, True])
async def test_deleting_my_account(services: Services, recorder: Recorder, delete_messages: bool) -> None:
    root, anna = await people(services)
    room = await services.rooms.create(anna, 'Anna room')
    message = await services.messages.post(anna, room.id, 'my words')
    recorder.listen(services.hub, user_topic(anna.id))
    with pytest.raises(InvalidInput) as wrong:
        await services.my_data.delete_account(anna, 'not-my-password', delete_messages)
    assert wrong.value.key == 'password_wrong'
    await services.my_data.delete_account(anna, PASSWORD, delete_messages)
    assert any(isinstance(e, SessionEnded) for e in recorder.of(user_topic(anna.id)))
    assert await services.accounts.user_for_token(anna.session_token) is None
    with pytest.raises(InvalidInput):
        await services.accounts.authenticate('anna', PASSWORD)
    assert (await services.rooms.get(room.id)).owner_id is None  # the room stays, ownerless: admins manage it
    await services.rooms.rename(root, room.id, 'Adopted')
    (shown,) = await services.messages.history(room.id)
    assert shown.id == message.id and shown.author.display_name == 'deleted user'
    assert (shown.body, shown.deleted) == (('', True) if delete_messages else ('my words', False))
    assert await count_rows(services, Message) == 1
    assert (await services.admin.users(root)).total == 1  # only root: the stand-in is no account
    await services.accounts.register('anna', 'password1')  # the name is free again


async def test_the_last_admin_cannot_delete_their_account(services: Services) -> None:
    root, _ = await people(services)
    with pytest.raises(PermissionDenied) as refused:
        await services.my_data.delete_account(root, PASSWORD, False)
    assert refused.value.key == 'last_admin'


async def test_deleting_my_account_removes_my_avatar_unless_someone_shares_it(services: Services) -> None:
    _root, anna = await people(services)
    boris = await signed_in(services, await add_user(services, 'boris'))
    folder = services.settings.media_path
    mine, shared = 'a' * 64 + '.webp', 'b' * 64 + '.webp'
    for name in (mine, shared):
        media.write(folder, name, b'picture')
    anna = await services.accounts.set_avatar(anna, mine)
    await services.my_data.delete_account(anna, PASSWORD, False)
    assert not (folder / mine).exists()
    boris = await services.accounts.set_avatar(boris, shared)
    vera = await signed_in(services, await add_user(services, 'vera'))
    vera = await services.accounts.set_avatar(vera, shared)
    await services.my_data.delete_account(vera, PASSWORD, True)
    assert (folder / shared).exists()  # boris still shows it
