"""The daily activity rollups (RoomDay, AuthorDay) and the admin dashboard's other aggregate queries.

Counting a million messages per chart would take seconds; each post instead adds one to its (day, room) and its
(day, author) row - two upserts by primary key in the posting transaction - and a chart reads at most
days x rooms or days x active people rows, however many messages there are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from models import Message

# the same statements on SQLite (3.24+) and PostgreSQL
COUNT_ROOM = text(
    'INSERT INTO room_day (day, room_id, messages) VALUES (:day, :room, 1) '
    'ON CONFLICT (day, room_id) DO UPDATE SET messages = room_day.messages + 1'
)
COUNT_AUTHOR = text(
    'INSERT INTO author_day (day, author_id, messages) VALUES (:day, :author, 1) '
    'ON CONFLICT (day, author_id) DO UPDATE SET messages = author_day.messages + 1'
)


def day_of(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime('%Y-%m-%d')


def count_post(session: Session, message: Message) -> None:
    """Does not commit: part of the post's transaction."""
    day = day_of(message.created_at)
    connection = session.connection()
    connection.execute(COUNT_ROOM, {'day': day, 'room': message.room_id})
    connection.execute(COUNT_AUTHOR, {'day': day, 'author': message.author_id})


def days(today: date, count: int) -> list[str]:
    """The last `count` UTC days, oldest first, ending with today."""
    return [(today - timedelta(days=count - 1 - i)).isoformat() for i in range(count)]


def per_day(session: Session, since: str) -> dict[str, tuple[int, int]]:
    """Day -> (messages, people who posted) from `since` on."""
    connection = session.connection()
    messages = connection.execute(
        text('SELECT day, sum(messages) FROM room_day WHERE day >= :since GROUP BY day'), {'since': since}
    )
    people = dict(
        connection.execute(
            text('SELECT day, count(*) FROM author_day WHERE day >= :since GROUP BY day'), {'since': since}
        ).all()
    )
    return {day: (int(n), int(people.get(day, 0))) for day, n in messages}


def top_rooms(session: Session, since: str, limit: int) -> list[tuple[int, str, int]]:
    """(room id, name, messages) of the busiest rooms from `since` on, busiest first."""
    rows = session.connection().execute(
        text(
            'SELECT room.id, room.name, sum(room_day.messages) AS n FROM room_day '
            'JOIN room ON room.id = room_day.room_id WHERE room_day.day >= :since '
            'GROUP BY room.id, room.name ORDER BY n DESC, room.id LIMIT :limit'
        ),
        {'since': since, 'limit': limit},
    )
    return [(int(room_id), name, int(n)) for room_id, name, n in rows]


def rebuild(session: Session) -> None:
    """Counts the rollups afresh from the messages (after a bulk load that bypassed posting, e.g. the bench)."""
    connection = session.connection()
    sqlite = connection.dialect.name == 'sqlite'
    day = 'substr(created_at, 1, 10)' if sqlite else "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    for table, column in (('room_day', 'room_id'), ('author_day', 'author_id')):
        connection.execute(text(f'DELETE FROM {table}'))
        connection.execute(
            text(
                f'INSERT INTO {table} (day, {column}, messages) '
                f'SELECT {day}, {column}, count(*) FROM message GROUP BY 1, 2'
            )
        )
    session.commit()


def database_bytes(session: Session) -> int:
    """The database's size on disk: the SQLite file and its write-ahead log, or pg_database_size."""
    connection = session.connection()
    if connection.dialect.name == 'sqlite':
        database = connection.engine.url.database or ''
        files = [Path(database), Path(database + '-wal')]
        return sum(f.stat().st_size for f in files if f.is_file())
    return int(connection.execute(text('SELECT pg_database_size(current_database())')).scalar_one())


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under a folder (the media); run in a thread."""
    if not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.rglob('*') if f.is_file())
