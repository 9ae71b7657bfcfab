"""device states know the window or zone of the screen or keypad

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 05:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('device_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('zone', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('device_state', schema=None) as batch_op:
        batch_op.drop_column('zone')
        batch_op.drop_column('window')
