"""Room settings and private rooms on the pages: the owner sets a topic and privacy in the settings dialog, members
see it live, a private room leaves the room list of an outsider, and its address shows the refusal page."""

from nicegui.testing import User

from tests.ui.helpers import by_testid, open_room, register, room_id_of, send, wait_for
from tests.waiting import until


async def test_owner_makes_the_room_private_members_follow_outsiders_lose_it(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Garden')
    room_id = room_id_of(user)
    await send(user, 'the secret plan')
    boris = create_user()
    await register(boris, 'boris')
    await open_room(boris, 'Garden')  # a member from now on
    vera = create_user()
    await register(vera, 'vera')
    await vera.should_see('Garden')

    (await wait_for(user, 'room-settings')).click()
    await wait_for(user, 'topic-input')
    by_testid(user, 'topic-input').type('Tomatoes and plans')
    by_testid(user, 'private-switch').click()
    by_testid(user, 'save-settings').click()
    await user.should_see('Settings saved.')

    await boris.should_see('Tomatoes and plans')  # live in the member's header line
    await boris.should_see('The room is private now.')
    await until(lambda: by_testid(boris, 'room-private-mark').elements.pop().visible)
    await vera.should_not_see('Garden')  # gone from the outsider's room list, live

    await vera.open(f'/room/{room_id}')
    await wait_for(vera, 'room-private')
    await vera.should_see('This room is private')
    await vera.should_not_see('the secret plan')
    await vera.should_not_see('Garden')
    await vera.open('/')
    await vera.should_not_see('Garden')  # nor when the list is read afresh
    by_testid(vera, 'room-name').type('garden').trigger('keydown.enter')
    await vera.should_see('A private room is called “Garden”. Ask a member for an invitation, or choose another name.')

    await boris.open('/')
    await boris.should_see('Garden')  # a member still finds it
    await boris.should_see('Tomatoes and plans')


async def test_members_have_no_settings_button_and_a_long_topic_is_refused(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Attic')
    boris = create_user()
    await register(boris, 'boris')
    await open_room(boris, 'Attic')
    await wait_for(boris, 'room-bar')
    assert boris.client is not None
    assert not [
        e for e in boris.client.layout.descendants() if e.props.get('data-testid') == 'room-settings' and e.visible
    ]
    (await wait_for(user, 'room-settings')).click()
    await wait_for(user, 'topic-input')
    by_testid(user, 'topic-input').type('x' * 301)
    by_testid(user, 'save-settings').click()
    await user.should_see('A topic may have at most 300 characters.')
    assert by_testid(user, 'topic-input').elements.pop().value == 'x' * 301  # nothing typed is lost
