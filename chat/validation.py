"""Rules for names and text, shared by every service that takes user input."""

from __future__ import annotations

import re
import unicodedata

from chat import names
from chat.errors import InvalidInput

USERNAME_RE = re.compile(r'^[A-Za-z0-9_.-]{3,32}$')
# C0 and C1 control characters but tab and the line breaks (\n, \r, NEL), which only messages may hold
_FORBIDDEN_CONTROLS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]')
_LINE_BREAKS = re.compile('[\r\n\u2028\u2029\x85]')
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt: soft hyphen, zero-width characters, bidi marks,
# embeddings, overrides and isolates, variation selectors, Hangul fillers, tags...) and the blank Braille pattern
_INVISIBLE = re.compile(
    '[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164'
    '\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]'
)
# format, private-use, unassigned, surrogate and separator characters: nothing a reader sees (but the plain space)
_NOT_PRINTING = {'Cc', 'Cf', 'Co', 'Cn', 'Cs', 'Zl', 'Zp', 'Zs'}
_ZWJ, _PRESENTATION_SELECTORS = '\u200d', '\ufe0e\ufe0f'
_SKIN_TONES = re.compile('[\U0001f3fb-\U0001f3ff]')


def _invisible(char: str) -> bool:
    return char != ' ' and (unicodedata.category(char) in _NOT_PRINTING or bool(_INVISIBLE.match(char)))


def _emoji_before(value: str, index: int) -> bool:
    index -= 1
    while index >= 0 and (value[index] in _PRESENTATION_SELECTORS or _SKIN_TONES.match(value[index])):
        index -= 1
    return index >= 0 and unicodedata.category(value[index]) == 'So'


def hidden_character(value: str) -> str | None:
    """The first character of a name that a reader cannot see or that reorders what they see (bidi controls), or
    None. Emoji keep what they are made of: a variation selector right after a visible character (❤️) and a
    zero-width joiner between two emoji (👩‍👩‍👧)."""
    for index, char in enumerate(value):
        if char in _PRESENTATION_SELECTORS and index and not _invisible(value[index - 1]) and value[index - 1] != ' ':
            continue
        joins_emoji = index + 1 < len(value) and unicodedata.category(value[index + 1]) == 'So'
        if char == _ZWJ and joins_emoji and _emoji_before(value, index):
            continue
        if _invisible(char):
            return char
    return None


def _check_encodable(text: str, key: str) -> None:
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        raise InvalidInput(key) from None


def username(value: str) -> str:
    value = (value or '').strip()
    if not USERNAME_RE.fullmatch(value):
        raise InvalidInput('username_invalid')
    return value


def password(value: str) -> str:
    if len(value or '') < 8:
        raise InvalidInput('password_too_short', min=8)
    if len(value) > 1024:
        raise InvalidInput('password_too_long', max=1024)
    _check_encodable(value, 'password_invalid')
    return value


def single_line_name(value: str, *, max_length: int, key: str) -> str:
    """Display and room names: trimmed, 1..max_length characters, one line, no control characters, nothing
    invisible or direction-changing (U+202E could show "txt.exe" as "exe.txt"; a zero-width space makes a second
    "admin" that looks like the first)."""
    value = (value or '').strip()
    if not value or len(value) > max_length:
        raise InvalidInput(f'{key}_length', max=max_length)
    if _FORBIDDEN_CONTROLS.search(value) or _LINE_BREAKS.search(value) or '\t' in value:
        raise InvalidInput(f'{key}_invalid')
    _check_encodable(value, f'{key}_invalid')
    if hidden_character(value) is not None:
        raise InvalidInput(f'{key}_invisible')
    return value


def room_name(value: str) -> str:
    return single_line_name(value, max_length=64, key='room_name')


def display_name(value: str) -> str:
    """Also refused: a word mixing scripts so that it passes for a word of one script ("Аlice" with a Cyrillic А).
    Names in one script per word ("Анна", "Anna Смирнова") are fine."""
    value = single_line_name(value, max_length=40, key='display_name')
    if names.look_alike_word(value) is not None:
        raise InvalidInput('display_name_mixed_scripts')
    return value


def message_body(value: str, max_length: int) -> str:
    """Messages keep their inner text as typed; outer whitespace goes, and empty ones are refused."""
    value = (value or '').replace('\r\n', '\n').replace('\r', '\n').strip()
    if not value:
        raise InvalidInput('message_empty')
    if len(value) > max_length:
        raise InvalidInput('message_too_long', max=max_length)
    if _FORBIDDEN_CONTROLS.search(value):
        raise InvalidInput('message_invalid')
    _check_encodable(value, 'message_invalid')
    return value
