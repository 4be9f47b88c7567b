"""A message in one line: its first words as plain text, never its markup (the room directory, the lobby's
`RoomActivity`), and `line`, what a person reads there and in a quoted reply, also for a message of files alone
("📎 report.pdf", "🖼 Photo", "📎 3 files", in the reader's language)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from chat import markup
from chat.i18n import FileCount, PhotoCount
from chat.views import AttachmentView, FilesGlimpse
from models import Attachment

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


def glimpse(attachments: Sequence[AttachmentView | Attachment]) -> FilesGlimpse | None:
    """What a preview needs of a message's files, in the order sent (None without files). A picture is an image shown
    inline (it has a width); anything else is a file."""
    if not attachments:
        return None
    return FilesGlimpse(len(attachments), attachments[0].name, all(a.width is not None for a in attachments))


def line(t: Callable[..., str], words: str, files: FilesGlimpse | None) -> str:
    """The one line a person reads of a message: its words; for files without words "📎 report.pdf" (one file),
    "🖼 Photo" (one picture), "🖼 3 photos" (pictures only) or "📎 3 files"; '' for neither. `t` translates into the
    reader's language (a page's `ctx.t`)."""
    if words or files is None:
        return words
    if files.count == 1:
        return t('preview_photo') if files.images else t('preview_file', name=files.name)
    if files.images:
        return t('preview_photos', photos=PhotoCount(files.count))
    return t('preview_files', files=FileCount(files.count))
