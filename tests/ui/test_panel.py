"""Control panel: profile name and avatar, password, and room management with ownership."""

import io

import pytest
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from chat.errors import PermissionDenied
from chat.views import UserView
from tests.ui import images
from tests.ui.helpers import (
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


async def _upload(person: User, name: str, content_type: str, data: bytes) -> None:
    (uploader,) = by_testid(person, 'avatar-upload').elements
    assert isinstance(uploader, ui.upload)
    with person.client:  # type: ignore[union-attr]
        await uploader.handle_uploads([SmallFileUpload(name, content_type, data)])


async def _avatar_set(user_id: int) -> UserView:
    """The upload handler runs as a task (image work in a thread): wait until the new avatar is stored."""

    async def stored() -> UserView | None:
        person = await services().accounts.get(user_id)
        return person if person.avatar else None

    return await until(stored, what='the avatar stored')


async def test_rename_seen_live_in_the_room_and_on_the_home_page(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    bob, carl = create_user(), create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    await register(carl, 'carl')
    await carl.should_see('Kitchen')
    await user.open('/panel')
    await wait_for(user, f'rename-{room_id}')
    by_testid(user, f'rename-{room_id}').clear().type('Cosy kitchen')
    by_testid(user, f'rename-save-{room_id}').click()
    # the acting user first: the simulation routes ui.notify to the user used last
    await user.should_see('Room renamed to “Cosy kitchen”.')
    await bob.should_see('The room is now called “Cosy kitchen”.')
    await carl.should_see('Cosy kitchen')


async def test_rename_clash_says_why(user: User) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    await open_room(user, 'Garden')
    await user.open('/panel')
    await wait_for(user, f'rename-{room_id}')
    by_testid(user, f'rename-{room_id}').clear().type('GARDEN')
    by_testid(user, f'rename-save-{room_id}').click()
    await user.should_see('A room named “GARDEN” already exists.')


async def test_delete_tells_the_people_inside_why_and_lets_them_stay(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    bob = create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    went: list[str] = []
    bob.navigate.to = lambda target, new_tab=False: went.append(str(target))  # type: ignore[method-assign]
    await user.open('/panel')
    await wait_for(user, f'delete-{room_id}')
    by_testid(user, f'delete-{room_id}').click()
    await user.should_see('Delete the room “Kitchen” with all its messages?')
    by_testid(user, 'confirm-delete').click()
    await user.should_see('Room “Kitchen” deleted.')
    # Bob's page says why, offers the way back and stays where it is: nothing sends him on before he has read it
    await bob.should_see('The room “Kitchen” was deleted.')
    await bob.should_see('All rooms')
    (link,) = by_testid(bob, 'page-gone-link').elements
    assert (link.text, link.props.get('href')) == ('All rooms', '/')  # type: ignore[attr-defined]
    assert went == []
    assert str(bob.back_history[-1]) == f'/room/{room_id}'
    await bob.should_not_see(marker='message-input')
    await bob.open('/')
    await bob.should_see('No rooms yet. Create the first one!')


async def test_non_owner_is_refused_by_the_service_and_sees_no_controls(user: User, create_user) -> None:
    await register(user, 'anna')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    bob = create_user()
    await register(bob, 'bob')
    await bob.open('/panel')
    await bob.should_see('You own no rooms yet.')
    bob_view = await services().accounts.get(2)
    with pytest.raises(PermissionDenied):
        await services().rooms.rename(bob_view, room_id, 'Mine now')
    with pytest.raises(PermissionDenied):
        await services().rooms.delete(bob_view, room_id)
    assert (await services().rooms.get(room_id)).name == 'Kitchen'


async def test_display_name_change_is_seen_live(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    await send(user, 'hello from Anna')
    bob = create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    await bob.should_see('hello from Anna')
    await user.open('/panel')
    await wait_for(user, 'profile-display-name')
    by_testid(user, 'profile-display-name').clear().type('Anna K.')
    by_testid(user, 'save-display-name').click()
    await user.should_see('Saved.')
    await bob.should_see('Anna K.')  # the author of her message in the open feed, and the online list


def _field_error(person: User, testid: str) -> str | None:
    """The reason shown under a field (Quasar's `error-message`, shown while `error` is set)."""
    (field,) = by_testid(person, testid).elements
    return field.props.get('error-message') if field.props.get('error') else None


@pytest.mark.parametrize(
    ('accept_language', 'reason'),
    [('en', 'A display name has 1–40 characters.'), ('ru', 'Отображаемое имя: от 1 до 40 символов.')],
)
async def test_display_name_rules_are_shown_at_the_field(user: User, accept_language: str, reason: str) -> None:
    user.http_client.headers['accept-language'] = accept_language
    await register(user, 'anna', expect='Browse rooms' if accept_language == 'en' else 'Все комнаты')
    await user.open('/panel')
    await wait_for(user, 'profile-display-name')
    by_testid(user, 'profile-display-name').clear().type('x' * 41)  # nothing cuts the 41st character off
    by_testid(user, 'save-display-name').click()
    await user.should_see(reason)
    assert _field_error(user, 'profile-display-name') == reason
    assert value_of(user, 'profile-display-name') == 'x' * 41
    assert reason not in user.notify.messages  # at the field, not in a toast
    by_testid(user, 'profile-display-name').type('!')
    assert _field_error(user, 'profile-display-name') is None
    by_testid(user, 'profile-display-name').clear().type('Anna')
    by_testid(user, 'save-display-name').click()
    await user.should_see('Saved.' if accept_language == 'en' else 'Сохранено.')


@pytest.mark.parametrize(
    ('accept_language', 'reason'),
    [('en', 'A room name has 1–64 characters.'), ('ru', 'Название комнаты: от 1 до 64 символов.')],
)
async def test_room_name_rules_are_shown_at_the_field(user: User, accept_language: str, reason: str) -> None:
    user.http_client.headers['accept-language'] = accept_language
    await register(user, 'anna', expect='Browse rooms' if accept_language == 'en' else 'Все комнаты')
    await open_room(user, 'Kitchen')
    room_id = room_id_of(user)
    await user.open('/panel')
    await wait_for(user, f'rename-{room_id}')
    long_name = 'K' * 70
    by_testid(user, f'rename-{room_id}').clear().type(long_name)
    by_testid(user, f'rename-save-{room_id}').click()
    await user.should_see(reason)
    assert _field_error(user, f'rename-{room_id}') == reason
    assert value_of(user, f'rename-{room_id}') == long_name
    by_testid(user, 'panel-new-room').type(long_name).trigger('keydown.enter')
    await until(lambda: _field_error(user, 'panel-new-room') == reason, what='the new room field saying why')
    assert value_of(user, 'panel-new-room') == long_name
    assert reason not in user.notify.messages
    assert (await services().rooms.get(room_id)).name == 'Kitchen'


@pytest.mark.parametrize(
    ('name', 'content_type', 'data'),
    [
        ('green.png', 'image/png', images.png()),
        ('photo.jpg', 'image/jpeg', images.jpeg_with_orientation()),
    ],
)
async def test_avatar_upload_accepted_resized_and_shown_to_others(
    user: User, create_user, name: str, content_type: str, data: bytes
) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'Kitchen')
    bob = create_user()
    await register(bob, 'bob')
    await open_room(bob, 'Kitchen')
    await user.open('/panel')
    await wait_for(user, 'avatar-upload')
    await _upload(user, name, content_type, data)
    anna = await _avatar_set(1)
    (preview,) = by_testid(user, 'avatar-preview').elements
    # stored first, then shown: the page's part runs when the database's answer is back in the event loop
    await until(lambda: preview.source == anna.avatar_url, what='the new avatar in the preview')  # type: ignore[attr-defined]
    assert anna.avatar and anna.avatar.endswith('.webp')
    stored = services().settings.media_path / anna.avatar
    image = Image.open(io.BytesIO(stored.read_bytes()))
    assert image.size == (256, 256) and image.format == 'WEBP'
    assert not image.getexif()
    if name == 'photo.jpg':  # rotated by EXIF: the red and blue halves are now on top of each other
        top, bottom = image.convert('RGB').getpixel((128, 20)), image.convert('RGB').getpixel((128, 236))
        assert top[0] > 150 > top[2] or top[2] > 150 > top[0]
        assert (top[0] > top[2]) != (bottom[0] > bottom[2])
    bob_page = bob.client
    assert bob_page is not None  # the online list's avatars are <img> elements
    await until(
        lambda: anna.avatar_url in {e.props.get('src') for e in bob_page.layout.descendants() if e.tag == 'img'},
        what="showing Anna's new avatar to Bob",
    )


@pytest.mark.parametrize(
    ('name', 'content_type', 'data', 'message'),
    [
        ('notes.png', 'image/png', b'just some text, not an image', 'This file is not a readable image'),
        ('broken.png', 'image/png', images.truncated_png(), 'This file is not a readable image'),
        ('bomb.png', 'image/png', images.bomb_png(), 'The image has too many pixels (at most 16\xa0megapixels).'),
        ('huge.png', 'image/png', b'\x89PNG' + b'0' * (5 * 2**20 + 1), 'The image is too large: at most 5\xa0MB.'),
    ],
)
async def test_bad_avatar_uploads_are_refused_with_a_reason(
    user: User, name: str, content_type: str, data: bytes, message: str
) -> None:
    await register(user, 'anna')
    await user.open('/panel')
    await wait_for(user, 'avatar-upload')
    await _upload(user, name, content_type, data)
    await user.should_see(message)
    assert (await services().accounts.get(1)).avatar is None


async def test_remove_avatar_returns_to_the_default(user: User) -> None:
    await register(user, 'anna')
    await user.open('/panel')
    await wait_for(user, 'avatar-upload')
    await _upload(user, 'a.png', 'image/png', images.png())
    await user.should_see('Your new avatar is saved.')
    by_testid(user, 'remove-avatar').click()
    (preview,) = by_testid(user, 'avatar-preview').elements
    await until(
        lambda: preview.source == '/avatars/default/anna.png',  # type: ignore[attr-defined]
        what='showing the default avatar',
    )


async def test_password_change_signs_out_other_sessions(user: User, create_user) -> None:
    await register(user, 'anna')
    other_browser = create_user()
    await sign_in(other_browser, 'anna')
    await wait_for(other_browser, 'room-list')
    await user.open('/panel')
    await wait_for(user, 'current-password')
    by_testid(user, 'current-password').type('correct-horse')
    by_testid(user, 'new-password').type('battery-staple')
    by_testid(user, 'change-password').click()
    await user.should_see('Password changed. Your other sessions are signed out.', retries=50)  # two argon2 runs
    await other_browser.should_see('Your session has ended. Please sign in again.')
    await other_browser.open('/')
    await other_browser.should_see('Sign in')
    await user.open('/')
    await wait_for(user, 'room-list')  # this session stays signed in


async def test_wrong_current_password_is_refused(user: User) -> None:
    await register(user, 'anna')
    await user.open('/panel')
    await wait_for(user, 'current-password')
    by_testid(user, 'current-password').type('not-my-password')
    by_testid(user, 'new-password').type('battery-staple')
    by_testid(user, 'change-password').click()
    await user.should_see('The current password is wrong.', retries=50)
    assert _field_error(user, 'current-password') == 'The current password is wrong.'
    assert _field_error(user, 'new-password') is None


async def test_a_short_new_password_is_refused_at_its_field_in_russian(user: User) -> None:
    user.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(user, 'anna', expect='Все комнаты')
    await user.open('/panel')
    await wait_for(user, 'current-password')
    by_testid(user, 'current-password').type('correct-horse')
    by_testid(user, 'new-password').type('short')
    by_testid(user, 'change-password').click()
    await user.should_see('Пароль должен быть не короче 8 символов.')
    assert _field_error(user, 'new-password') == 'Пароль должен быть не короче 8 символов.'
    assert _field_error(user, 'current-password') is None
