"""Zalo Official Account: the OAuth tokens every process shares (table zalooatoken, issue #15).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'zalooatoken',
        sa.Column('app_id', sa.String(), nullable=False),
        sa.Column('access_token', sa.String(), nullable=False),
        sa.Column('refresh_token', sa.String(), nullable=False),
        sa.Column('access_expires_at', sa.DateTime(), nullable=False),
        sa.Column('refreshing_until', sa.DateTime(), nullable=True),
        sa.Column('seed_sha256', sa.String(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('app_id'),
    )


def downgrade() -> None:
    op.drop_table('zalooatoken')
