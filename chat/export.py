"""A room's whole public history as JSON or as one self-contained HTML page, written while it is read. Each message
lists its attachments (name, size, type; JSON also the path the app serves it at), never their bytes.

Rows are read a page at a time by id ranges on the (room_id, id) index and written out at once, so a room of a million
messages never sits in memory. The export covers the messages up to the newest id at its start: posts arriving
meanwhile are left for the next export, so the count in the header is the count of the body.

This runs in the command's own process, which has no event loop: it reads through `Database.run_sync`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TextIO

from sqlmodel import Session

from chat.errors import NotFound
from chat.files import described
from chat.i18n import format_size, translate
from models import Attachment
from storage import files as file_queries
from storage import messages as message_queries
from storage import rooms as room_queries
from storage.db import Database

FORMATS = ('json', 'html')
Format = Literal['json', 'html']
PAGE_ROWS = 1000  # rows per query: each is one range scan of the index
EXPORT_VERSION = 1

# id, username, display name, body ('' when deleted), created_at, edited_at, deleted_at
Row = tuple[int, str, str, str, datetime, datetime | None, datetime | None]
Files = dict[int, list[Attachment]]  # message id -> its attachments, in the order they were sent
Batches = Iterator[tuple[list[Row], Files]]


@dataclass(frozen=True)
class RoomExport:
    id: int
    name: str
    created_at: datetime
    count: int  # messages covered: those with id <= newest
    newest: int


def find_room(db: Database, name: str) -> RoomExport:
    def work(session: Session) -> RoomExport:
        room = room_queries.by_name(session, name)
        if room is None or room.id is None:
            raise NotFound('export_no_room', name=name)
        count, newest = message_queries.bounds(session, room.id)
        return RoomExport(room.id, room.name, room.created_at, count, newest)

    return db.run_sync(work)


def pages(db: Database, room: RoomExport) -> Iterator[tuple[list[Row], Files]]:
    after = 0
    while after < room.newest:
        rows, files = db.run_sync(_page, room.id, after, room.newest)
        if not rows:
            return
        yield rows, files
        after = rows[-1][0]


def _page(session: Session, room_id: int, after: int, newest: int) -> tuple[list[Row], Files]:
    """A page of messages and their attachments (none for a deleted message): two queries."""
    rows = message_queries.after(session, room_id, after, newest, PAGE_ROWS)
    return rows, file_queries.for_messages(session, [row[0] for row in rows if row[6] is None])


def write(
    db: Database,
    room: RoomExport,
    out: TextIO,
    kind: Format,
    language: str = 'en',
    advance: Callable[[int], object] = lambda _n: None,
) -> int:
    """Writes the export; returns how many messages it holds."""
    writer = _write_json if kind == 'json' else _write_html
    return writer(pages(db, room), room, out, language, advance)


def iso(moment: datetime) -> str:
    """SQLite hands back naive datetimes: the app stores UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def _write_json(
    batches: Batches, room: RoomExport, out: TextIO, _language: str, advance: Callable[[int], object]
) -> int:
    header = {
        'format': 'chat-room-export',
        'version': EXPORT_VERSION,
        'exported_at': datetime.now(UTC).isoformat(timespec='seconds'),
        'room': {'id': room.id, 'name': room.name, 'created_at': iso(room.created_at)},
        'message_count': room.count,
    }
    out.write('{\n')
    for key, value in header.items():
        out.write(f' {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n')
    out.write(' "messages": [')
    written = 0
    for rows, files in batches:
        for message_id, username, display_name, body, created_at, edited_at, deleted_at in rows:
            item = {
                'id': message_id,
                'author': {'username': username, 'display_name': display_name},
                'body': body,
                'created_at': iso(created_at),
                'edited_at': iso(edited_at) if edited_at is not None else None,
                'deleted': deleted_at is not None,
                'attachments': [described(a) for a in files.get(message_id, ())],
            }
            out.write(('\n  ' if written == 0 else ',\n  ') + json.dumps(item, ensure_ascii=False))
            written += 1
        advance(len(rows))
    out.write('\n ]\n}\n')
    return written


STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 0; background: #f4f5f7;
  color: #1d1f23; }
main { max-width: 760px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; overflow-wrap: anywhere; }
.summary { color: #5f6670; margin: 0 0 24px; }
h2 { font-size: .85rem; font-weight: 600; color: #5f6670; text-align: center; margin: 24px 0 8px; }
article { background: #fff; border-radius: 10px; padding: 8px 12px; margin: 6px 0;
  box-shadow: 0 1px 2px rgba(0, 0, 0, .06); }
article header { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; font-size: .85rem; }
.name { font-weight: 600; }
.user, time { color: #5f6670; }
.body { margin: 4px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.deleted { color: #5f6670; font-style: italic; }
.files { margin: 4px 0 0; padding: 0; list-style: none; color: #5f6670; font-size: .85rem; overflow-wrap: anywhere; }
"""


def _write_html(
    batches: Batches, room: RoomExport, out: TextIO, language: str, advance: Callable[[int], object]
) -> int:
    """Every piece of user text goes through html.escape: a name or a message is shown, never run."""
    exported = datetime.now(UTC).strftime('%Y-%m-%d %H:%M')
    title = html.escape(translate(language, 'export_title', name=room.name))
    summary = html.escape(translate(language, 'export_summary', count=room.count, time=exported))
    out.write(
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">\n'
        f'<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n'
        f'<h1>{title}</h1>\n<p class="summary">{summary}</p>\n'
    )
    written, day = 0, ''
    deleted_text = html.escape(translate(language, 'message_deleted'))
    edited_mark = html.escape(translate(language, 'message_edited_mark'))
    for rows, files in batches:
        chunk: list[str] = []
        for message_id, username, display_name, body, created_at, edited_at, deleted_at in rows:
            moment = datetime.fromisoformat(iso(created_at))
            if moment.date().isoformat() != day:
                day = moment.date().isoformat()
                chunk.append(f'<h2>{day}</h2>\n')
            chunk.append(
                f'<article id="m{message_id}"><header><span class="name">{html.escape(display_name)}</span>'
                f'<span class="user">@{html.escape(username)}</span>'
                f'<time datetime="{iso(created_at)}">{moment.strftime("%H:%M")} UTC</time>'
                + (f'<span class="user">{edited_mark}</span>' if edited_at is not None and deleted_at is None else '')
                + '</header>'
                + (
                    f'<p class="body deleted">{deleted_text}</p></article>\n'
                    if deleted_at is not None
                    else f'<p class="body">{html.escape(body)}</p>{_files_html(files.get(message_id), language)}'
                    '</article>\n'
                )
            )
        out.write(''.join(chunk))
        written += len(rows)
        advance(len(rows))
    out.write('</main>\n</body>\n</html>\n')
    return written


def _files_html(attachments: list[Attachment] | None, language: str) -> str:
    """The message's files by name and size (the bytes stay on the server)."""
    if not attachments:
        return ''
    items = ''.join(
        f'<li>\U0001f4ce {html.escape(a.name)} \u00b7 {html.escape(format_size(language, a.size))}</li>'
        for a in attachments
    )
    return f'<ul class="files">{items}</ul>'
