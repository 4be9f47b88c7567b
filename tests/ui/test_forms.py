"""Forms refuse what breaks a rule with the reason at the field, and keep what the person typed: nothing is cut."""

from nicegui.testing import User

from tests.ui.helpers import by_testid, people_in_room, register, services, wait_for, whisper_to

RUSSIAN = 'ru-RU,ru;q=0.9,en;q=0.5'


def field(person: User, testid: str):
    (element,) = by_testid(person, testid).elements
    return element


async def test_an_over_long_room_name_is_refused_at_the_field_and_kept(user: User) -> None:
    await register(user, 'anna')
    name = 'R' * 70
    by_testid(user, 'room-name').type(name).trigger('keydown.enter')
    await user.should_see('A room name has 1–64 characters.')
    room_name = field(user, 'room-name')
    assert room_name.value == name  # all 70 characters: the browser cut nothing
    assert room_name.props.get('error') is True
    assert room_name.props.get('error-message') == 'A room name has 1–64 characters.'
    assert 'maxlength' not in room_name.props
    assert 'A room name has 1–64 characters.' not in user.notify.messages  # at the field, not in a toast
    by_testid(user, 'room-name').type('!')  # typing again takes the reason away
    await user.should_not_see('A room name has 1–64 characters.')
    assert await services().rooms.directory() == []


async def test_an_over_long_room_name_is_refused_in_russian(user: User) -> None:
    user.http_client.headers['accept-language'] = RUSSIAN
    await register(user, 'anna', expect='Все комнаты')
    by_testid(user, 'room-name').type('Р' * 70).trigger('keydown.enter')
    await user.should_see('Название комнаты: от 1 до 64 символов.')
    assert field(user, 'room-name').value == 'Р' * 70


async def test_an_over_long_private_message_is_refused_and_kept(user: User, create_user) -> None:
    anna, bob = await people_in_room(user, create_user, ['Anna', 'Bob'])
    limit = services().settings.max_message_length
    text = 'w' * (limit + 10)
    whisper_to(anna, 'bob')
    await wait_for(anna, 'private-input')
    assert 'maxlength' not in field(anna, 'private-input').props
    by_testid(anna, 'private-input').type(text).trigger('keydown.enter')
    await anna.should_see(f'The message is too long: at most {limit:,} characters.')
    assert field(anna, 'private-input').value == text
    await bob.should_not_see('Anna (private)')
