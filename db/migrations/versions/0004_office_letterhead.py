"""Office letterhead: parent body, place name, signer, document number prefix and an own .docx template (issue #16).

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
        batch_op.add_column(sa.Column('template_file_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_office_template_file', 'storedfile', ['template_file_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_constraint('fk_office_template_file', type_='foreignkey')
        batch_op.drop_column('template_file_id')
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
