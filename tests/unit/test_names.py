"""Look-alike people: invisible and direction-changing characters in names, look-alike script mixing, and
confusable skeletons kept unique across usernames and display names (chat/names.py, chat/validation.py,
chat/accounts.py, storage/migrations/versions/0003_name_skeletons.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from chat import validation
from chat.errors import Conflict, InvalidInput
from chat.names import look_alike_word, skeleton
from chat.services import Services
from storage.db import make_engine
from storage.migrate import alembic_config
from tests.unit.helpers import assert_known_key, execute

HIDDEN = {
    'right-to-left override': '\u202e',
    'left-to-right mark': '\u200e',
    'first strong isolate': '\u2068',
    'zero-width space': '\u200b',
    'zero-width non-joiner': '\u200c',
    'zero-width joiner between letters': '\u200d',
    'word joiner': '\u2060',
    'byte order mark': '\ufeff',
    'soft hyphen': '\u00ad',
    'no-break space': '\u00a0',
    'ideographic space': '\u3000',
    'blank Braille pattern': '\u2800',
    'Hangul filler': '\u3164',
    'tag letter': '\U000e0041',
    'private use': '\ue000',
    'unassigned': '\U000e0080',
}


def refused(call: object, *args: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        call(*args)  # type: ignore[operator]
    assert_known_key(info.value.key)
    return info.value


@pytest.mark.parametrize('char', HIDDEN.values(), ids=HIDDEN.keys())
def test_invisible_and_bidi_characters_are_refused_in_every_name(char: str) -> None:
    assert refused(validation.display_name, f'ad{char}min').key == 'display_name_invisible'
    assert refused(validation.room_name, f'Gen{char}eral').key == 'room_name_invisible'
    assert refused(validation.username, f'ad{char}min').key == 'username_invalid'


@pytest.mark.parametrize(
    'name',
    [
        'Анна',
        'Anna Смирнова',
        'Анна-Mari',
        'Jörg Müller',
        'Ελένη',
        '山田たろう',
        'Anna ❤️',
        '👩‍👩‍👧 family',
        '🏳️‍🌈',
        'O’Brien',
        'Аня 🙂',
        'Ivan 2',
    ],
)
def test_real_names_and_emoji_are_accepted(name: str) -> None:
    assert validation.display_name(name) == name


@pytest.mark.parametrize('name', ['\u0410lice', 'p\u0430ypal', 'Vas\u0443a', 'admin\u0456', 'Ив' + 'a' + 'н'])
def test_a_word_mixing_scripts_into_a_look_alike_is_refused(name: str) -> None:
    assert look_alike_word(name) is not None
    assert refused(validation.display_name, name).key == 'display_name_mixed_scripts'


def test_skeletons_equal_exactly_the_look_alikes() -> None:
    alike = [
        ('Alice', 'alice'),
        ('Alice', '\u0410lice'),
        ('Alice', 'AIice'),
        ('Alice', '𝐀𝐥𝐢𝐜𝐞'),
        ('Alice', 'Ａｌｉｃｅ'),
        ('admin', 'adrnin'),
        ('admin', 'ADMIN'.lower()),
        ('bill', 'biII'),
        ('Anna  K', 'Anna K'),
        ('0lga', 'Olga'),
        ('Анна', 'Aнна'),
    ]
    for first, second in alike:
        assert skeleton(first) == skeleton(second), (first, second)
    for first, second in [('Alice', 'Alina'), ('Анна', 'Анина'), ('admin', 'admins'), ('Anna K', 'AnnaK')]:
        assert skeleton(first) != skeleton(second), (first, second)


# --- the service: two people never look identical ------------------------------------------------------------------


@pytest.mark.usefixtures('cheap_hashing')
async def test_no_display_name_may_look_like_another_persons_name(services: Services) -> None:
    accounts = services.accounts
    alice = await accounts.register('alice', 'password1', 'Alice')
    admin = await accounts.register('admin', 'password1', 'The Boss')
    bob = await accounts.register('bob', 'password1')
    for look_alike in [
        'Alice',
        'alice',
        ' ALice ',
        'AIice',
        '𝐀𝐥𝐢𝐜𝐞',
        'Ａｌｉｃｅ',
        'admin',
        'Admin',
        'adrnin',
        'ɑdmin',
    ]:
        with pytest.raises(Conflict) as info:
            await accounts.set_display_name(bob, look_alike)
        assert info.value.key == 'display_name_confusable', look_alike
        with pytest.raises(Conflict) as info:
            await accounts.register('carol', 'password1', look_alike)
        assert info.value.key == 'display_name_confusable', look_alike
    assert (await accounts.get(bob.id)).display_name == 'bob'
    with pytest.raises(InvalidInput) as mixed:
        await accounts.set_display_name(bob, '\u0410lice')  # Cyrillic А
    assert mixed.value.key == 'display_name_mixed_scripts'
    # usernames: neither like another username nor like another display name
    for username, key in [
        ('aIice', 'username_confusable'),
        ('adrnin', 'username_confusable'),
        ('Admin', 'username_taken'),
        ('ALICE', 'username_taken'),
    ]:
        with pytest.raises(Conflict) as info:
            await accounts.register(username, 'password1', 'Someone New')
        assert info.value.key == key, username
    await accounts.set_display_name(bob, 'Vera')
    with pytest.raises(Conflict) as info:
        await accounts.register('vera', 'password1')  # and so would its display name, the username by default
    assert info.value.key == 'username_confusable'
    await accounts.set_display_name(bob, 'bob')
    # one's own names may look alike, and a name nobody has is free
    assert (await accounts.set_display_name(alice, 'ALICE')).display_name == 'ALICE'  # 'allce': not 'alice'
    assert (await accounts.set_display_name(admin, 'admin')).display_name == 'admin'
    with pytest.raises(Conflict):
        await accounts.set_display_name(bob, 'Alice')  # still alice's username
    assert (await accounts.set_display_name(bob, 'Alicia')).display_name == 'Alicia'
    assert (await accounts.set_display_name(bob, 'Bob Смирнов')).display_name == 'Bob Смирнов'


# --- existing accounts: the migration reports, never renames -------------------------------------------------------


def test_migration_fills_skeletons_and_reports_clashes_without_renaming(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(f'sqlite:///{tmp_path / "old.db"}')
    command.upgrade(alembic_config(engine), '0002')
    people = [
        (1, 'alice', 'Alice'),
        (2, 'alice2', '\u0410lice'),
        (3, 'mallory', 'admin'),
        (4, 'admin', 'Administrator'),
        (5, 'anna', 'Анна'),
        (6, 'bill', 'Bill'),
        (7, 'biII', 'Bill II'),
    ]
    with engine.begin() as connection:
        for user_id, username, display_name in people:
            connection.execute(
                text(
                    'INSERT INTO user (id, username, username_key, display_name, password_hash, is_admin, '
                    "session_version, created_at) VALUES (:id, :username, :key, :display, 'x', 0, 0, '2025-01-01')"
                ),
                {'id': user_id, 'username': username, 'key': username.lower(), 'display': display_name},
            )
    with caplog.at_level(logging.WARNING, logger='chat.migrations'):
        command.upgrade(alembic_config(engine), 'head')
    with engine.connect() as connection:
        rows = {
            row[0]: row[1:]
            for row in connection.execute(
                text('SELECT id, username, display_name, username_skeleton, display_skeleton FROM "user"')
            )
        }
    engine.dispose()
    assert {user_id: rows[user_id][:2] for user_id in rows} == {i: (u, d) for i, u, d in people}  # nobody renamed
    assert rows[1][2:] == (skeleton('alice'), skeleton('Alice'))
    assert rows[2][2:] == (skeleton('alice2'), None)  # looks like user 1
    assert rows[3][2:] == (skeleton('mallory'), skeleton('admin'))  # first to have the look
    assert rows[4][2:] == (None, skeleton('Administrator'))  # the username 'admin' looks like user 3's name
    assert rows[5][2:] == (skeleton('anna'), skeleton('Анна'))
    assert rows[6][2:] == (skeleton('bill'), skeleton('Bill'))  # one's own two names may look alike
    assert rows[7][2:] == (None, skeleton('Bill II'))  # 'biII' looks like 'bill'
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any('(2, 1)' in message and '(4, 3)' in message and '(7, 6)' in message for message in warnings), warnings


@pytest.mark.usefixtures('cheap_hashing')
async def test_an_account_left_without_a_skeleton_gets_one_when_it_changes_its_name(services: Services) -> None:
    anna = await services.accounts.register('anna', 'password1', 'Anna')
    await execute(services, f'UPDATE "user" SET display_skeleton = NULL WHERE id = {anna.id}')
    renamed = await services.accounts.set_display_name(anna, 'Anna K')
    rows = await execute(services, f'SELECT display_skeleton FROM "user" WHERE id = {anna.id}')
    assert renamed.display_name == 'Anna K' and rows == [(skeleton('Anna K'),)]
