"""Arbitrary Unicode at every service entry point that takes text.

Each input is either accepted and read back exactly (trimmed where the rule says so) or refused with a ChatError
whose key is in the translation table; nothing else is raised, and nothing is stored or published half-way.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chat import validation
from chat.errors import ChatError, Conflict
from chat.events import MessagePosted
from chat.hub import LOBBY, private_topic, room_topic
from chat.i18n import LANGUAGES, TRANSLATIONS, translate
from chat.services import Services, build
from chat.settings import Settings
from models import Message, Room, User
from storage import users as user_queries
from tests.unit.helpers import PASSWORD, Recorder, add_user, count_rows

T = TypeVar('T')
# The examples do database I/O whose time depends on how busy the machine is: no deadline, no too_slow health check.
# Each test asserts at the end that both outcomes (accepted, refused) occurred; its @example inputs cover both, so
# that check does not depend on the random draw (60 random examples alone miss one side about once in 150 runs).
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

NASTY = [
    '\x00',
    '\x07',
    '\x08',
    '\x1b[31m',
    '\x7f',
    '\x85',
    '\x9b',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\x0b',
    '\x0c',
    ' ',
    '\xa0',
    '\u3000',
    '\u200b',
    '\u200c',
    '\u200d',
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2028',
    '\u2029',
    '\ufeff',
    '\ufffd',
    '\ud800',
    '\udfff',
    '\ud83d',
    '👩‍👩‍👧‍👦',
    '🏳️‍🌈',
    '🙂',
    'ß',
    'İ',
    'ΐ',
    'ﬃ',
    'Σ',
    'é',
    'é',
    'Привет',
    'مرحبا',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE message; --",
    'javascript:alert(1)',
    '{name}',
    '{0}',
    '%s',
    '%(x)s',
    '\\',
    '`',
    '${x}',
    'abc',
    'Anna_1.b-c',
    '.',
    '-',
    '_',
]
NAME_CHARS = 'abcXYZ019_.-'
PRINTABLE = st.characters(exclude_categories=['Cc', 'Cs', 'Zl', 'Zp'])
pieces = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=8),
    st.text(st.characters(categories=['Cc', 'Cf', 'Cs', 'Zs', 'Zl', 'Zp', 'Mn']), max_size=4),
    st.text(NAME_CHARS, min_size=1, max_size=12),
)
text = st.lists(pieces, max_size=12).map(''.join)
huge = st.builds(
    lambda n, char, pad: pad + char * n + pad,
    st.sampled_from([39, 40, 41, 63, 64, 65, 3999, 4000, 4001, 20_000]),
    st.sampled_from(['a', 'ß', '🙂', '\u200d', ' ', '\n', 'Я']),
    st.sampled_from(['', ' ', '\n']),
)
anything = st.one_of(text, text, text, huge)


def check_refusal(error: ChatError) -> None:
    assert error.key in TRANSLATIONS, f'untranslated error key {error.key!r}'
    for language in LANGUAGES:
        translate(language, error.key, **error.params)  # every placeholder has its parameter


async def attempt(call: Awaitable[T]) -> T | ChatError:
    """The result, or the ChatError; anything else escapes and fails the test."""
    try:
        return await call
    except ChatError as error:
        check_refusal(error)
        return error


@contextmanager
def running(tmp_path: Path, **overrides: Any) -> Iterator[tuple[Callable[[Awaitable[T]], T], Services]]:
    """Real services on a real SQLite file, driven from a synchronous hypothesis test through one event loop.

    The limits are raised so that examples exercise the rules rather than the rates (the rates have their own
    tests)."""
    limits: dict[str, Any] = {
        'message_burst': 1_000_000,
        'message_rate': 1_000_000,
        'room_create_rate': 1_000_000,
        'register_rate': 1_000_000,
        'login_max_failures': 1_000_000,
    }
    with asyncio.Runner() as runner:
        services = build(Settings(data_dir=tmp_path / 'properties', **(limits | overrides)))
        services.migrate()
        runner.run(services.start())
        try:
            yield runner.run, services  # type: ignore[misc]
        finally:
            runner.run(services.stop())


def trimmed(value: str) -> str:
    return value.strip()


# --- accounts -----------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures('cheap_hashing')
def test_register_and_sign_in(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(
            username=st.one_of(
                anything,
                st.text(NAME_CHARS, min_size=1, max_size=40),
                st.text(NAME_CHARS, min_size=3, max_size=32).map(lambda name: f' {name}\n'),
            ),
            password=st.one_of(anything, anything.map(lambda password: password + '12345678')),
            display_name=st.one_of(anything, st.just(''), st.text(PRINTABLE, max_size=45)),
        )
        @example(username=' Anna.B-1 ', password='pass\x00 word 🙂', display_name=' <b>Анна</b> ')
        @example(username='\ud800', password='password', display_name='')
        def check(username: str, password: str, display_name: str) -> None:
            users_before = run(count_rows(services, User))
            result = run(attempt(services.accounts.register(username, password, display_name)))
            users_after = run(count_rows(services, User))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if isinstance(result, ChatError):
                assert users_after == users_before
                if isinstance(result, Conflict) and result.key == 'username_taken':  # in some case, by an earlier one
                    assert run(services.db.run(user_queries.by_username, trimmed(username))) is not None
                elif isinstance(result, Conflict):  # a name that looks like an earlier example's (chat/names.py)
                    assert result.key in ('username_confusable', 'display_name_confusable')
                return
            assert users_after == users_before + 1
            assert result.username == trimmed(username)
            assert result.display_name == (trimmed(display_name) or trimmed(username))
            assert run(services.accounts.get(result.id)) == result
            assert run(services.accounts.authenticate(username, password)) == result  # the password, exactly
            wrong = run(attempt(services.accounts.authenticate(username, password + 'x')))
            assert isinstance(wrong, ChatError) and wrong.key == 'login_failed'

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


@pytest.mark.usefixtures('cheap_hashing')
def test_sign_in_with_anything(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        anna = run(add_user(services, 'anna'))
        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(
            username=st.one_of(anything, st.sampled_from(['anna', ' ANNA ', 'Anna\t'])),
            password=st.one_of(anything, st.sampled_from([PASSWORD, PASSWORD + '\x00', PASSWORD.upper()])),
        )
        @example(username='anna', password='\ud800' * 9)
        @example(username='\ud800', password='x' * 5000)
        @example(username=' Anna\n', password=PASSWORD)
        def check(username: str, password: str) -> None:
            result = run(attempt(services.accounts.authenticate(username, password)))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if username.strip().lower() == 'anna' and password == PASSWORD:
                assert result == anna
            else:
                assert isinstance(result, ChatError) and result.key == 'login_failed'
            assert run(services.accounts.get(anna.id)) == anna

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


def test_set_display_name(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        anna = run(add_user(services, 'anna'))
        recorder = Recorder().listen(services.hub, 'profiles')

        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(name=anything)
        @example(name='  Анна 🙂 <i>x</i> ')
        @example(name='\u2028')
        def check(name: str) -> None:
            before = run(services.accounts.get(anna.id))
            published = recorder.total()
            result = run(attempt(services.accounts.set_display_name(anna, name)))
            after = run(services.accounts.get(anna.id))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if isinstance(result, ChatError):
                assert after == before and recorder.total() == published
                return
            assert result.display_name == after.display_name == trimmed(name) == validation.display_name(name)
            assert recorder.total() == published + 1

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


# --- rooms --------------------------------------------------------------------------------------------------------


def test_create_and_open_rooms(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        anna = run(add_user(services, 'anna'))
        recorder = Recorder().listen(services.hub, LOBBY)

        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(name=anything, by_name=st.booleans())
        @example(name=' Привет 👩‍👩‍👧 ', by_name=False)
        @example(name='a\x00', by_name=True)
        def check(name: str, by_name: bool) -> None:
            rooms_before = run(count_rows(services, Room))
            published = recorder.total()
            call = services.rooms.open_by_name(anna, name) if by_name else services.rooms.create(anna, name)
            result = run(attempt(call))
            rooms_after = run(count_rows(services, Room))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if isinstance(result, ChatError):
                assert rooms_after == rooms_before and recorder.total() == published
                return
            room, created = result if isinstance(result, tuple) else (result, True)
            assert rooms_after == rooms_before + created
            assert recorder.total() == published + created
            stored = run(services.rooms.get(room.id))
            assert stored == room
            if created:
                assert room.name == trimmed(name) == validation.room_name(name)
            else:
                assert room.name.casefold() == trimmed(name).casefold()

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


def test_rename_room(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        anna = run(add_user(services, 'anna'))
        room = run(services.rooms.create(anna, 'General'))
        run(services.rooms.create(anna, 'Taken'))
        recorder = Recorder().listen(services.hub, room_topic(room.id))

        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(name=st.one_of(anything, st.sampled_from(['taken', ' TAKEN', 'general'])))
        @example(name=' \u202eRTL 🙂 ')
        @example(name='TAKEN')
        def check(name: str) -> None:
            before = run(services.rooms.get(room.id))
            published = recorder.total()
            result = run(attempt(services.rooms.rename(anna, room.id, name)))
            after = run(services.rooms.get(room.id))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if isinstance(result, ChatError):
                assert after == before and recorder.total() == published
                return
            assert result == after
            assert after.name == trimmed(name) == validation.room_name(name)
            assert recorder.total() == published + 1

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


# --- messages -----------------------------------------------------------------------------------------------------


def expected_body(value: str) -> str:
    return value.replace('\r\n', '\n').replace('\r', '\n').strip()


def test_post(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        anna = run(add_user(services, 'anna'))
        room = run(services.rooms.create(anna, 'General'))
        recorder = Recorder().listen(services.hub, room_topic(room.id))

        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(body=anything)
        @example(body=' <script>alert(1)</script>\r\n\u202e ')
        @example(body='\x1b[2J')
        def check(body: str) -> None:
            count_before = run(count_rows(services, Message))
            published = recorder.total()
            result = run(attempt(services.messages.post(anna, room.id, body)))
            count_after = run(count_rows(services, Message))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if isinstance(result, ChatError):
                assert count_after == count_before and recorder.total() == published
                return
            assert count_after == count_before + 1
            assert result.body == expected_body(body) == validation.message_body(body, 4000)
            newest = run(services.messages.history(room.id))[-1]
            assert (newest.id, newest.body, newest.author) == (result.id, result.body, anna)
            assert recorder.of(room_topic(room.id))[-1] == MessagePosted(result)

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


def test_whisper(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        anna = run(add_user(services, 'anna'))
        boris = run(add_user(services, 'boris'))
        room = run(services.rooms.create(anna, 'General'))
        run(services.rooms.enter(boris, room.id, 'tab'))
        private = Recorder().listen(services.hub, private_topic(room.id, anna.id), private_topic(room.id, boris.id))
        public = Recorder().listen(services.hub, room_topic(room.id), LOBBY)

        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(body=anything)
        @example(body=' <script>alert(1)</script>\r\n\u202e ')
        @example(body='\x1b[2J')
        def check(body: str) -> None:
            published = private.total()
            result = run(attempt(services.messages.whisper(anna, room.id, boris, body)))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if isinstance(result, ChatError):
                assert private.total() == published
            else:
                assert result.body == expected_body(body) == validation.message_body(body, 4000)
                assert private.of(private_topic(room.id, boris.id))[-1] == result
                assert private.of(private_topic(room.id, anna.id))[-1] == result
                assert private.total() == published + 2
            assert public.total() == 0
            assert run(count_rows(services, Message)) == 0

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


@pytest.mark.usefixtures('cheap_hashing')
def test_change_password(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        actor = [run(add_user(services, 'anna'))]
        current = [PASSWORD]
        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(new=st.one_of(anything, anything.map(lambda password: password + '12345678')))
        @example(new='\ud800' * 8)
        @example(new=' \u202e пароль 🙂 \x00 ')
        def check(new: str) -> None:
            result = run(attempt(services.accounts.change_password(actor[0], current[0], new)))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            if isinstance(result, ChatError):
                assert run(services.accounts.require(actor[0])) == actor[0]  # nothing changed
            else:
                assert result.session_version == actor[0].session_version + 1
                actor[0], current[0] = result, new
            assert run(services.accounts.authenticate('anna', current[0])) == actor[0]  # exactly as typed

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes


def test_language_and_time_zone(tmp_path: Path) -> None:
    with running(tmp_path) as (run, services):
        anna = run(add_user(services, 'anna'))
        outcomes: Counter[str] = Counter()

        @PROPERTY
        @given(
            value=st.one_of(
                anything,
                st.sampled_from(
                    [
                        'en',
                        'ru',
                        'Europe/Moscow',
                        'UTC',
                        'America/New_York',
                        '../../etc/passwd',
                        '/etc/localtime',
                        'Europe//Moscow',
                    ]
                ),
            ),
            which=st.sampled_from(['language', 'time_zone']),
        )
        @example(value='ru', which='language')  # both outcomes every run, so the check after the loop never flakes
        @example(value='Europe/Moscow', which='time_zone')
        @example(value='Europe/Moscow', which='language')
        @example(value='../../etc/passwd', which='time_zone')
        def check(value: str, which: str) -> None:
            before = run(services.accounts.get(anna.id))
            setter = services.accounts.set_language if which == 'language' else services.accounts.set_time_zone
            result = run(attempt(setter(anna, value)))
            outcomes[type(result).__name__ if isinstance(result, ChatError) else 'accepted'] += 1
            after = run(services.accounts.get(anna.id))
            if isinstance(result, ChatError):
                assert after == before
            else:
                assert getattr(after, which) == value

        check()
        assert outcomes['accepted'] and sum(outcomes.values()) > outcomes['accepted'], outcomes
