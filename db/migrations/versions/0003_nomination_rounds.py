"""Nomination rounds that take late entries until staff close them, amendments of returned nominations, dossiers tied to their nominee, staff news preferences, and the ones the office forwards upward.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('notify', sa.String(), nullable=False, server_default='off'))
        batch_op.add_column(sa.Column('notified_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nomination_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_submission_nomination', 'nomination', ['nomination_id'], ['id'])
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_nominations', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('forwarded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('amends_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_nomination_amends', 'nomination', ['amends_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('notified_until')
        batch_op.drop_column('notify')
        batch_op.drop_column('started_at')
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint('fk_nomination_amends', type_='foreignkey')
        batch_op.drop_column('amends_id')
        batch_op.drop_column('forwarded_at')
        batch_op.drop_column('late')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('late_nominations')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_constraint('fk_submission_nomination', type_='foreignkey')
        batch_op.drop_column('nomination_id')
