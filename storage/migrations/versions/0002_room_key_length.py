"""Room name keys are case-folded names, and case folding can lengthen a name up to three times ("ß" -> "ss"):
64 characters of name need up to 192 of key. PostgreSQL enforces VARCHAR lengths (SQLite does not, so its table is
left as it is rather than copied).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    op.alter_column('room', 'name_key', type_=sa.String(192), existing_type=sa.String(64), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    op.alter_column('room', 'name_key', type_=sa.String(64), existing_type=sa.String(192), existing_nullable=False)
