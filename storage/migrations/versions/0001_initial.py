"""Initial schema: users, rooms, memberships, messages.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('username', sa.String(32), nullable=False),
        sa.Column('username_key', sa.String(32), nullable=False, unique=True),
        sa.Column('display_name', sa.String(40), nullable=False),
        sa.Column('password_hash', sa.String(255), nullable=False),
        sa.Column('is_admin', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('avatar', sa.String(80), nullable=True),
        sa.Column('language', sa.String(8), nullable=True),
        sa.Column('time_zone', sa.String(64), nullable=True),
        sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'room',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(64), nullable=False),
        sa.Column('name_key', sa.String(192), nullable=False, unique=True),  # case folding: up to 3x the name
        sa.Column('owner_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'membership',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_read_message_id', sa.Integer(), nullable=True),
    )
    op.create_table(
        'message',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id', ondelete='CASCADE'), nullable=False),
        sa.Column('author_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_message_room_id_id', 'message', ['room_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_message_room_id_id', table_name='message')
    op.drop_table('message')
    op.drop_table('membership')
    op.drop_table('room')
    op.drop_table('user')
