"""The `search` scenario: full-text search over a large message table, on SQLite and on PostgreSQL.

The database is filled straight through the driver in one transaction (as the room-opening scenario fills its
history): `messages` messages of ~10 words spread over `rooms` rooms and 20 authors, most words drawn from a made-up
vocabulary of 20,000 words (Zipf-like: a few are in many messages, most in few), and in them English and Russian
words of known frequency: common ones in about 1 message of 20, rare ones in about 1 of 50,000. The index is kept by
the database as in production: SQLite's triggers fill FTS5 on insert, PostgreSQL computes the tsvector column (its
GIN index is built after the COPY, as a restore would).

Then `services.search.search`, the service the page calls, is timed in this process, first page (20 results) only:
common words, rare words, and filtered queries (a word in one room, a word from one author). Meanwhile a ticker on
the event loop measures how late it wakes: the query runs in a database thread (`Database.run`), so the loop stays
free (the largest lateness is reported, next to that of an idle loop).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sqlite3
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import server as srv
from bench.crowd import summary_ms

COMMON = ['meeting', 'привет', 'deploy', 'встреча']  # each in ~5% of messages
RARE = ['zanzibar', 'квазар', 'xylophone', 'эвкалипт']  # each in ~1 of 50,000
QUERIES = {
    'common': ['meeting', 'привет', 'deploy', 'встреча'],
    'rare': ['zanzibar', 'квазар', 'xylophone', 'эвкалипт'],
    'two words': ['meeting deploy', 'привет встреча'],
    'filtered': ['meeting in:room007', 'встреча from:author03', 'привет in:room042 from:author05'],
}
N_AUTHORS = 20
SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'po', 'de', 'ga', 'zu', 'bo', 'fe', 'hi', 'ju']


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add(''.join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def bodies(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = vocabulary(20_000, rng)
    weights = [1 / (rank + 10) for rank in range(len(words))]
    filler = rng.choices(words, weights, k=count * 9)
    out = []
    for i in range(count):
        body = filler[i * 9 : i * 9 + 9]
        for word in COMMON:
            if rng.random() < 0.05:
                body[rng.randrange(9)] = word if rng.random() < 0.8 else word + 'ами'[: rng.randint(0, 3)]
        for word in RARE:
            if rng.random() < 2e-5:
                body[rng.randrange(9)] = word
        out.append(' '.join(body).capitalize())
    return out


async def _setup(settings_kwargs: dict, rooms: int) -> tuple[object, list[int], list[int]]:
    sys.path.insert(0, str(srv.ROOT))
    from chat import services as service_factory
    from chat.settings import Settings
    from models import Room, User

    services = service_factory.build(Settings(**settings_kwargs))
    await asyncio.to_thread(services.migrate)
    await services.start()

    def work(session) -> tuple[list[int], list[int]]:
        users = [
            User(
                username=f'author{i:02d}', username_key=f'author{i:02d}', display_name=f'Author {i}', password_hash='x'
            )
            for i in range(N_AUTHORS)
        ]
        session.add_all(users)
        names = [f'room{i:03d}' for i in range(rooms)]
        room_rows = [Room(name=name, name_key=name, owner_id=None) for name in names]
        session.add_all(room_rows)
        session.commit()
        return [u.id for u in users], [r.id for r in room_rows]

    user_ids, room_ids = await services.db.run(work)
    return services, user_ids, room_ids


def _rows(texts: list[str], user_ids: list[int], room_ids: list[int]):
    start = datetime.now(UTC) - timedelta(days=365)
    rng = random.Random(3)
    for i, body in enumerate(texts):
        yield rng.choice(room_ids), user_ids[i % len(user_ids)], body, start + timedelta(seconds=i * 10)


def fill_sqlite(path: Path, texts: list[str], user_ids: list[int], room_ids: list[int]) -> float:
    started = time.perf_counter()
    db = sqlite3.connect(path)
    try:
        db.execute('BEGIN')
        db.executemany(
            'INSERT INTO message (room_id, author_id, body, created_at) VALUES (?, ?, ?, ?)',
            ((r, a, b, t.strftime('%Y-%m-%d %H:%M:%S.%f')) for r, a, b, t in _rows(texts, user_ids, room_ids)),
        )
        db.commit()
        db.execute('ANALYZE')
    finally:
        db.close()
    return time.perf_counter() - started


def fill_postgres(url: str, texts: list[str], user_ids: list[int], room_ids: list[int]) -> float:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    started = time.perf_counter()
    with psycopg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, dbname=parsed.database
    ) as db:
        db.execute('DROP INDEX IF EXISTS ix_message_search')
        with db.cursor().copy('COPY message (room_id, author_id, body, created_at) FROM STDIN') as copy:
            for row in _rows(texts, user_ids, room_ids):
                copy.write_row(row)
        db.execute('CREATE INDEX ix_message_search ON message USING gin (search)')
        db.commit()
    with psycopg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, dbname=parsed.database, autocommit=True
    ) as db:
        db.execute('VACUUM ANALYZE message')
    return time.perf_counter() - started


async def _measure(services, repeats: int) -> dict:
    from chat.views import UserView

    actor = UserView(1, 'author00', 'Author 0')
    threads: set[str] = set()
    original = services.db.run_sync

    def run_sync(work, *args):
        threads.add(threading.current_thread().name)
        return original(work, *args)

    services.db.run_sync = run_sync
    lateness: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lateness.append(time.perf_counter() - before - 0.001)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.5)
    idle = max(lateness)
    lateness.clear()
    kinds: dict[str, dict] = {}
    for kind, queries in QUERIES.items():
        times: list[float] = []
        found: list[int] = []
        for query in queries:
            await services.search.search(actor, query)  # warm the cache: the measured runs are the steady state
            for _ in range(repeats):
                started = time.perf_counter()
                results = await services.search.search(actor, query)
                times.append(time.perf_counter() - started)
            found.append(len(results.hits))
        kinds[kind] = {**summary_ms(times), 'queries': len(queries), 'runs': len(times), 'hits_min': min(found)}
    stop.set()
    await tick
    services.db.run_sync = original
    return {
        'kinds': kinds,
        'loop_lateness_max_ms': round(max(lateness) * 1000, 1),
        'idle_lateness_max_ms': round(idle * 1000, 1),
        'db_threads_only': all(name.startswith('db') for name in threads),
    }


async def _one(database: str, work: Path, n_messages: int, n_rooms: int, repeats: int, pg_base: str) -> dict:
    texts = bodies(n_messages)
    pg_url = None
    data_dir = work / f'search-{database}'
    settings: dict = {'data_dir': data_dir, 'search_rate': 1_000_000, 'redis_url': None}
    if database == 'postgresql':
        pg_url = _create_pg(pg_base)
        settings['database_url'] = pg_url
    else:  # named: CHAT_DATABASE_URL in the environment is not this database
        settings['database_url'] = f'sqlite:///{(data_dir / "chat.db").resolve()}'
    try:
        services, user_ids, room_ids = await _setup(settings, n_rooms)
        try:
            if database == 'postgresql':
                seconds = await asyncio.to_thread(fill_postgres, pg_url, texts, user_ids, room_ids)
            else:
                path = Path(services.db.engine.url.database)
                seconds = await asyncio.to_thread(fill_sqlite, path, texts, user_ids, room_ids)
            print(f'  {database}: filled {n_messages:,} messages in {seconds:.1f} s', flush=True)
            measured = await _measure(services, repeats)
        finally:
            await services.stop()
    finally:
        if pg_url:
            _drop_pg(pg_base, pg_url)
        shutil.rmtree(work / f'search-{database}', ignore_errors=True)
    return {
        'scenario': 'search',
        'database': database,
        'messages': n_messages,
        'rooms': n_rooms,
        'fill_s': round(seconds, 1),
        **measured,
        'load_avg': round(os.getloadavg()[0], 1),
    }


def _admin(base: str):
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(base)
    return psycopg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, dbname=parsed.database, autocommit=True
    )


def _create_pg(base: str) -> str:
    from sqlalchemy.engine import make_url

    name = f'chat_bench_search_{uuid.uuid4().hex[:10]}'
    with _admin(base) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _drop_pg(base: str, url: str) -> None:
    from sqlalchemy.engine import make_url

    with _admin(base) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def search(
    work: Path, databases: list[str], n_messages: int, n_rooms: int = 100, repeats: int = 20, pg_base: str = ''
) -> list[dict]:
    rows = []
    for database in databases:
        row = asyncio.run(_one(database, work, n_messages, n_rooms, repeats, pg_base))
        kinds = row['kinds']
        print(
            f'  search {database} {n_messages:,} messages: '
            + ', '.join(f'{kind} p50 {k["p50"]} p95 {k["p95"]} p99 {k["p99"]} ms' for kind, k in kinds.items())
            + f'; loop lateness max {row["loop_lateness_max_ms"]} ms (idle {row["idle_lateness_max_ms"]} ms)',
            flush=True,
        )
        rows.append(row)
    return rows
