"""The translation table: complete in both languages, and every error the services raise can be shown."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from chat import errors
from chat.i18n import (
    LANGUAGES,
    TRANSLATIONS,
    Bytes,
    Pixels,
    best_language,
    format_pixels,
    format_size,
    plural,
    translate,
)
from tests.unit.helpers import placeholders

CHAT = Path(__file__).resolve().parents[2] / 'chat'
ERROR_CLASSES = {
    name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, errors.ChatError)
}
RAISE_RE = re.compile(r'\b(?:' + '|'.join(sorted(ERROR_CLASSES)) + r")\(\s*'([A-Za-z0-9_]+)'")


def test_languages() -> None:
    assert LANGUAGES == ('en', 'ru')


@pytest.mark.parametrize('key', sorted(TRANSLATIONS))
def test_every_key_has_english_and_russian_with_the_same_placeholders(key: str) -> None:
    entry = TRANSLATIONS[key]
    assert set(entry) == set(LANGUAGES), key
    assert all(text.strip() for text in entry.values()), key
    assert placeholders(entry['en']) == placeholders(entry['ru']), key
    words = re.sub(r'\{\w+\}', '', entry['en'])  # placeholders are no English words
    if 'en' in entry and entry['en'] == entry['ru'] and re.search('[A-Za-z]{4}', words):
        pytest.fail(f'{key}: the Russian text is the English one')


def _raise_sites() -> list[tuple[str, int, str, set[str]]]:
    """(file, line, key, parameter names) of every ChatError(...) with a literal key in chat/."""
    sites = []
    for path in sorted(CHAT.glob('*.py')):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ERROR_CLASSES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                params = {keyword.arg for keyword in node.keywords if keyword.arg}
                sites.append((path.name, node.lineno, node.args[0].value, params))
    return sites


def test_every_error_key_raised_in_chat_is_translated() -> None:
    """A plain regex over the source, so no raise site escapes however it is written."""
    keys: set[str] = set()
    for path in CHAT.glob('*.py'):
        keys |= set(RAISE_RE.findall(path.read_text()))
    assert len(keys) >= 20  # the grep does find the raise sites
    missing = sorted(key for key in keys if key not in TRANSLATIONS)
    assert not missing, f'untranslated error keys: {missing}'


def test_every_raise_site_supplies_its_placeholders() -> None:
    sites = _raise_sites()
    assert len(sites) >= 20
    for file, line, key, params in sites:
        for language in LANGUAGES:
            needed = placeholders(TRANSLATIONS[key][language])
            assert needed <= params, f'{file}:{line} {key} lacks {needed - params}'
            assert params <= needed, f'{file}:{line} {key} passes unused {params - needed}'


def test_generated_validation_keys_exist() -> None:
    """validation.single_line_name builds keys from its `key=` argument: '<key>_length' and '<key>_invalid'."""
    source = (CHAT / 'validation.py').read_text()
    prefixes = set(re.findall(r"key='([a-z_]+)'", source))
    suffixes = set(re.findall(r"f'\{key\}(_[a-z_]+)'", source))
    assert prefixes >= {'room_name', 'display_name'} and suffixes >= {'_length', '_invalid'}
    for prefix in prefixes:
        for suffix in suffixes:
            assert f'{prefix}{suffix}' in TRANSLATIONS
    for key in re.findall(r"_check_encodable\([^,]+, '([a-z_]+)'\)", source):
        assert key in TRANSLATIONS


def test_translate() -> None:
    assert translate('en', 'password_too_short', min=8) == 'The password needs at least 8 characters.'
    assert translate('ru', 'password_too_short', min=8) == 'Пароль должен быть не короче 8 символов.'
    assert translate('de', 'send') == 'Send'  # unknown language: English
    assert translate('en', 'no_such_key') == 'no_such_key'
    assert translate('ru', 'room_name_taken', name='{x} <b>') == 'Комната «{x} <b>» уже существует.'


@pytest.mark.parametrize(
    ('header', 'expected'),
    [
        (None, 'en'),
        ('', 'en'),
        ('ru', 'ru'),
        ('RU-ru', 'ru'),
        ('ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7', 'ru'),
        ('en-US,en;q=0.9,ru;q=0.8', 'en'),
        ('de-DE,de;q=0.9,ru;q=0.5,en;q=0.4', 'ru'),
        ('de-DE, fr;q=0.8', 'en'),
        ('en;q=0.3, ru;q=0.7', 'ru'),
        ('en;q=0.5, ru;q=0.5', 'en'),  # equal quality: the first listed
        ('ru;q=0, en', 'en'),  # q=0 means "not this one"
        ('ru;q=nonsense, en;q=0.1', 'en'),
        ('*', 'en'),
        (' ru ; q=0.8 , en ; q=0.9 ', 'en'),
        (',,;;,ru', 'ru'),
    ],
)
def test_best_language(header: str | None, expected: str) -> None:
    assert best_language(header) == expected


def test_best_language_default() -> None:
    assert best_language('de', default='ru') == 'ru'
    assert best_language(None, default='ru') == 'ru'
    assert best_language('en', default='ru') == 'en'


@pytest.mark.parametrize(
    ('language', 'value', 'expected'),
    [
        ('en', 1, 'megapixel'),
        ('en', 16, 'megapixels'),
        ('en', 2.5, 'megapixels'),
        ('ru', 1, 'мегапиксель'),
        ('ru', 21, 'мегапиксель'),
        ('ru', 2, 'мегапикселя'),
        ('ru', 34, 'мегапикселя'),
        ('ru', 2.5, 'мегапикселя'),
        ('ru', 5, 'мегапикселей'),
        ('ru', 11, 'мегапикселей'),
        ('ru', 12, 'мегапикселей'),
        ('ru', 16, 'мегапикселей'),
        ('ru', 25, 'мегапикселей'),
        ('ru', 111, 'мегапикселей'),
    ],
)
def test_plural_forms(language: str, value: float, expected: str) -> None:
    assert plural(language, 'unit_megapixels', value) == expected


def test_every_unit_has_its_plural_forms() -> None:
    for key in (key for key in TRANSLATIONS if key.startswith('unit_')):
        assert len(TRANSLATIONS[key]['en'].split('|')) == 2, key
        assert len(TRANSLATIONS[key]['ru'].split('|')) == 3, key


def test_sizes_and_pixels_read_like_people_write_them() -> None:
    nbsp = '\u00a0'
    assert format_size('en', 5 * 1024 * 1024) == f'5{nbsp}MB'
    assert format_size('ru', 5 * 1024 * 1024) == f'5{nbsp}МБ'
    assert format_size('ru', 1536 * 1024) == f'1,5{nbsp}МБ'
    assert format_size('en', 512 * 1024) == f'512{nbsp}KB'
    assert format_size('ru', 300) == f'300{nbsp}байт'
    assert format_pixels('en', 25_000_000) == f'25{nbsp}megapixels'
    assert format_pixels('ru', 25_000_000) == f'25{nbsp}мегапикселей'
    assert format_pixels('ru', 4_000_000) == f'4{nbsp}мегапикселя'
    assert format_pixels('en', 65_536) == f'65,536{nbsp}pixels'


def test_translated_numbers_are_formatted_for_the_reader() -> None:
    assert translate('en', 'avatar_too_large', size=Bytes(5 * 2**20)) == 'The image is too large: at most 5\xa0MB.'
    assert translate('ru', 'avatar_too_many_pixels', pixels=Pixels(16_000_000)) == (
        'В изображении слишком много пикселей (не больше 16\xa0мегапикселей).'
    )
    assert translate('en', 'message_too_long', max=4000) == 'The message is too long: at most 4,000 characters.'
    assert translate('ru', 'online_count', count=1200) == 'в сети: 1\u202f200'
    assert translate('en', 'day_date_year', d=5, m='December', y=2026) == '5 December 2026'  # a year is no count
    assert Pixels(9_999) == 9_999  # the services' errors still compare as plain numbers
