"""The search scenario, tiny: 3,000 messages on SQLite (and on PostgreSQL with CHAT_TEST_DATABASE_URL). Only what
the searches find and where they ran is asserted, never a time."""

from __future__ import annotations

import os
from pathlib import Path

from bench import search
from bench.report import table


def test_search_scenario_finds_common_words_in_the_database_threads(tmp_path: Path) -> None:
    databases = ['sqlite'] + (['postgresql'] if os.environ.get('CHAT_TEST_DATABASE_URL') else [])
    rows = search.search(
        tmp_path, databases, 3000, n_rooms=10, repeats=2, pg_base=os.environ.get('CHAT_TEST_DATABASE_URL', '')
    )
    assert [row['database'] for row in rows] == databases
    for row in rows:
        assert set(row['kinds']) == {'common', 'rare', 'two words', 'filtered'}
        assert row['kinds']['common']['hits_min'] == 20  # a full first page of each common word
        assert row['kinds']['common']['runs'] == 2 * len(search.QUERIES['common'])
        assert row['db_threads_only']  # every query ran in a database thread, none on the event loop
        assert 0 < row['kinds']['common']['p50'] <= row['kinds']['common']['max']
    assert '| search: first page (20) |' in table({'machine': _machine(), 'rows': rows})


def test_bodies_hold_the_words_at_their_frequencies() -> None:
    texts = search.bodies(20_000)
    common = sum('meeting' in text.lower() for text in texts) / len(texts)
    assert 0.03 < common < 0.07
    assert any('привет' in text.lower() for text in texts)


def _machine() -> dict:
    return {'cpu': 'x', 'cores': 2, 'ram_gb': 1, 'python': '3'}
