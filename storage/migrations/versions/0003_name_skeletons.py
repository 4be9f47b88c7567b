"""Confusable skeletons of usernames and display names: no two people may look alike.

Fills both columns for the existing accounts, oldest first. Nobody is renamed: when a later account's name looks like
an earlier account's (same skeleton, in either column), the later one's skeleton stays NULL and a WARNING lists the
clashing ids, so an admin can ask one of them to change their name (any change of display name is checked).

Revision ID: 0003
Revises: 0002
"""

import logging

import sqlalchemy as sa
from alembic import op

from chat.names import skeleton

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

log = logging.getLogger('chat.migrations')
SKELETON_LENGTH = 1024


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('username_skeleton', sa.String(SKELETON_LENGTH), nullable=True))
        batch.add_column(sa.Column('display_skeleton', sa.String(SKELETON_LENGTH), nullable=True))
    connection = op.get_bind()
    user = sa.table(
        'user',
        sa.column('id', sa.Integer),
        sa.column('username', sa.String),
        sa.column('display_name', sa.String),
        sa.column('username_skeleton', sa.String),
        sa.column('display_skeleton', sa.String),
    )
    owners: dict[str, int] = {}  # skeleton -> the id of the oldest account that has it
    clashes: list[tuple[int, str, int]] = []
    rows = connection.execute(sa.select(user.c.id, user.c.username, user.c.display_name).order_by(user.c.id))
    for user_id, username, display_name in list(rows):
        values = {}
        for column, name in (('username_skeleton', username), ('display_skeleton', display_name)):
            key = skeleton(name)
            owner = owners.setdefault(key, user_id)
            if owner == user_id:
                values[column] = key
            else:
                clashes.append((user_id, 'username' if column == 'username_skeleton' else 'display name', owner))
        if values:
            connection.execute(user.update().where(user.c.id == user_id).values(**values))
    for user_id, which, owner in clashes:
        log.warning(
            'user %d: %s looks like a name of user %d; left without a skeleton (not renamed) - ask one of '
            'them to change it',
            user_id,
            which,
            owner,
        )
    if clashes:
        log.warning(
            'look-alike names among existing accounts, user ids (later, earlier): %s',
            ', '.join(f'({user_id}, {owner})' for user_id, _, owner in clashes),
        )
    op.create_index('ix_user_username_skeleton', 'user', ['username_skeleton'], unique=True)
    op.create_index('ix_user_display_skeleton', 'user', ['display_skeleton'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_user_display_skeleton', table_name='user')
    op.drop_index('ix_user_username_skeleton', table_name='user')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('display_skeleton')
        batch.drop_column('username_skeleton')
