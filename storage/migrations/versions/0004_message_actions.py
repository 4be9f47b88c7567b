"""Message actions: edited and deleted marks, replies, and reactions.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message') as batch:
        batch.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('reply_to', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_message_reply_to', 'message', ['reply_to'], ['id'], ondelete='SET NULL')
    op.create_table(
        'reaction',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey('message.id', ondelete='CASCADE'), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=False),
        sa.Column('emoji', sa.String(16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('message_id', 'user_id', 'emoji', name='uq_reaction_message_user_emoji'),
    )


def downgrade() -> None:
    op.drop_table('reaction')
    with op.batch_alter_table('message') as batch:
        batch.drop_constraint('fk_message_reply_to', type_='foreignkey')
        batch.drop_column('reply_to')
        batch.drop_column('deleted_at')
        batch.drop_column('edited_at')
