"""Telegram file ids on stored files; outbox priority and the index the dispatcher claims by.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('storedfile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telegram_file_id', sa.String(), nullable=True))
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_index('ix_outbox_due', ['channel', 'status', 'priority', 'not_before'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.drop_column('priority')
    with op.batch_alter_table('storedfile', schema=None) as batch_op:
        batch_op.drop_column('telegram_file_id')
