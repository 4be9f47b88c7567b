"""A message's preview for the room directory: its first words as plain text on one line, never its markup."""

from __future__ import annotations

import re

from chat import markup

PREVIEW_LENGTH = 200  # characters kept: a row shows one line of them, cut short by the page's CSS
_SPACES = re.compile(r'\s+')


def preview(body: str) -> str:
    """The words a person reads in (the start of) a stored body; it is short, so rendering it here is cheap."""
    return of_rendered(body[:PREVIEW_LENGTH], markup.render(body[:PREVIEW_LENGTH]))


def of_rendered(body: str, formatted: str | None) -> str:
    """The same from a body whose formatting is made already (`formatted`: its sanitized HTML, None for plain text):
    a new post's, so the event loop parses nothing. Spaces and line breaks fold into single spaces."""
    words = markup.text_of(formatted) if formatted is not None else body
    words = _SPACES.sub(' ', words[: PREVIEW_LENGTH * 4]).strip()
    return words if len(words) <= PREVIEW_LENGTH else words[: PREVIEW_LENGTH - 1] + '…'
