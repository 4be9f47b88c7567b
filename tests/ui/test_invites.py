"""Invitations on the pages: the owner makes a link in the invite dialog, a second person opens it, joins and reads
the history; a member adds someone by username, whose room list shows the room at once; a revoked link says so."""

from nicegui.testing import User

from tests.ui.helpers import by_testid, open_room, register, send, value_of, wait_for


async def test_invite_link_lets_a_second_person_join_and_read(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Garden')
    await send(user, 'the secret plan')
    (await wait_for(user, 'room-settings')).click()
    by_testid(user, 'private-switch').click()
    by_testid(user, 'save-settings').click()
    await user.should_see('Settings saved.')
    (await wait_for(user, 'room-invite')).click()
    (await wait_for(user, 'invite-create')).click()
    await wait_for(user, 'invite-row')
    link = str(value_of(user, 'invite-link'))
    assert '/invite/' in link
    path = link[link.index('/invite/') :]

    boris = create_user()
    await register(boris, 'boris')
    await boris.should_not_see('Garden')
    await boris.open(path)
    await boris.should_see('You are invited to join “Garden”.')
    by_testid(boris, 'invite-join').click()
    await wait_for(boris, 'message-input')
    await boris.should_see('the secret plan')  # the history, now that he is a member

    by_testid(user, 'invite-revoke').click()
    await user.should_see('Link revoked.')
    vera = create_user()
    await register(vera, 'vera')
    await vera.open(path)
    await vera.should_see('This invite link has been revoked.')
    await vera.should_not_see('Garden')


async def test_a_member_adds_someone_by_username_live(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Attic')
    boris = create_user()
    await register(boris, 'boris')
    await boris.open('/')
    (await wait_for(user, 'room-invite')).click()
    await wait_for(user, 'invite-username')
    by_testid(user, 'invite-username').type('nobody').trigger('keydown.enter')
    await user.should_see('Nobody has the username “nobody”.')
    by_testid(user, 'invite-username').clear().type('boris').trigger('keydown.enter')
    await user.should_see('boris is a member now.')
    await wait_for(boris, 'my-rooms')
    await boris.should_see('Attic')  # in his rooms drawer, live
