"""A message in one line where a row or a quote shows it: its words, or for a message of files alone what a
messenger shows ("📎 report.pdf", "🖼 Photo", "📎 3 files", in the reader's language with its plural forms), the
same in the room directory, the lobby's live event, and a reply's quote (live and in history)."""

from __future__ import annotations

from functools import partial

import pytest

from chat.events import RoomActivity
from chat.hub import LOBBY
from chat.i18n import translate
from chat.previews import glimpse, line
from chat.services import Services
from chat.views import AttachmentView, FilesGlimpse
from tests.ui import images
from tests.unit.helpers import Recorder, add_user

PDF = AttachmentView('a', 'report.pdf', 10, 'application/pdf')
PHOTO = AttachmentView('b', 'cat.png', 10, 'image/png', 40, 30)
NBSP = '\u00a0'


def test_glimpse_counts_the_files_and_says_whether_all_are_pictures() -> None:
    assert glimpse(()) is None
    assert glimpse((PDF,)) == FilesGlimpse(1, 'report.pdf', images=False)
    assert glimpse((PHOTO, PHOTO)) == FilesGlimpse(2, 'cat.png', images=True)
    assert glimpse((PHOTO, PDF)) == FilesGlimpse(2, 'cat.png', images=False)


@pytest.mark.parametrize(
    ('language', 'files', 'expected'),
    [
        ('en', FilesGlimpse(1, 'report.pdf', False), '📎 report.pdf'),
        ('en', FilesGlimpse(1, 'cat.png', True), '🖼 Photo'),
        ('en', FilesGlimpse(3, 'report.pdf', False), f'📎 3{NBSP}files'),
        ('en', FilesGlimpse(2, 'cat.png', True), f'🖼 2{NBSP}photos'),
        ('ru', FilesGlimpse(1, 'отчёт.pdf', False), '📎 отчёт.pdf'),
        ('ru', FilesGlimpse(1, 'cat.png', True), '🖼 Фото'),
        ('ru', FilesGlimpse(3, 'a.pdf', False), f'📎 3{NBSP}файла'),
        ('ru', FilesGlimpse(5, 'a.pdf', False), f'📎 5{NBSP}файлов'),
        ('ru', FilesGlimpse(21, 'a.pdf', False), f'📎 21{NBSP}файл'),
        ('ru', FilesGlimpse(12, 'a.pdf', False), f'📎 12{NBSP}файлов'),
        ('ru', FilesGlimpse(4, 'a.png', True), f'🖼 4{NBSP}фото'),
    ],
)
def test_a_message_of_files_alone_reads_as_a_messenger_shows_it(
    language: str, files: FilesGlimpse, expected: str
) -> None:
    assert line(partial(translate, language), '', files) == expected


def test_words_come_first_and_nothing_stays_nothing() -> None:
    t = partial(translate, 'en')
    assert line(t, 'see the report', FilesGlimpse(1, 'report.pdf', False)) == 'see the report'
    assert line(t, '', None) == ''


async def test_the_directory_the_lobby_and_quotes_name_the_files(services: Services, recorder: Recorder) -> None:
    anna = await add_user(services, 'anna')
    kitchen = await services.rooms.create(anna, 'Kitchen')
    garden = await services.rooms.create(anna, 'Garden')
    recorder.listen(services.hub, LOBBY)
    pdf = await services.files.upload(anna, kitchen.id, 'report.pdf', b'%PDF-1.4 report')
    only_pdf = await services.messages.post(anna, kitchen.id, '', attachments=[pdf.id])
    pictures = [await services.files.upload(anna, garden.id, f'{i}.png', images.png(20 + i, 20)) for i in range(2)]
    only_pictures = await services.messages.post(anna, garden.id, '', attachments=[p.id for p in pictures])
    captioned = await services.files.upload(anna, garden.id, 'c.png', images.png(30, 30))
    await services.messages.post(anna, garden.id, 'with words', attachments=[captioned.id])
    # the lobby's live events
    activity = [e for e in recorder.of(LOBBY) if isinstance(e, RoomActivity)]
    assert [(e.preview, e.files) for e in activity] == [
        ('', FilesGlimpse(1, 'report.pdf', False)),
        ('', FilesGlimpse(2, '0.png', True)),
        ('with words', None),
    ]
    # the directory, read again: the newest message of each room
    summaries = {s.room.name: s for s in await services.rooms.directory(anna)}
    assert (summaries['Kitchen'].last_preview, summaries['Kitchen'].last_files) == (
        '',
        FilesGlimpse(1, 'report.pdf', False),
    )
    assert (summaries['Garden'].last_preview, summaries['Garden'].last_files) == ('with words', None)
    # a reply quoting a message of files alone: when sent, and in history (the quoted one on another page)
    reply = await services.messages.post(anna, kitchen.id, 'thanks', reply_to=only_pdf.id)
    assert reply.reply is not None and reply.reply.files == FilesGlimpse(1, 'report.pdf', False)
    assert reply.reply.first_line == ''
    await services.messages.post(anna, garden.id, 'nice', reply_to=only_pictures.id)
    (in_history,) = await services.messages.history(garden.id, limit=1)
    assert in_history.reply is not None and in_history.reply.files == FilesGlimpse(2, '0.png', True)
    *_, whole_page = await services.messages.history(kitchen.id)
    assert whole_page.reply is not None and whole_page.reply.files == FilesGlimpse(1, 'report.pdf', False)
    # a deleted message of files says so, nothing of its files
    await services.messages.delete(anna, kitchen.id, reply.id)
    await services.messages.delete(anna, kitchen.id, only_pdf.id)
    kitchen_row = {s.room.name: s for s in await services.rooms.directory(anna)}['Kitchen']
    assert kitchen_row.last_deleted and kitchen_row.last_files is None
