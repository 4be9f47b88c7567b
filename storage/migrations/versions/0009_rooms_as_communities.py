"""Rooms as communities: a topic and privacy per room, when a member was last seen, and invite links.

Every existing room stays public with an empty topic.

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('room') as batch:
        batch.add_column(sa.Column('topic', sa.String(300), nullable=False, server_default=''))
        batch.add_column(sa.Column('is_private', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('membership') as batch:
        batch.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'invite',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id', ondelete='CASCADE'), nullable=False),
        sa.Column('token_hash', sa.String(64), nullable=False, unique=True),
        sa.Column('created_by', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('max_uses', sa.Integer(), nullable=True),
        sa.Column('uses', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_invite_room_id', 'invite', ['room_id'])


def downgrade() -> None:
    op.drop_index('ix_invite_room_id', 'invite')
    op.drop_table('invite')
    with op.batch_alter_table('membership') as batch:
        batch.drop_column('last_seen_at')
    with op.batch_alter_table('room') as batch:
        batch.drop_column('is_private')
        batch.drop_column('topic')
