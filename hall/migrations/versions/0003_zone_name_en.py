"""zones have English names

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:35:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.drop_column('name_en')
