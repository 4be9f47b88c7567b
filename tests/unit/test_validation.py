"""The shared input rules, at their boundaries."""

from __future__ import annotations

import pytest

from chat import validation
from chat.errors import InvalidInput
from tests.unit.helpers import assert_known_key


def refused(call: object, *args: object, **kwargs: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    assert_known_key(info.value.key)
    return info.value


@pytest.mark.parametrize('name', ['abc', 'a' * 32, 'Anna_1', 'x.y-z', '___', '0.9', 'ABC'])
def test_username_accepted(name: str) -> None:
    assert validation.username(name) == name


def test_username_trimmed() -> None:
    assert validation.username('  anna  ') == 'anna'


@pytest.mark.parametrize(
    'name', ['', 'ab', 'a' * 33, 'an na', 'anna!', 'анна', 'an\nna', 'anna\x00', 'é' * 5, '<script>', 'a@b.c', 'ａｂｃ']
)
def test_username_refused(name: str) -> None:
    assert refused(validation.username, name).key == 'username_invalid'


def test_password_rules() -> None:
    assert validation.password('12345678') == '12345678'
    assert validation.password(' ' * 8) == ' ' * 8  # kept as typed, never trimmed
    error = refused(validation.password, '1234567')
    assert (error.key, error.params) == ('password_too_short', {'min': 8})
    assert refused(validation.password, '').key == 'password_too_short'
    assert validation.password('p' * 1024) == 'p' * 1024
    assert refused(validation.password, 'p' * 1025).key == 'password_too_long'
    assert refused(validation.password, 'password\ud800').key == 'password_invalid'


def test_display_name_rules() -> None:
    assert validation.display_name('  Anna Smith ') == 'Anna Smith'
    assert validation.display_name('x' * 40) == 'x' * 40
    assert validation.display_name('  ' + 'x' * 40 + '  ') == 'x' * 40  # length counts after trimming
    assert validation.display_name('Аня 🙂') == 'Аня 🙂'
    for bad in ['', '   ', 'x' * 41]:
        error = refused(validation.display_name, bad)
        assert (error.key, error.params) == ('display_name_length', {'max': 40})
    for bad in [
        'An\nna',
        'An\rna',
        'An\tna',
        'An\x00na',
        'An\x1bna',
        'An\u2028na',
        'An\x7fna',
        'An\x9bna',
        'Anna\ud800',
    ]:
        assert refused(validation.display_name, bad).key == 'display_name_invalid'


def test_room_name_rules() -> None:
    assert validation.room_name(' General ') == 'General'
    assert validation.room_name('r' * 64) == 'r' * 64
    assert validation.room_name('Привет, мир') == 'Привет, мир'
    assert validation.room_name('<b>bold</b>') == '<b>bold</b>'
    for bad in ['', ' \t ', 'r' * 65]:
        error = refused(validation.room_name, bad)
        assert (error.key, error.params) == ('room_name_length', {'max': 64})
    for bad in ['a\nb', 'a\tb', 'a\x00b', 'a\x85b', 'a\u2029b', 'a\udfffb']:
        assert refused(validation.room_name, bad).key == 'room_name_invalid'


def test_message_body_rules() -> None:
    assert validation.message_body('  hello  ', 4000) == 'hello'
    assert validation.message_body('line 1\nline 2\n\nline 4', 4000) == 'line 1\nline 2\n\nline 4'
    assert validation.message_body('a\r\nb\rc', 4000) == 'a\nb\nc'
    assert validation.message_body('tab\there', 4000) == 'tab\there'
    assert validation.message_body('m' * 4000, 4000) == 'm' * 4000
    assert validation.message_body('<script>alert(1)</script>', 4000) == '<script>alert(1)</script>'
    for empty in ['', '   ', '\n\n', ' \t\r\n ', '\u3000']:
        assert refused(validation.message_body, empty, 4000).key == 'message_empty'
    error = refused(validation.message_body, 'm' * 4001, 4000)
    assert (error.key, error.params) == ('message_too_long', {'max': 4000})
    for bad in [
        'a\x00b',
        'bell\x07',
        'esc\x1b[31m',
        'del\x7f',
        'form\x0cfeed',
        'csi\x9b31m',
        'pad\x80',
        'lone \ud83d surrogate',
    ]:
        assert refused(validation.message_body, bad, 4000).key == 'message_invalid'
