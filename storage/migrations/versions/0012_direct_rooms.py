"""Direct conversations: a room may belong to a pair of people, at most one room per pair.

Revision ID: 0012
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('room') as batch:
        batch.add_column(sa.Column('direct_key', sa.String(40), nullable=True))
    op.create_index('ix_room_direct_key', 'room', ['direct_key'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_room_direct_key', 'room')
    with op.batch_alter_table('room') as batch:
        batch.drop_column('direct_key')
