"""Staff console: one-time sign-in links (only the sha256 of each token is kept) and the session each opened.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consolelink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('signed_out_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consolelink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consolelink_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_consolelink_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('consolelink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consolelink_staff_id'))
        batch_op.drop_index(batch_op.f('ix_consolelink_token_hash'))
    op.drop_table('consolelink')
