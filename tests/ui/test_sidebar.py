"""The rooms drawer: unread counts per room that follow new messages live, a mark for mentions, the "New messages"
line, reading on one page clears the counts on the others, mark all read, the filter that opens or creates a room,
and the unread total in the tab's title."""

from __future__ import annotations

from nicegui import Client
from nicegui.testing import User

from chat.services import Services
from chat.views import UserView
from tests.ui.helpers import (
    by_testid,
    open_room,
    people_in_room,
    register,
    send,
    services,
    sign_in,
    value_of,
    wait_for,
)
from tests.waiting import until


async def room_ids(service: Services, *names: str) -> list[int]:
    from storage import rooms as room_queries

    found = [await service.db.run(room_queries.by_name, name) for name in names]
    return [room.id for room in found if room is not None and room.id is not None]


def badge(user: User, testid: str) -> str | None:
    """The text of a badge in the person's rooms drawer; None while it is absent or hidden (on a page still open)."""
    assert user.client is not None and not user.client.is_deleted, 'the page is gone'
    for element in user.client.layout.descendants():
        if element.props.get('data-testid') == testid and not element.is_deleted and element.visible:
            return element._text or ''
    return None


async def joined_earlier(username: str, room_name: str) -> None:
    """The person was in the room before (a membership, as a visit leaves) and has no page there now."""
    from storage import rooms as room_queries
    from storage import users as user_queries

    service = services()
    found = await service.db.run(user_queries.by_username, username)
    room = await service.db.run(room_queries.by_name, room_name)
    assert found is not None and found.id is not None and room is not None and room.id is not None
    await service.db.run(room_queries.touch_membership, found.id, room.id)


async def only_page(user: User, room_name: str) -> None:
    """Opens the room and closes the person's other pages, as a browser that moves on does (simulated pages stay
    open otherwise, and would each hear what a page of the person hears)."""
    await open_room(user, room_name)
    for client in list(Client.instances.values()):
        if client is not user.client and owner(client) is not None and owner(client) == owner(user.client):
            client.delete()


def owner(client: Client | None) -> object:
    """The browser a page belongs to: its session's id."""
    return client.request.session.get('id') if client is not None and client.request is not None else None


async def shows_badge(user: User, testid: str, text: str | None) -> None:
    await until(
        lambda: badge(user, testid) == text, what=lambda: f'{testid} showing {text!r} ({badge(user, testid)!r})'
    )


async def title_of(user: User, title: str) -> None:
    await until(lambda: user.client is not None and user.client.title == title, what=lambda: f'the title {title!r}')


async def three_rooms(user: User, create_user) -> tuple[User, User, list[int]]:
    """Anna and Boris have both been in General, Random and Trips; Boris is in General now."""
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'], room='Random')
    for name in ('Trips', 'General'):
        await open_room(anna, name)
        await open_room(boris, name)
    return anna, boris, await room_ids(services(), 'General', 'Random', 'Trips')


async def test_counts_follow_messages_in_other_rooms_live(user: User, create_user) -> None:
    anna, boris, (general, random, trips) = await three_rooms(user, create_user)
    await shows_badge(boris, f'unread-{random}', None)
    await open_room(anna, 'Random')
    await send(anna, 'one')
    await send(anna, 'two')
    await shows_badge(boris, f'unread-{random}', '2')
    await open_room(anna, 'Trips')
    await send(anna, '@boris look at this')
    await shows_badge(boris, f'unread-{trips}', '1')
    await shows_badge(boris, f'mentioned-{trips}', '@')
    assert badge(boris, f'mentioned-{random}') is None
    assert badge(boris, f'unread-{general}') is None  # the room on screen is read, not counted
    await title_of(boris, '(3) Messenger')
    # Anna's own messages are no news to her
    assert badge(anna, f'unread-{random}') is None


async def test_opening_a_room_shows_where_reading_stopped_and_clears_its_count_on_every_page(
    user: User, create_user
) -> None:
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'], room='General')
    await open_room(anna, 'Random')
    await joined_earlier('boris', 'Random')  # no page of his is left on Random (simulated pages never close)
    phone = create_user()  # Boris again, on another device
    await sign_in(phone, 'boris')
    await wait_for(phone, 'room-list')
    await open_room(phone, 'General')
    (random,) = await room_ids(services(), 'Random')
    await send(anna, 'first unread')
    await send(anna, 'second unread')
    await shows_badge(phone, f'unread-{random}', '2')

    await open_room(boris, 'Random')
    await boris.should_see('New messages')
    await boris.should_see('first unread')
    await shows_badge(phone, f'unread-{random}', None)  # read on the laptop: cleared on the phone at once
    await title_of(phone, 'Messenger')


async def test_what_a_page_showed_is_read_as_soon_as_its_socket_goes(user: User, create_user, monkeypatch) -> None:
    """Boris leaves the room right after a message came: it counts as read at once, not when the marks' interval
    is over (he may be back in the room before that, and the "New messages" line must not come before it)."""
    from pages.room import ReadMarker

    monkeypatch.setattr(ReadMarker, 'INTERVAL', 3600.0)  # in this test's time only the going away can mark it
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'], room='General')
    (general,) = await room_ids(services(), 'General')
    await send(anna, 'just before he left')
    await boris.should_see('just before he left')
    viewer = await view_of('boris')
    assert await services().unread.count(viewer, general) == (1, False)  # shown on his page, not marked yet
    assert boris.client is not None
    for went_away in list(boris.client.disconnect_handlers):  # what NiceGUI calls when the page's socket closes
        went_away()

    async def read() -> bool:
        return await services().unread.count(viewer, general) == (0, False)

    await until(read, what='the message read once the page went away')


async def view_of(username: str) -> UserView:
    from sqlmodel import select

    from chat.accounts import to_view
    from models.tables import User as UserRow

    row = await services().db.run(lambda s: s.exec(select(UserRow).where(UserRow.username == username)).one())
    return to_view(row)


async def test_a_page_that_read_part_of_the_news_leaves_the_rest_counted(user: User, create_user) -> None:
    """Boris's other page saw Random up to its first new message and went (a mark that arrives after the rest)."""
    from sqlmodel import select

    from chat.accounts import to_view
    from models.tables import Message
    from models.tables import User as UserRow

    anna, boris, (_, random, _) = await three_rooms(user, create_user)
    await open_room(anna, 'Random')
    for text in ('one', 'two', 'three'):
        await send(anna, text)
        await until(lambda: value_of(anna, 'message-input') == '', what='the field emptied: stored')
    await shows_badge(boris, f'unread-{random}', '3')
    service = services()
    first = await service.db.run(lambda s: s.exec(select(Message.id).where(Message.body == 'one')).one())
    viewer = to_view(await service.db.run(lambda s: s.exec(select(UserRow).where(UserRow.username == 'boris')).one()))
    await service.unread.mark_read(viewer, random, first)
    await shows_badge(boris, f'unread-{random}', '2')
    await title_of(boris, '(2) Messenger')


async def test_counts_come_from_the_database_on_the_next_visit(user: User, create_user) -> None:
    anna, boris, (_, random, trips) = await three_rooms(user, create_user)
    await open_room(anna, 'Random')
    await send(anna, 'while boris was away')
    await open_room(boris, 'Trips')  # Boris reads Trips, never Random
    await services().unread.flush()
    services().unread._pending.clear()  # nothing left in memory: what follows is read from the database
    await open_room(boris, 'General')
    await shows_badge(boris, f'unread-{random}', '1')
    await shows_badge(boris, f'unread-{trips}', None)


async def test_mark_all_read(user: User, create_user) -> None:
    anna, boris, (_, random, trips) = await three_rooms(user, create_user)
    for room in ('Random', 'Trips'):
        await open_room(anna, room)
        await send(anna, f'news in {room}')
    await shows_badge(boris, f'unread-{trips}', '1')
    by_testid(boris, 'mark-all-read').click()
    await shows_badge(boris, f'unread-{random}', None)
    await shows_badge(boris, f'unread-{trips}', None)
    await title_of(boris, 'Messenger')


async def test_the_filter_narrows_the_list_and_enter_opens_or_creates(user: User) -> None:
    await register(user, 'anna')
    for name in ('General', 'Random', 'Trips'):
        await open_room(user, name)
    by_testid(user, 'rooms-filter').type('ran')
    entries = {
        e.props['data-testid']: e.visible
        for e in user.client.layout.descendants()  # type: ignore[union-attr]
        if str(e.props.get('data-testid', '')).startswith('room-entry-')
    }
    assert sorted(entries.values()) == [False, False, True]  # Random only
    by_testid(user, 'rooms-filter').trigger('keydown.enter')
    await wait_for(user, 'message-input')
    await user.should_see('Random')
    by_testid(user, 'rooms-filter').type('Book club')
    await user.should_see('No room matches; Enter creates it')
    by_testid(user, 'rooms-filter').trigger('keydown.enter')
    await until(lambda: bool(user.back_history) and 'room' in str(user.back_history[-1]))
    await user.should_see('Book club')


async def test_russian(user: User) -> None:
    user.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(user, 'anna', expect='Все комнаты')
    await open_room(user, 'Kitchen')
    await user.should_see('Мои комнаты')
    await user.should_see('Все комнаты')


async def test_a_mention_elsewhere_is_announced_and_the_current_room_is_not(user: User, create_user) -> None:
    anna, boris = await people_in_room(user, create_user, ['Anna', 'Boris'], room='General')
    await open_room(anna, 'Trips')
    await joined_earlier('boris', 'Trips')
    await only_page(boris, 'General')  # a fresh page, listing Trips, and no other page of his (each would toast)
    general, trips = await room_ids(services(), 'General', 'Trips')
    await send(anna, '@boris are you coming?')
    await shows_badge(boris, f'mentioned-{trips}', '@')
    await until(lambda: 'You were mentioned in Trips' in boris.notify.messages, what='the mention toast')
    await open_room(anna, 'General')
    await send(anna, '@boris and here?')
    await boris.should_see('and here?')  # in the room on screen: no toast, no count
    assert boris.notify.messages.count('You were mentioned in Trips') == 1
    assert not any('General' in message for message in boris.notify.messages)
    assert badge(boris, f'unread-{general}') is None


async def test_a_room_entered_on_another_device_joins_the_list_live(user: User, create_user) -> None:
    await register(user, 'boris')
    await open_room(user, 'General')
    phone = create_user()
    await sign_in(phone, 'boris')
    await wait_for(phone, 'room-list')
    await open_room(phone, 'Books')
    (books,) = await room_ids(services(), 'Books')
    await wait_for(user, f'room-entry-{books}')
