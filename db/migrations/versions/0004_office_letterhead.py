"""Office letterhead: parent body, place name, signer and document number prefix (issue #16).

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = ('parent_body', 'place_name', 'signer_title', 'signer_name', 'number_prefix')


def upgrade() -> None:
    with op.batch_alter_table('office', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('office', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
