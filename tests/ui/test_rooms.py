"""Browse rooms: join or create by name (the field filters the list too), previews of the newest messages, order by
last activity, live updates and online counts."""

from nicegui import ui
from nicegui.element import Element
from nicegui.testing import User

from chat.accounts import to_view
from chat.views import MessageView, RoomView, UserView
from pages.formatting import short_stamp
from storage import users as user_queries
from tests.ui.helpers import by_testid, open_room, register, send, services, wait_for
from tests.waiting import until


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


# --- the directory ------------------------------------------------------------------------------------------------


async def person(username: str) -> UserView:
    """A registered person as the services know them (to post without opening a page)."""
    found = await services().db.run(user_queries.by_username, username)
    assert found is not None
    return to_view(found)


async def room_with(author: UserView, name: str, *texts: str) -> tuple[RoomView, list[MessageView]]:
    room = await services().rooms.create(author, name)
    return room, [await services().messages.post(author, room.id, text) for text in texts]


def rows(user: User) -> list[Element]:
    (container,) = by_testid(user, 'room-list').elements
    return [row for row in container.default_slot.children if isinstance(row, ui.card)]


def row_of(user: User, name: str) -> Element:
    return next(row for row in rows(user) if room_name(row) == name)


def room_name(row: Element) -> str:
    return next(element for element in row.descendants() if isinstance(element, ui.link)).text


def shown_names(user: User) -> list[str]:
    """The rooms a person sees, top to bottom (rows the filter hides are not shown)."""
    return [room_name(row) for row in rows(user) if row.visible]


def badge_of(user: User, name: str) -> ui.badge:
    return next(e for e in row_of(user, name).descendants() if e.props.get('data-testid') == 'online-count')


def preview_element(user: User, name: str) -> ui.label:
    return next(e for e in row_of(user, name).descendants() if e.props.get('data-testid') == 'room-preview')


def preview_of(user: User, name: str) -> str:
    return preview_element(user, name).text


async def test_rows_show_the_newest_message_its_time_and_the_newest_activity_first(user: User) -> None:
    await register(user, 'anna', display_name='Anna')
    anna = await person('anna')
    await room_with(anna, 'Quiet')
    _, (hello,) = await room_with(anna, 'Kitchen', 'hello <b>there</b>\nsecond line')
    _, (_, gone) = await room_with(anna, 'Attic', 'kept', 'secret words')
    await services().messages.delete(anna, gone.room_id, gone.id)
    await user.open('/')
    await user.should_see('Anna: hello <b>there</b> second line')  # as text: the tags are words here
    await user.should_see('Anna: message deleted')
    await user.should_not_see('secret words')
    await user.should_see('No messages yet')
    await user.should_see(short_stamp(hello.created_at, 'Europe/Moscow'))  # today: the time alone
    assert ':' in short_stamp(hello.created_at, 'Europe/Moscow')
    assert shown_names(user) == ['Attic', 'Kitchen', 'Quiet']
    assert 'italic' in preview_element(user, 'Quiet').classes  # the app's words, set apart from a person's
    assert 'italic' not in preview_element(user, 'Kitchen').classes


async def test_a_post_in_another_room_moves_its_row_to_the_top_live(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    anna = await person('anna')
    await room_with(anna, 'Alpha', 'old news')
    await room_with(anna, 'Beta', 'newer news')
    await user.open('/')
    await wait_for(user, 'room-list')
    await until(lambda: shown_names(user) == ['Beta', 'Alpha'], what='Beta, then Alpha')
    bob = create_user()
    await register(bob, 'bob', display_name='Bob')
    await open_room(bob, 'Alpha')
    await send(bob, 'fresh **news**')
    await user.should_see('Bob: fresh news')
    await until(lambda: shown_names(user) == ['Alpha', 'Beta'], what=lambda: f'Alpha on top: {shown_names(user)}')
    assert preview_of(user, 'Beta') == 'Anna: newer news'


async def test_an_edit_or_deletion_of_the_shown_message_changes_its_row_live(user: User) -> None:
    """Only the message a row shows changes it (an older one's edit or deletion does not), and the row stays put."""
    await register(user, 'anna', display_name='Anna')
    anna = await person('anna')
    _, (older, newest) = await room_with(anna, 'Kitchen', 'soup at six', 'soup at seven')
    await room_with(anna, 'Attic', 'boxes')
    await user.open('/')
    await user.should_see('Anna: soup at seven')
    await services().messages.edit(anna, newest.room_id, newest.id, 'soup at **eight**')
    await until(lambda: preview_of(user, 'Kitchen') == 'Anna: soup at eight', what='the edited words')
    await services().messages.edit(anna, older.room_id, older.id, 'an older correction')
    await services().messages.delete(anna, older.room_id, older.id)
    await services().messages.delete(anna, newest.room_id, newest.id)
    await until(lambda: preview_of(user, 'Kitchen') == 'Anna: message deleted', what='the deletion')
    assert 'italic' in preview_element(user, 'Kitchen').classes
    assert shown_names(user) == ['Attic', 'Kitchen']  # not moved: nothing new was posted


async def test_a_new_room_appears_below_the_active_ones(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    anna = await person('anna')
    await room_with(anna, 'Busy', 'something')
    await user.open('/')
    await user.should_see('Anna: something')
    await services().rooms.create(anna, 'Brand new')
    await user.should_see('Brand new')
    assert shown_names(user) == ['Busy', 'Brand new']
    assert preview_of(user, 'Brand new') == 'No messages yet'


async def test_typing_a_name_filters_the_rooms(user: User) -> None:
    await register(user, 'anna', display_name='Anna')
    anna = await person('anna')
    for name in ('Kitchen', 'Garden', 'Back kitchen'):
        await room_with(anna, name)
    await user.open('/')
    await user.should_see('Garden')
    by_testid(user, 'room-name').type('KITCH')
    await user.should_not_see('Garden')
    assert sorted(shown_names(user)) == ['Back kitchen', 'Kitchen']
    await user.should_not_see('No rooms match')
    by_testid(user, 'room-name').type('enette')
    await user.should_see('No rooms match')
    assert shown_names(user) == []
    by_testid(user, 'room-name').clear()
    await user.should_see('Garden')
    await user.should_not_see('No rooms match')
    assert len(shown_names(user)) == 3


async def test_nobody_online_is_grey_and_somebody_is_positive(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    anna = await person('anna')
    await room_with(anna, 'Kitchen')
    await user.open('/')
    await user.should_see('0 online')
    assert badge_of(user, 'Kitchen').props['color'] != 'positive'
    assert badge_of(user, 'Kitchen').props['color'] == 'grey-7'
    bob = create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    await user.should_see('1 online')
    assert badge_of(user, 'Kitchen').props['color'] == 'positive'
    assert bob.client is not None
    bob.client.delete()
    await user.should_see('0 online')
    assert badge_of(user, 'Kitchen').props['color'] == 'grey-7'


async def test_the_directory_speaks_russian(user: User) -> None:
    user.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(user, 'anna', display_name='Анна', expect='Все комнаты')
    anna = await person('anna')
    await room_with(anna, 'Пусто')
    _, (gone,) = await room_with(anna, 'Кухня', 'удалю')
    await services().messages.delete(anna, gone.room_id, gone.id)
    await user.open('/')
    await user.should_see('Все комнаты')
    await user.should_see('Сообщений пока нет')
    await user.should_see('Анна: сообщение удалено')
    await user.should_see('в сети: 0')
    by_testid(user, 'room-name').type('нет такой')
    await user.should_see('Подходящих комнат нет')
