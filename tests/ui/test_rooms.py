"""The room list: join or create by name, live updates and online counts."""

from nicegui.testing import User

from tests.ui.helpers import by_testid, open_room, register, wait_for


async def test_room_list_updates_live_when_a_room_is_created(user: User, create_user) -> None:
    await register(user, 'anna')
    bob = create_user()
    await register(bob, 'bob')
    await open_room(user, 'Kitchen')
    await bob.should_see('Kitchen')
    await bob.should_see('1 online')


async def test_existing_name_opens_the_room_regardless_of_case(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    bob = create_user()
    await register(bob, 'bob')
    await bob.open('/')
    by_testid(bob, 'room-name').type('KITCHEN').trigger('keydown.enter')
    await wait_for(bob, 'message-input')
    await bob.should_see('Kitchen')
    await bob.should_not_see('Room “KITCHEN” created.')


async def test_invalid_room_name_says_why(user: User) -> None:
    await register(user, 'anna')
    await user.open('/')
    by_testid(user, 'room-name').type('   ').trigger('keydown.enter')
    await user.should_see('A room name has 1–64 characters.')


async def test_unknown_room_address_says_so(user: User) -> None:
    await register(user, 'anna')
    await user.open('/room/999')
    await user.should_see('This room does not exist (any more).')


async def test_online_count_drops_when_the_last_tab_leaves(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    bob = create_user()
    await register(bob, 'bob')
    await bob.should_see('1 online')
    assert user.client is not None
    user.client.delete()  # the tab is gone for longer than the reconnect window
    await bob.should_see('0 online')
