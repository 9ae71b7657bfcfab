"""issuing reads less: the waiting line's counts read an index, and a layout version lets
processes cache zones and categories

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 07:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_line', ['status', 'category', 'transferred_to_window', 'queued_at',
                                                 'priority'], unique=False)
        batch_op.drop_index('ix_ticket_open')
    with op.batch_alter_table('hall_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layout_version', sa.Integer(), server_default=sa.text('0'),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('hall_settings', schema=None) as batch_op:
        batch_op.drop_column('layout_version')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_open', ['status', 'category'], unique=False)
        batch_op.drop_index('ix_ticket_line')
