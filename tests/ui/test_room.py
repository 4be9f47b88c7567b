"""Live chat in a room: messages, history paging, presence with tabs, private messages, languages."""

from nicegui.testing import User

from tests.ui.helpers import (
    by_testid,
    open_room,
    open_user_menu,
    people_in_room,
    register,
    room_id_of,
    send,
    services,
    value_of,
    wait_for,
    whisper_to,
)
from tests.waiting import until


async def _three_in_kitchen(user: User, create_user) -> tuple[User, User, User]:
    anna, bob, carl = await people_in_room(user, create_user, ['Anna', 'Bob', 'Carl'])
    return anna, bob, carl


async def test_two_users_chat_live_and_other_rooms_see_nothing(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    bob, dora = create_user(), create_user()
    await register(bob, 'bob', display_name='Bob')
    await register(dora, 'dora', display_name='Dora')
    await open_room(user, 'Kitchen')
    await open_room(bob, 'Kitchen')
    await open_room(dora, 'Garden')
    await send(user, 'Hi Bob <script>alert(1)</script>')
    await bob.should_see('Hi Bob <script>alert(1)</script>')
    await user.should_see('Hi Bob <script>alert(1)</script>')
    assert value_of(user, 'message-input') == ''
    await send(bob, 'Привет, Анна!')
    await user.should_see('Привет, Анна!')
    await dora.should_not_see('Hi Bob')
    await dora.should_not_see('Привет, Анна!')


async def test_join_and_leave_notices_and_online_list(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    bob = create_user()
    await register(bob, 'bob', display_name='Bob')
    await open_room(user, 'Kitchen')
    await open_room(bob, 'Kitchen')
    await user.should_see('Bob joined')
    by_testid(user, 'online-bob')
    assert bob.client is not None
    bob.client.delete()  # tab closed for longer than the reconnect window
    await user.should_see('Bob left')
    await user.should_not_see(marker=None, content='Bob (you)')


async def test_user_with_two_tabs_counts_once(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    bob = create_user()
    await register(bob, 'bob', display_name='Bob')
    await open_room(user, 'Kitchen')
    await open_room(bob, 'Kitchen')
    first_tab = bob.client
    await open_room(bob, 'Kitchen')  # a second tab of the same person
    assert first_tab is not None and first_tab is not bob.client
    await user.should_see('Bob joined')
    first_tab.delete()  # one tab closes: Bob is still here
    await send(user, 'still there?')
    await bob.should_see('still there?')
    await user.should_not_see('Bob left')
    assert bob.client is not None
    bob.client.delete()  # the last tab closes
    await user.should_see('Bob left')


async def test_sender_other_tab_gets_the_message(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    first_tab = user.client
    other = create_user()
    await register(other, 'bob')
    await open_room(other, 'Kitchen')
    await send(other, 'to every tab')
    assert first_tab is not None
    await user.should_see('to every tab')


async def test_too_long_message_is_refused_and_kept(user: User) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    text = 'x' * 4001
    await send(user, text)
    await user.should_see('The message is too long: at most 4,000 characters.')
    assert value_of(user, 'message-input') == text


async def test_blank_message_is_not_sent(user: User) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    await send(user, '   ')
    await user.should_see('Write something first.')


async def test_history_on_entry_and_older_pages(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    bob = create_user()
    await register(bob, 'bob')
    # write 120 messages straight through the service layer (the sender's own rate limit is for people)
    app_services = services()
    anna = await app_services.accounts.session_user(1, 0)
    assert anna is not None
    app_services.messages.rate.limit = 10_000
    for number in range(1, 121):
        await app_services.messages.post(anna, room_id, f'message number {number:03d}')
    await bob.open(f'/room/{room_id}')
    await wait_for(bob, 'message-input')
    await bob.should_see('message number 120')
    await bob.should_see('message number 071')
    await bob.should_not_see('message number 070')
    by_testid(bob, 'load-older').click()
    await bob.should_see('message number 021')
    await bob.should_not_see('message number 020')
    by_testid(bob, 'load-older').click()
    await bob.should_see('message number 001')


async def test_private_message_reaches_only_the_recipient(user: User, create_user) -> None:
    anna, bob, carl = await _three_in_kitchen(user, create_user)
    whisper_to(anna, 'bob')
    by_testid(anna, 'private-input').type('our little secret').trigger('keydown.enter')
    await bob.should_see('our little secret')
    await bob.should_see('Anna (private)')
    await anna.should_see('private to Bob')
    await carl.should_not_see('our little secret')


async def test_private_message_to_someone_who_left_is_not_delivered(user: User, create_user) -> None:
    anna, bob, _ = await _three_in_kitchen(user, create_user)
    whisper_to(anna, 'bob')
    assert bob.client is not None
    bob.client.delete()  # Bob's tab is gone for longer than the reconnect window
    await anna.should_see('Bob left')
    by_testid(anna, 'private-input').type('are you there?')
    by_testid(anna, 'private-send').click()
    await anna.should_see('Bob is no longer here: the private message was not delivered.')
    await bob.should_not_see('are you there?')


async def test_russian_from_accept_language_and_switch_sticks(user: User) -> None:
    user.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9,en;q=0.5'
    await user.open('/login')
    await user.should_see('Войти')
    await register(user, 'anna', expect='Все комнаты')
    open_user_menu(user)
    by_testid(user, 'language-en').click()
    await user.should_see('Browse rooms')
    await user.open('/')
    await user.should_see('Join or create a room by name')


async def test_over_the_message_rate_the_sender_is_told_and_keeps_the_text(user: User) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    for number in range(20):  # the burst (CHAT_MESSAGE_BURST)
        await send(user, f'burst {number}')
        await until(lambda: value_of(user, 'message-input') == '', what='sent (the input empty again)')
    await send(user, 'one too many')
    await user.should_see('Slow down: you can send again in 1 s.')  # then one a second (10 per 10 s)
    assert value_of(user, 'message-input') == 'one too many'


async def test_message_text_travels_as_a_child_element_of_the_bubble(user: User) -> None:
    """Browsers show only element children of a q-chat-message (Quasar drops bare text nodes and ignores the `text`
    prop when a default slot exists, which NiceGUI always passes), so the body must be a child's text."""
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    await send(user, 'visible in a real browser')
    client = user.client
    assert client is not None
    bubbles = await until(
        lambda: [e for e in client.layout.descendants() if e.tag == 'q-chat-message'], what='showing a message bubble'
    )
    texts = [child._text for bubble in bubbles for child in bubble.default_slot.children]
    assert 'visible in a real browser' in texts
    assert all(bubble._text is None for bubble in bubbles)


async def _online_names(user: User) -> list[str]:
    """The people the online list shows, in order (the light name element of each item)."""
    assert user.client is not None
    (container,) = [e for e in user.client.layout.descendants() if e.props.get('data-testid') == 'online-list']
    return [item.default_slot.children[1]._text for item in container.default_slot.children]


async def test_online_list_shows_a_few_then_show_more(monkeypatch, user: User, create_user) -> None:
    """A crowded room lists `CHAT_ONLINE_LIST_LIMIT` people (you first), counts the rest and lists them on demand;
    a shown person who leaves makes room for a hidden one."""
    monkeypatch.setattr(services().settings, 'online_list_limit', 2)
    await register(user, 'anna', display_name='Anna')
    others = {}
    for name in ('bob', 'carl', 'dora'):
        others[name] = create_user()
        await register(others[name], name, display_name=name.title())
    await open_room(others['dora'], 'Kitchen')
    await open_room(others['bob'], 'Kitchen')
    await open_room(user, 'Kitchen')  # present: Bob, Dora; Anna first, then name order
    assert await _online_names(user) == ['Anna (you)', 'Bob']
    await user.should_see('Show 1 more')
    await open_room(others['carl'], 'Kitchen')
    await user.should_see('Carl joined')
    assert await _online_names(user) == ['Anna (you)', 'Bob']
    await user.should_see('Show 2 more')

    assert others['bob'].client is not None
    others['bob'].client.delete()
    await user.should_see('Bob left')

    async def dora_moved_up() -> bool:
        return await _online_names(user) == ['Anna (you)', 'Dora']

    await until(dora_moved_up, what='Dora moved up into the list')
    await user.should_see('Show 1 more')
    by_testid(user, 'online-more').click()

    async def everyone() -> bool:
        return await _online_names(user) == ['Anna (you)', 'Dora', 'Carl']

    await until(everyone, what='everyone listed')
    await user.should_not_see(marker='online-more')
    whisper_to(user, 'carl')  # a listed person can be written to privately
    await user.should_see('Private message to Carl')


async def test_arrivals_in_a_row_share_one_notice(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    people = {}
    for name in ('bob', 'carl', 'dora', 'eve'):
        people[name] = create_user()
        await register(people[name], name, display_name=name.title())
    await open_room(people['bob'], 'Kitchen')
    await user.should_see('Bob joined')
    await open_room(people['carl'], 'Kitchen')
    await user.should_see('Bob and Carl joined')
    await open_room(people['dora'], 'Kitchen')
    await user.should_see('Bob, Carl and 1 more joined')
    await user.should_not_see('Bob and Carl joined')  # the same line, updated: not a second one
    await send(user, 'Welcome, all')
    # posted, not only typed: the input still shows the text until the post is through
    await until(lambda: value_of(user, 'message-input') == '', what='posted (the input empty again)')
    await user.should_see('Welcome, all')
    await open_room(people['eve'], 'Kitchen')  # after a message: a line of its own
    await user.should_see('Eve joined')
    await user.should_see('Bob, Carl and 1 more joined')
    assert people['dora'].client is not None and people['eve'].client is not None
    people['dora'].client.delete()
    await user.should_see('Dora left')
    people['eve'].client.delete()
    await user.should_see('Dora and Eve left')


async def test_a_name_with_quotes_cannot_inject_props_into_the_private_field(user: User, create_user) -> None:
    """NiceGUI's props strings run `:name=value` as JavaScript: a display name must never reach one."""
    evil = 'x" :onfocus="alert(1)//'
    await register(user, 'anna', display_name='Anna')
    mallory = create_user()
    await register(mallory, 'mallory', display_name=evil)
    await open_room(mallory, 'Kitchen')
    await open_room(user, 'Kitchen')
    whisper_to(user, 'mallory')
    await wait_for(user, 'private-input')
    (field,) = by_testid(user, 'private-input').elements
    assert field.props['placeholder'] == f'Private message to {evil}…'
    assert not [key for key in field.props if key.startswith(':') or key.startswith('on')]
