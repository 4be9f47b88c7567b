"""Full-text search over messages: an FTS5 index on SQLite, a tsvector column with a GIN index on PostgreSQL.

Both are kept in step with `message.body` by the database itself (SQLite triggers, a PostgreSQL generated column), so
every writer (posts, edits, deletions, bulk imports) is indexed without the application's help; existing messages are
indexed here. A deleted message's body is '', which has no words to find.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SQLITE_UP = [
    # external content: the index holds the words only, the text stays in `message`
    "CREATE VIRTUAL TABLE message_fts USING fts5(body, content='message', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='3')",
    'CREATE TRIGGER message_fts_insert AFTER INSERT ON message BEGIN '
    'INSERT INTO message_fts (rowid, body) VALUES (new.id, new.body); END',
    'CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN '
    "INSERT INTO message_fts (message_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    'CREATE TRIGGER message_fts_update AFTER UPDATE OF body ON message BEGIN '
    "INSERT INTO message_fts (message_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    'INSERT INTO message_fts (rowid, body) VALUES (new.id, new.body); END',
    "INSERT INTO message_fts (message_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    'DROP TRIGGER IF EXISTS message_fts_update',
    'DROP TRIGGER IF EXISTS message_fts_delete',
    'DROP TRIGGER IF EXISTS message_fts_insert',
    'DROP TABLE IF EXISTS message_fts',
]
POSTGRES_UP = [
    # 'simple': lower-cased words, no stemming, so Russian and English (and any other language) are found alike
    "ALTER TABLE message ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED",
    'CREATE INDEX ix_message_search ON message USING gin (search)',
]
POSTGRES_DOWN = ['DROP INDEX IF EXISTS ix_message_search', 'ALTER TABLE message DROP COLUMN IF EXISTS search']


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(POSTGRES_UP if op.get_bind().dialect.name == 'postgresql' else SQLITE_UP)


def downgrade() -> None:
    _run(POSTGRES_DOWN if op.get_bind().dialect.name == 'postgresql' else SQLITE_DOWN)
