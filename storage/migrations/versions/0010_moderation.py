"""Room moderation: a member's role (member or moderator), mutes and bans, and the log of moderation actions.

Revision ID: 0010
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('membership') as batch:
        batch.add_column(sa.Column('role', sa.String(16), nullable=False, server_default='member'))
    op.create_table(
        'room_restriction',
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('kind', sa.String(8), primary_key=True),
        sa.Column('until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.String(200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'moderation_action',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id', ondelete='CASCADE'), nullable=False),
        sa.Column('actor_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('target_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('action', sa.String(16), nullable=False),
        sa.Column('reason', sa.String(200), nullable=True),
        sa.Column('until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_moderation_action_room_id_id', 'moderation_action', ['room_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_moderation_action_room_id_id', table_name='moderation_action')
    op.drop_table('moderation_action')
    op.drop_table('room_restriction')
    with op.batch_alter_table('membership') as batch:
        batch.drop_column('role')
