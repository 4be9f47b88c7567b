"""Rules for names and text, shared by every service that takes user input."""

from __future__ import annotations

import re

from chat.errors import InvalidInput

USERNAME_RE = re.compile(r'^[A-Za-z0-9_.-]{3,32}$')
# C0 and C1 control characters but tab and the line breaks (\n, \r, NEL), which only messages may hold
_FORBIDDEN_CONTROLS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]')
_LINE_BREAKS = re.compile('[\r\n\u2028\u2029\x85]')


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
    """Display and room names: trimmed, 1..max_length characters, one line, no control characters."""
    value = (value or '').strip()
    if not value or len(value) > max_length:
        raise InvalidInput(f'{key}_length', max=max_length)
    if _FORBIDDEN_CONTROLS.search(value) or _LINE_BREAKS.search(value) or '\t' in value:
        raise InvalidInput(f'{key}_invalid')
    _check_encodable(value, f'{key}_invalid')
    return value


def room_name(value: str) -> str:
    return single_line_name(value, max_length=64, key='room_name')


def display_name(value: str) -> str:
    return single_line_name(value, max_length=40, key='display_name')


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
