"""Admin page and account deletion: disabled and deleted users, one-time password reset links, the daily activity
rollups the dashboard reads (filled from the existing messages), and an index on a message's author.

Revision ID: 0011
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ROLLUPS = (('room_day', 'room_id', 'room'), ('author_day', 'author_id', 'user'))


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_message_author_id_id', 'message', ['author_id', 'id'])
    for table, column, parent in ROLLUPS:
        op.create_table(
            table,
            sa.Column('day', sa.String(10), primary_key=True),
            sa.Column(column, sa.Integer(), sa.ForeignKey(f'{parent}.id', ondelete='CASCADE'), primary_key=True),
            sa.Column('messages', sa.Integer(), nullable=False, server_default='0'),
        )
    op.create_table(
        'password_reset',
        sa.Column('token_hash', sa.String(64), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_password_reset_user_id', 'password_reset', ['user_id'])
    sqlite = op.get_bind().dialect.name == 'sqlite'
    day = 'substr(created_at, 1, 10)' if sqlite else "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    for table, column, _parent in ROLLUPS:
        op.execute(
            f'INSERT INTO {table} (day, {column}, messages) SELECT {day}, {column}, count(*) FROM message GROUP BY 1, 2'
        )


def downgrade() -> None:
    op.drop_table('password_reset')
    for table, _column, _parent in ROLLUPS:
        op.drop_table(table)
    op.drop_index('ix_message_author_id_id', 'message')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('deleted_at')
        batch.drop_column('disabled')
