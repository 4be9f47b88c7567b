"""Registration, sign-in, lockouts, password hashes and sessions, on the real services and database."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from passlib.hash import argon2, bcrypt
from sqlmodel import Session

from chat import passwords
from chat.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, RateLimited
from chat.events import ProfileChanged, SessionEnded
from chat.hub import PROFILES, user_topic
from chat.services import Services
from models import Message, User
from storage import users as user_queries
from tests.unit.conftest import ServicesFactory
from tests.unit.helpers import PASSWORD, Recorder, add_user, count_rows, execute
from tests.waiting import until


async def stored_hash(services: Services, user_id: int) -> str:
    def work(session: Session) -> str:
        user = user_queries.by_id(session, user_id)
        assert user is not None
        return user.password_hash

    return await services.db.run(work)


# --- registration -------------------------------------------------------------------------------------------------


async def test_register_stores_an_argon2_hash_and_signs_in(services: Services) -> None:
    anna = await services.accounts.register('Anna.K', 'password1', '  Anna K  ')
    assert (anna.username, anna.display_name, anna.is_admin, anna.session_version) == ('Anna.K', 'Anna K', False, 0)
    password_hash = await stored_hash(services, anna.id)
    assert password_hash.startswith('$argon2id$')
    assert not passwords._context.needs_update(password_hash)  # the app's full parameters
    assert argon2.from_string(password_hash).memory_cost >= 65536
    assert 'password1' not in password_hash
    assert await services.accounts.authenticate('anna.k', 'password1') == anna  # the name in any case
    assert await services.accounts.authenticate('  ANNA.K ', 'password1') == anna


@pytest.mark.usefixtures('cheap_hashing')
async def test_display_name_defaults_to_the_username(services: Services) -> None:
    assert (await services.accounts.register('boris', 'password1')).display_name == 'boris'
    assert (await services.accounts.register('vera', 'password1', '   ')).display_name == 'vera'


@pytest.mark.parametrize(
    ('username', 'password', 'display_name', 'key'),
    [
        ('ab', 'password1', '', 'username_invalid'),
        ('a' * 33, 'password1', '', 'username_invalid'),
        ('anna smith', 'password1', '', 'username_invalid'),
        ('анна', 'password1', '', 'username_invalid'),
        ('anna', '1234567', '', 'password_too_short'),
        ('anna', 'p' * 1025, '', 'password_too_long'),
        ('anna', 'password1', 'x' * 41, 'display_name_length'),
        ('anna', 'password1', 'Anna\nK', 'display_name_invalid'),
    ],
)
async def test_register_refuses_bad_input_and_stores_nothing(
    services: Services, username: str, password: str, display_name: str, key: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        await services.accounts.register(username, password, display_name)
    assert info.value.key == key
    assert await count_rows(services, User) == 0


@pytest.mark.parametrize(
    ('username', 'password', 'refusal'),
    [
        ('ab', 'password1', 'username_invalid'),  # 2 characters: one too few
        ('abc', 'password1', None),  # 3: the shortest name
        (' abc\t', 'password1', None),  # surrounding white space is trimmed before counting
        ('a' * 32, 'password1', None),  # 32: the longest name
        ('a' * 33, 'password1', 'username_invalid'),
        ('Az09_.-', 'password1', None),  # every kind of character a name may hold
        ('anna!', 'password1', 'username_invalid'),
        ('anna', '1234567', 'password_too_short'),  # 7 characters: one too few
        ('anna', '12345678', None),  # 8: the shortest password
        ('anna', 'p' * 1024, None),  # the longest password
        ('anna', 'p' * 1025, 'password_too_long'),
    ],
)
@pytest.mark.usefixtures('cheap_hashing')
async def test_username_boundaries(services: Services, username: str, password: str, refusal: str | None) -> None:
    """Each limit of the name and password rules from both sides: accepted (and then signing in works), or refused
    with the rule's own error key and nothing stored."""
    if refusal is not None:
        with pytest.raises(InvalidInput) as info:
            await services.accounts.register(username, password)
        assert info.value.key == refusal
        assert await count_rows(services, User) == 0
        return
    user = await services.accounts.register(username, password)
    assert user.username == username.strip()
    assert await count_rows(services, User) == 1
    assert await services.accounts.authenticate(username.strip(), password) == user


@pytest.mark.usefixtures('cheap_hashing')
async def test_usernames_are_unique_regardless_of_case(services: Services) -> None:
    await services.accounts.register('Anna', 'password1')
    for clash in ['anna', 'ANNA', ' aNnA ']:
        with pytest.raises(Conflict) as info:
            await services.accounts.register(clash, 'password2')
        assert info.value.key == 'username_taken'
    assert await count_rows(services, User) == 1


@pytest.mark.usefixtures('cheap_hashing')
async def test_registration_rate_per_address(make_services: ServicesFactory) -> None:
    services = await make_services(register_rate=2)
    await services.accounts.register('user1', 'password1', client='10.0.0.1')
    with pytest.raises(InvalidInput):  # a refused registration does not count
        await services.accounts.register('x', 'password1', client='10.0.0.1')
    await services.accounts.register('user2', 'password1', client='10.0.0.1')
    with pytest.raises(RateLimited) as info:
        await services.accounts.register('user3', 'password1', client='10.0.0.1')
    assert info.value.key == 'rate_registrations'
    assert 0 < info.value.params['seconds'] <= 3601
    await services.accounts.register('user3', 'password1', client='10.0.0.2')  # another address is fine
    assert await count_rows(services, User) == 3


# --- sign-in ------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures('cheap_hashing')
async def test_wrong_password_and_unknown_user_fail_alike(services: Services) -> None:
    await add_user(services, 'anna')
    failures = []
    for username, password in [('anna', 'wrong-password'), ('nobody', PASSWORD), ('anna', ''), ('', '')]:
        with pytest.raises(InvalidInput) as info:
            await services.accounts.authenticate(username, password)
        failures.append((type(info.value), info.value.key, tuple(info.value.params.items()), str(info.value)))
    assert len(set(failures)) == 1
    assert failures[0][1] == 'login_failed'


@pytest.mark.usefixtures('cheap_hashing')
async def test_lockout_after_five_failures_for_one_username(services: Services) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    for attempt in range(5):
        with pytest.raises(InvalidInput):
            await services.accounts.authenticate('anna', 'wrong-password', client=f'10.0.0.{attempt}')
    with pytest.raises(RateLimited) as info:  # even the right password now waits, from any address
        await services.accounts.authenticate('ANNA', PASSWORD, client='10.9.9.9')
    assert info.value.key == 'rate_login'
    assert 0 < info.value.params['seconds'] <= 15 * 60 + 1
    assert await services.accounts.authenticate('boris', PASSWORD, client='10.0.0.1') == boris
    assert anna.id != boris.id


@pytest.mark.usefixtures('cheap_hashing')
async def test_lockout_after_five_failures_from_one_address(services: Services) -> None:
    anna = await add_user(services, 'anna')
    for attempt in range(5):
        with pytest.raises(InvalidInput):
            await services.accounts.authenticate(f'guess{attempt}', 'wrong-password', client='10.6.6.6')
    with pytest.raises(RateLimited):
        await services.accounts.authenticate('anna', PASSWORD, client='10.6.6.6')
    assert await services.accounts.authenticate('anna', PASSWORD, client='10.0.0.2') == anna


@pytest.mark.usefixtures('cheap_hashing')
async def test_success_resets_the_failures(services: Services) -> None:
    anna = await add_user(services, 'anna')
    for _ in range(4):
        with pytest.raises(InvalidInput):
            await services.accounts.authenticate('anna', 'wrong-password', client='10.0.0.1')
    assert await services.accounts.authenticate('anna', PASSWORD, client='10.0.0.1') == anna
    for _ in range(4):
        with pytest.raises(InvalidInput):
            await services.accounts.authenticate('anna', 'wrong-password', client='10.0.0.1')
    assert await services.accounts.authenticate('anna', PASSWORD, client='10.0.0.1') == anna


@pytest.mark.usefixtures('cheap_hashing')
async def test_lockout_ends_after_its_window(make_services: ServicesFactory) -> None:
    services = await make_services(login_max_failures=2, login_lockout_window=1.0)
    anna = await add_user(services, 'anna')
    for _ in range(2):
        with pytest.raises(InvalidInput):
            await services.accounts.authenticate('anna', 'wrong-password')
    with pytest.raises(RateLimited):
        await services.accounts.authenticate('anna', PASSWORD)
    wait = services.accounts.login_failures.retry_after('user:anna')  # what is left of the window
    assert 0 < wait <= 1.0
    await asyncio.sleep(wait + 0.05)  # the window passing is the point: nothing to poll without failing again
    assert await services.accounts.authenticate('anna', PASSWORD) == anna


async def test_an_old_bcrypt_hash_verifies_and_is_upgraded_to_argon2(services: Services) -> None:
    anna = await add_user(services, 'anna')
    legacy = bcrypt.using(rounds=4).hash(PASSWORD)
    await execute(services, f'UPDATE "user" SET password_hash = \'{legacy}\' WHERE id = {anna.id}')
    assert (await stored_hash(services, anna.id)).startswith('$2b$')
    with pytest.raises(InvalidInput):
        await services.accounts.authenticate('anna', 'wrong-password')
    with pytest.raises(InvalidInput):  # bcrypt refuses NUL bytes: still just a failed sign-in
        await services.accounts.authenticate('anna', 'pass\x00word')
    with pytest.raises(InvalidInput):  # and passwords over its 72-byte limit
        await services.accounts.authenticate('anna', 'é' * 100)
    assert await services.accounts.authenticate('anna', PASSWORD) == anna
    upgraded = await stored_hash(services, anna.id)
    assert upgraded.startswith('$argon2id$') and not passwords._context.needs_update(upgraded)
    assert await services.accounts.authenticate('anna', PASSWORD) == anna


# --- sessions -----------------------------------------------------------------------------------------------------


async def test_session_user_and_require(services: Services) -> None:
    anna = await add_user(services, 'anna')
    assert await services.accounts.session_user(anna.id, 0) == anna
    assert await services.accounts.session_user(anna.id, None) == anna
    assert await services.accounts.session_user(None, 0) is None
    assert await services.accounts.session_user(anna.id, 1) is None
    assert await services.accounts.session_user(anna.id + 100, 0) is None
    assert await services.accounts.require(anna) == anna


@pytest.mark.usefixtures('cheap_hashing')
async def test_password_change_ends_every_other_session(services: Services, recorder: Recorder) -> None:
    anna = await services.accounts.register('anna', 'password1')
    recorder.listen(services.hub, user_topic(anna.id))
    with pytest.raises(InvalidInput) as info:
        await services.accounts.change_password(anna, 'wrong-current', 'password2')
    assert info.value.key == 'password_wrong'
    with pytest.raises(InvalidInput) as info:
        await services.accounts.change_password(anna, 'password1', 'short')
    assert info.value.key == 'password_too_short'
    assert recorder.total() == 0

    renewed = await services.accounts.change_password(anna, 'password1', 'password2')
    assert renewed.session_version == anna.session_version + 1
    assert recorder.of(user_topic(anna.id)) == [SessionEnded(anna.id)]
    assert await services.accounts.session_user(anna.id, anna.session_version) is None
    with pytest.raises(NotAuthenticated) as ended:
        await services.accounts.require(anna)
    assert ended.value.key == 'session_ended'
    assert await services.accounts.require(renewed) == renewed
    with pytest.raises(NotAuthenticated):  # a stale page cannot change it again either
        await services.accounts.change_password(anna, 'password2', 'password3')
    with pytest.raises(InvalidInput):
        await services.accounts.authenticate('anna', 'password1')
    assert (await services.accounts.authenticate('anna', 'password2')).session_version == 1


@pytest.mark.usefixtures('cheap_hashing')
async def test_admin_password_reset_ends_sessions(services: Services) -> None:
    anna = await add_user(services, 'anna')
    reset = await services.accounts.set_password_admin('anna', 'brand-new-pass')
    assert reset.session_version == 1
    assert await services.accounts.session_user(anna.id, 0) is None
    with pytest.raises(NotFound):
        await services.accounts.set_password_admin('nobody', 'brand-new-pass')
    with pytest.raises(InvalidInput):
        await services.accounts.set_password_admin('anna', 'short')


async def test_deleted_user_is_refused_everywhere(services: Services) -> None:
    anna = await add_user(services, 'anna')
    room = await services.rooms.create(anna, 'General')
    await execute(services, f'DELETE FROM "user" WHERE id = {anna.id}')
    assert await services.accounts.session_user(anna.id, anna.session_version) is None
    with pytest.raises(NotAuthenticated):
        await services.accounts.require(anna)
    with pytest.raises(NotAuthenticated):
        await services.accounts.set_display_name(anna, 'Ghost')
    with pytest.raises(NotAuthenticated):
        await services.rooms.create(anna, 'Another')
    with pytest.raises(NotAuthenticated):
        await services.messages.post(anna, room.id, 'hello')
    with pytest.raises(NotFound):
        await services.accounts.get(anna.id)


# --- profile ------------------------------------------------------------------------------------------------------


async def test_set_display_name_trims_stores_and_tells_everyone(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    recorder.listen(services.hub, user_topic(anna.id), PROFILES, user_topic(anna.id + 1))
    updated = await services.accounts.set_display_name(anna, '  Анна <i>🙂</i>  ')
    assert updated.display_name == 'Анна <i>🙂</i>'
    assert (await services.accounts.get(anna.id)).display_name == 'Анна <i>🙂</i>'
    assert recorder.of(user_topic(anna.id)) == recorder.of(PROFILES) == [ProfileChanged(updated)]
    assert recorder.of(user_topic(anna.id + 1)) == []
    for bad, key in [('', 'display_name_length'), ('x' * 41, 'display_name_length'), ('a\x07', 'display_name_invalid')]:
        with pytest.raises(InvalidInput) as info:
            await services.accounts.set_display_name(updated, bad)
        assert info.value.key == key
    assert (await services.accounts.get(anna.id)).display_name == 'Анна <i>🙂</i>'
    assert recorder.total() == 2


async def test_language_and_time_zone(services: Services) -> None:
    anna = await add_user(services, 'anna')
    assert (await services.accounts.set_language(anna, 'ru')).language == 'ru'
    with pytest.raises(InvalidInput) as info:
        await services.accounts.set_language(anna, 'de')
    assert info.value.key == 'language_invalid'
    assert (await services.accounts.set_time_zone(anna, 'Europe/Moscow')).time_zone == 'Europe/Moscow'
    for bad in ['Mars/Olympus', '../../etc/passwd', '']:
        with pytest.raises(InvalidInput) as info:
            await services.accounts.set_time_zone(anna, bad)
        assert info.value.key == 'time_zone_invalid'
    stored = await services.accounts.get(anna.id)
    assert (stored.language, stored.time_zone) == ('ru', 'Europe/Moscow')


@pytest.mark.usefixtures('cheap_hashing')
async def test_make_admin_promotes_or_creates(services: Services) -> None:
    await add_user(services, 'anna')
    anna, created = await services.accounts.make_admin('anna', None)
    assert anna.is_admin and not created
    root, created = await services.accounts.make_admin('root', 'admin-password')
    assert root.is_admin and created
    assert (await services.accounts.authenticate('root', 'admin-password')).is_admin
    with pytest.raises(InvalidInput):
        await services.accounts.make_admin('nobody', None)


# --- login sessions -----------------------------------------------------------------------------------------------


async def test_login_session_tokens_are_stored_only_as_hashes(services: Services) -> None:
    anna = await add_user(services, 'anna')
    browser = await services.accounts.start_session(anna)
    assert browser.session_token and len(browser.session_token) >= 32
    rows = await execute(services, 'SELECT token_hash, user_id FROM login_session')
    assert len(rows) == 1 and rows[0][1] == anna.id
    assert browser.session_token not in str(rows)
    assert await services.accounts.require(browser) == browser


async def test_forged_or_borrowed_tokens_are_refused(services: Services) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    annas = await services.accounts.start_session(anna)
    borises = await services.accounts.start_session(boris)
    room = await services.rooms.create(annas, 'General')
    forged = replace(annas, session_token='x' * 43)
    borrowed = replace(annas, session_token=borises.session_token)  # a valid token, of someone else
    for stale in (forged, borrowed):
        assert await services.accounts.session_user(anna.id, 0, stale.session_token) is None
        with pytest.raises(NotAuthenticated):
            await services.messages.post(stale, room.id, 'not me')
        with pytest.raises(NotAuthenticated):
            await services.rooms.rename(stale, room.id, 'hijacked')
    assert await count_rows(services, Message) == 0


async def test_sign_out_ends_the_browser_session_and_tells_its_tabs(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    boris = await add_user(services, 'boris')
    browser = await services.accounts.start_session(anna)
    room = await services.rooms.create(browser, 'General')
    await services.rooms.enter(boris, room.id, 'b')
    recorder.listen(services.hub, user_topic(anna.id), user_topic(boris.id))
    await services.accounts.end_session(browser)
    assert recorder.of(user_topic(anna.id)) == [SessionEnded(anna.id)] and recorder.of(user_topic(boris.id)) == []
    with pytest.raises(NotAuthenticated):
        await services.accounts.require(browser)
    with pytest.raises(NotAuthenticated):
        await services.messages.whisper(browser, room.id, boris, 'after sign-out')
    with pytest.raises(NotAuthenticated):
        await services.accounts.set_display_name(browser, 'Ghost')
    with pytest.raises(NotAuthenticated):
        await services.rooms.delete(browser, room.id)
    assert await services.rooms.get(room.id) == room


async def test_admin_password_reset_ends_every_login_session(services: Services) -> None:
    anna = await add_user(services, 'anna')
    browsers = [await services.accounts.start_session(anna) for _ in range(3)]
    await services.accounts.set_password_admin('anna', 'brand-new-pass')
    for browser in browsers:
        with pytest.raises(NotAuthenticated):
            await services.accounts.require(browser)
    assert await execute(services, 'SELECT count(*) FROM login_session') == [(0,)]


@pytest.mark.usefixtures('cheap_hashing')
async def test_concurrent_registrations_of_one_name_leave_one_account(services: Services) -> None:
    results = await asyncio.gather(
        *(services.accounts.register(name, 'password1') for name in ['anna', 'ANNA', 'Anna', 'anna', 'aNNa']),
        return_exceptions=True,
    )
    assert sum(not isinstance(result, BaseException) for result in results) == 1
    assert all(isinstance(result, Conflict) for result in results if isinstance(result, BaseException))
    assert await count_rows(services, User) == 1


# --- limits hold under concurrency ----------------------------------------------------------------------------------


@pytest.mark.usefixtures('cheap_hashing')
async def test_concurrent_guesses_cannot_slip_past_the_lockout(services: Services) -> None:
    await add_user(services, 'anna')
    results = await asyncio.gather(
        *(services.accounts.authenticate('anna', f'guess-{n}', client='10.0.0.1') for n in range(20)),
        return_exceptions=True,
    )
    assert all(isinstance(result, InvalidInput | RateLimited) for result in results), results
    assert sum(isinstance(result, InvalidInput) for result in results) <= 5  # at most five passwords were tried


@pytest.mark.usefixtures('cheap_hashing')
async def test_concurrent_registrations_cannot_slip_past_the_address_limit(make_services: ServicesFactory) -> None:
    services = await make_services(register_rate=3)
    results = await asyncio.gather(
        *(services.accounts.register(f'user{n}', 'password1', client='10.0.0.1') for n in range(12)),
        return_exceptions=True,
    )
    assert all(isinstance(result, RateLimited) for result in results if isinstance(result, BaseException)), results
    assert await count_rows(services, User) == 3


async def test_theme_is_light_dark_or_the_systems_and_reaches_only_the_users_own_pages(services: Services) -> None:
    anna = await add_user(services, 'anna')
    recorder = Recorder().listen(services.hub, user_topic(anna.id), PROFILES)
    assert (await services.accounts.set_theme(anna, 'dark')).theme == 'dark'
    assert (await services.accounts.get(anna.id)).theme == 'dark'
    for bad in ['purple', 'DARK', '']:
        with pytest.raises(InvalidInput) as info:
            await services.accounts.set_theme(anna, bad)
        assert info.value.key == 'theme_invalid'
    assert (await services.accounts.set_theme(anna, None)).theme is None
    await until(lambda: len(recorder.of(user_topic(anna.id))) == 2, what='both changes on her own topic')
    assert [event.user.theme for event in recorder.of(user_topic(anna.id))] == ['dark', None]  # type: ignore[union-attr]
    assert recorder.of(PROFILES) == []  # nobody else's page changes


async def test_a_hash_made_at_other_settings_is_remade_at_the_next_sign_in(make_services: ServicesFactory) -> None:
    """An operator who changes the argon2 settings gets every account's hash at the new cost, one sign-in each."""
    services = await make_services(password_memory_kib=1024, password_time_cost=1)
    user = await services.accounts.register('rehash', PASSWORD)
    first = argon2.from_string(await stored_hash(services, user.id))
    assert (first.memory_cost, first.rounds) == (1024, 1)
    passwords.configure(2048, 2)  # what starting with the new settings does
    assert await services.accounts.authenticate('rehash', PASSWORD) == user
    second = argon2.from_string(await stored_hash(services, user.id))
    assert (second.memory_cost, second.rounds) == (2048, 2)
