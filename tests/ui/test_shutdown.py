"""The server begins a graceful stop (as on SIGTERM, pages/shutdown.py): every open page is told in its language that
the server is restarting, a message sent now is refused with that reason and stays in the field, nobody else sees it,
and a new page request gets 503 with Retry-After."""

from __future__ import annotations

from nicegui import app
from nicegui.testing import User

from tests.ui.helpers import by_testid, open_room, register, send, value_of, wait_for

NOTICE_EN = 'The server is restarting. This page reconnects by itself in a moment.'
NOTICE_RU = 'Сервер перезапускается. Страница переподключится сама через несколько секунд.'
REFUSED_EN = 'The server is restarting, so the message was not sent.'


async def test_stop_tells_every_page_and_refuses_new_posts_and_pages(user: User, create_user) -> None:
    await register(user, 'anna', display_name='Anna')
    boris = create_user()
    boris.http_client.headers['accept-language'] = 'ru-RU,ru;q=0.9'
    await register(boris, 'boris', display_name='Boris', expect='Все комнаты')
    await open_room(user, 'Kitchen')
    await open_room(boris, 'Kitchen')
    await send(user, 'before the stop')
    await boris.should_see('before the stop')

    app.state.graceful.begin()

    await user.should_see(NOTICE_EN)
    await boris.should_see(NOTICE_RU)
    await send(user, 'typed while it stops')
    await wait_for(user, 'send-error')
    await user.should_see(REFUSED_EN, retries=30)
    assert value_of(user, 'message-input') == 'typed while it stops'  # kept for after the restart
    await boris.should_not_see('typed while it stops')

    page = await boris.http_client.get('/login')
    assert page.status_code == 503
    assert int(page.headers['retry-after']) > 0
    assert 'перезапускается' in page.text
    assert by_testid(boris, 'message-input')  # the open page itself stays until its socket closes


async def test_the_services_stop_after_every_task_that_uses_them(user: User) -> None:
    """NiceGUI runs shutdown handlers in the order they were added. A page-level task stopped after the database had
    closed (the session sweep) could ask it in between and fail with "cannot schedule new futures after shutdown"."""
    handlers = app._shutdown_handlers  # pylint: disable=protected-access
    assert handlers.index(app.state.services.stop) > handlers.index(app.state.session_watch.stop)
