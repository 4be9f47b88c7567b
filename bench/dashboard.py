"""The admin dashboard's queries at a million messages, on SQLite and PostgreSQL.

    python -m bench.dashboard [--messages 1000000] [--rooms 200] [--authors 2000] [--postgres URL]

Fills a fresh database (migrated to head) with `messages` messages spread evenly over the last 30 days - the worst
case for the charts, which read 30 days - in `rooms` rooms by `authors` people, as bench/sidebar.py fills its
history (one bulk transaction that bypasses posting), then counts the rollups from them (storage/activity.rebuild:
what posting would have counted). Times, best of five, each query the dashboard runs (through
chat/admin.Admin.dashboard, the way the page calls it), next to the same numbers counted straight from the message
table with an index on created_at, which is what the rollups avoid. Also the cost of the two upserts per post.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
DAYS = 30


def _stamp(when: datetime) -> str:
    return when.strftime('%Y-%m-%d %H:%M:%S.%f')


def _rows(n: int, rooms: list[int], authors: list[int]):
    start = datetime.now(UTC) - timedelta(days=DAYS - 1)
    step = (DAYS - 1) * 86400 / n
    for i in range(n):
        yield (
            rooms[(i * 7) % len(rooms)],
            authors[(i * 13) % len(authors)],
            f'history message {i} ' + 'lorem ipsum ' * 3,
            start + timedelta(seconds=i * step),
        )


def fill(engine, n: int, n_rooms: int, n_authors: int) -> float:
    """Users, rooms and messages in bulk; returns the seconds it took."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO "user" (username, username_key, display_name, password_hash, is_admin, session_version, '
                'created_at, disabled) VALUES (:u, :u, :u, :h, :a, 0, :t, false)'
            ),
            [{'u': f'user{i}', 'h': 'x', 'a': i == 0, 't': now} for i in range(n_authors)],
        )
        authors = [row[0] for row in connection.execute(text('SELECT id FROM "user" ORDER BY id'))]
        connection.execute(
            text('INSERT INTO room (name, name_key, owner_id, created_at) VALUES (:n, :n, :o, :t)'),
            [{'n': f'room{i:04d}', 'o': authors[0], 't': now} for i in range(n_rooms)],
        )
        rooms = [row[0] for row in connection.execute(text('SELECT id FROM room ORDER BY id'))]
    if engine.dialect.name == 'sqlite':
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute('BEGIN')
            cursor.executemany(
                'INSERT INTO message (room_id, author_id, body, created_at) VALUES (?, ?, ?, ?)',
                ((r, a, b, _stamp(t)) for r, a, b, t in _rows(n, rooms, authors)),
            )
            raw.commit()
        finally:
            raw.close()
    else:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy('COPY message (room_id, author_id, body, created_at) FROM STDIN') as copy:
                for row in _rows(n, rooms, authors):
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    return time.perf_counter() - started


def best(work, times: int = 5) -> float:
    """The best of `times` runs, in milliseconds."""
    results = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        results.append((time.perf_counter() - started) * 1000)
    return min(results)


async def measure(url: str | None, data_dir: Path, n: int, n_rooms: int, n_authors: int) -> None:
    from sqlmodel import Session

    from chat.services import build
    from chat.settings import Settings
    from models import Message
    from storage import activity

    settings = Settings(data_dir=data_dir, **({'database_url': url} if url else {}))
    services = build(settings)
    await asyncio.to_thread(services.migrate)
    await services.start()
    try:
        engine = services.db.engine
        name = engine.dialect.name
        seconds = fill(engine, n, n_rooms, n_authors)
        print(f'{name}: filled {n:,} messages ({n_rooms} rooms, {n_authors} authors, {DAYS} days) in {seconds:.1f} s')
        started = time.perf_counter()
        services.db.run_sync(activity.rebuild)
        print(f'{name}: rollups counted in {time.perf_counter() - started:.1f} s')
        with engine.begin() as connection:
            connection.execute(text('ANALYZE'))
            sizes = {
                table: connection.execute(text(f'SELECT count(*) FROM {table}')).scalar_one()
                for table in ('room_day', 'author_day')
            }
        print(f'{name}: rollup rows {sizes}')
        admin = await services.accounts.get(1)
        since = activity.days(datetime.now(UTC).date(), DAYS)[0]
        week = activity.days(datetime.now(UTC).date(), 7)[0]
        timings = {
            'messages + people per day (rollups)': best(lambda: services.db.run_sync(activity.per_day, since)),
            'busiest rooms, 7 days (rollup)': best(lambda: services.db.run_sync(activity.top_rooms, week, 10)),
            'database size': best(lambda: services.db.run_sync(activity.database_bytes)),
        }
        loop_times = []
        for _ in range(5):
            started = time.perf_counter()
            board = await services.admin.dashboard(admin)
            loop_times.append((time.perf_counter() - started) * 1000)
        timings['Admin.dashboard, whole'] = min(loop_times)
        assert sum(board.messages) == n, (sum(board.messages), n)
        # the same numbers from the message table, with an index on created_at (what the rollups replace)
        day = (
            'substr(created_at, 1, 10)' if name == 'sqlite' else "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        )
        with engine.begin() as connection:
            connection.execute(text('CREATE INDEX ix_bench_created ON message (created_at, author_id, room_id)'))
            connection.execute(text('ANALYZE'))
        cutoff = datetime.now(UTC) - timedelta(days=DAYS)
        naive = text(
            f'SELECT {day}, count(*), count(DISTINCT author_id) FROM message WHERE created_at >= :since GROUP BY 1'
        )

        def direct(session: Session) -> None:
            session.connection().execute(naive, {'since': _stamp(cutoff) if name == 'sqlite' else cutoff}).all()

        timings['per day straight from message (index on created_at)'] = best(
            lambda: services.db.run_sync(direct), times=3
        )

        def post_cost(session: Session) -> None:
            for i in range(200):
                message = Message(room_id=1, author_id=1, body=f'post {i}')
                session.add(message)
                activity.count_post(session, message)
                session.commit()

        def post_plain(session: Session) -> None:
            for i in range(200):
                session.add(Message(room_id=1, author_id=1, body=f'post {i}'))
                session.commit()

        timings['200 posts with the rollup upserts'] = best(lambda: services.db.run_sync(post_cost), times=3)
        timings['200 posts without them'] = best(lambda: services.db.run_sync(post_plain), times=3)
        for label, ms in timings.items():
            print(f'{name}: {label}: {ms:.1f} ms')
    finally:
        await services.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--messages', type=int, default=1_000_000)
    parser.add_argument('--rooms', type=int, default=200)
    parser.add_argument('--authors', type=int, default=2000)
    parser.add_argument('--postgres', help='a server URL: a fresh database is made there and dropped afterwards')
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            from tests.conftest import create_database, drop_database

            url = create_database(args.postgres, 'chat_bench')
            try:
                asyncio.run(measure(url, Path(folder), args.messages, args.rooms, args.authors))
            finally:
                drop_database(args.postgres, url)
        else:
            asyncio.run(measure(None, Path(folder), args.messages, args.rooms, args.authors))


if __name__ == '__main__':
    main()
