"""Attachments: files sent with messages (the bytes live in the files folder, named by their sha256).

Revision ID: 0008
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachment',
        sa.Column('id', sa.String(32), primary_key=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey('message.id', ondelete='CASCADE'), nullable=True),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id', ondelete='CASCADE'), nullable=False),
        sa.Column('uploader_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('mime', sa.String(100), nullable=False),
        sa.Column('width', sa.Integer(), nullable=True),
        sa.Column('height', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_attachment_message_id', 'attachment', ['message_id'])
    op.create_index('ix_attachment_uploader_id', 'attachment', ['uploader_id'])
    op.create_index('ix_attachment_sha256', 'attachment', ['sha256'])
    op.create_index('ix_attachment_created_at', 'attachment', ['created_at'])


def downgrade() -> None:
    for column in ('created_at', 'sha256', 'uploader_id', 'message_id'):
        op.drop_index(f'ix_attachment_{column}', table_name='attachment')
    op.drop_table('attachment')
