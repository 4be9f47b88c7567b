from nicegui.testing import User

from tests.ui.helpers import open_room, register, send


async def test_register_create_room_and_chat(user: User) -> None:
    await register(user, 'anna', display_name='Anna')
    await open_room(user, 'General')
    await send(user, 'Hello <b>world</b>')
    await user.should_see('Hello <b>world</b>')
