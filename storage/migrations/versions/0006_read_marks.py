"""Read marks start where every existing member stands: everything before this upgrade counts as read.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        'UPDATE membership SET last_read_message_id = '
        '(SELECT max(message.id) FROM message WHERE message.room_id = membership.room_id) '
        'WHERE last_read_message_id IS NULL'
    )


def downgrade() -> None:
    pass  # the marks stay; the older code ignores them
