"""Drive the app like a person: register, sign in, open rooms, type and press Enter."""

from __future__ import annotations

from nicegui import app, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction
from sqlmodel import Session

from chat.services import Services
from storage import rooms as room_queries
from storage import users as user_queries
from tests.waiting import until

PASSWORD = 'correct-horse'


def _matches(user: User, testid: str) -> set[ui.element]:
    """Looked for in the page's element tree, as a browser shows it (the speed layer lists shared elements without a
    listener in the tree only, not in the page's element table)."""
    if user.client is None:
        return set()
    shown = user.client.layout.descendants()
    return {e for e in shown if e.props.get('data-testid') == testid and not e.is_deleted}


def by_testid(user: User, testid: str) -> UserInteraction:
    """Elements carry a `data-testid` prop (the browser tests and the load generator use the same names)."""
    matches = _matches(user, testid)
    assert matches, f'no element with data-testid={testid}'
    return UserInteraction(user, matches, None)


def whisper_to(user: User, username: str) -> None:
    """Someone in the online list: their card, and on it the private note that is not saved."""
    by_testid(user, f'online-{username}').click()
    by_testid(user, 'profile-whisper').click()


def open_user_menu(user: User) -> None:
    """What opening the header's user menu does: its items are made the first time it opens."""
    by_testid(user, 'user-menu-items').trigger('beforeShow')


async def wait_for(user: User, testid: str, timeout: float = 10.0) -> UserInteraction:
    """Navigation is asynchronous: wait until the next page shows the element."""

    def where() -> str:
        page = user.back_history[-1] if user.back_history else None
        return f'showing data-testid={testid} (page {page}, notifications {user.notify.messages})'

    await until(lambda: _matches(user, testid), timeout, what=where)
    return by_testid(user, testid)


def value_of(user: User, testid: str) -> object:
    (element,) = by_testid(user, testid).elements
    return element.value  # type: ignore[attr-defined]


async def register(
    user: User, username: str, *, password: str = PASSWORD, display_name: str = '', expect: str = 'Browse rooms'
) -> None:
    await user.open('/register')
    by_testid(user, 'username').type(username)
    if display_name:
        by_testid(user, 'display-name').type(display_name)
    by_testid(user, 'password').type(password)
    by_testid(user, 'submit').click()
    await wait_for(user, 'room-list')
    await user.should_see(expect)
    await _known_time_zone(username)


async def _known_time_zone(username: str) -> None:
    """Room pages ask the browser for its time zone once per user (`run_javascript`); the simulation answers no
    JavaScript, and its outbox hook would point the one global `ui.navigate` at that user meanwhile. Browsers answer
    (tests/e2e), so here the user simply has a time zone already."""

    def work(session: Session) -> None:
        user = user_queries.by_username(session, username)
        assert user is not None
        user.time_zone = 'Europe/Moscow'
        user_queries.save(session, user)

    await services().db.run(work)


async def sign_in(user: User, username: str, password: str = PASSWORD) -> None:
    await user.open('/login')
    by_testid(user, 'username').type(username)
    by_testid(user, 'password').type(password)
    by_testid(user, 'submit').click()


async def open_room(user: User, name: str) -> None:
    """Creates a room through the home page's "join or create a room by name" field; an existing room is opened by
    its shared address. (In the simulation `ui.navigate` is one global that follows whichever simulated user was
    touched last, so several people navigating by handlers at once can race; browsers have no such race - the
    browser tests use the field for everyone.)"""
    existing = await services().db.run(room_queries.by_name, name)
    if existing is not None:
        await user.open(f'/room/{existing.id}')
    else:
        await user.open('/')
        by_testid(user, 'room-name').type(name).trigger('keydown.enter')
        try:
            await wait_for(user, 'message-input', timeout=5)
        except AssertionError:
            # the room was created but the simulation's global ui.navigate pointed at another simulated user (whose
            # page had just received an update); open the new room's address like that user would have been sent to
            created = await services().db.run(room_queries.by_name, name)
            assert created is not None, f'room {name} was not created'
            await user.open(f'/room/{created.id}')
    await wait_for(user, 'message-input')
    await user.should_see(name)


async def people_in_room(user: User, create_user, names: list[str], room: str = 'Kitchen') -> list[User]:
    """`user` and one more simulated user per further name, each registered (username = the name in lower case)
    and in `room`."""
    people = [user] + [create_user() for _ in names[1:]]
    for person, name in zip(people, names, strict=True):
        await register(person, name.lower(), display_name=name)
    for person in people:
        await open_room(person, room)
    return people


ENTER = 'keydown.enter.exact.prevent'  # the message field's Enter: without Shift (Shift+Enter is a new line)


async def send(user: User, text: str) -> None:
    by_testid(user, 'message-input').type(text).trigger(ENTER)


def services() -> Services:
    """The running app's services (main.py keeps them on app.state)."""
    return app.state.services


def room_id_of(person: User) -> int:
    """The id of the room the person's current page shows (from its address)."""
    return int(str(person.back_history[-1]).rsplit('/', 1)[-1])
