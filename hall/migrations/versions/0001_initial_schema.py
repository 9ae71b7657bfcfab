"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 04:34:25.091268
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alarm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('device', sa.String(length=64), nullable=True),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alarm'))
    )
    with op.batch_alter_table('alarm', schema=None) as batch_op:
        batch_op.create_index('uq_alarm_open_subject', ['kind', 'subject', 'level'], unique=True, sqlite_where=sa.text('cleared_at IS NULL'), postgresql_where=sa.text('cleared_at IS NULL'))

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=2), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_event_ticket', ['ticket_id'], unique=False)

    op.create_table('daily_counter',
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('prefix', sa.String(length=2), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('business_date', 'prefix', name=op.f('pk_daily_counter'))
    )
    op.create_table('device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('zone', sa.String(length=8), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('revoked', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device')),
    sa.UniqueConstraint('name', name=op.f('uq_device_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_device_token_hash'))
    )
    op.create_table('device_state',
    sa.Column('device', sa.String(length=64), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('kiosk', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('device', name=op.f('pk_device_state'))
    )
    op.create_table('hall_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('announce', sa.String(length=200), nullable=False),
    sa.Column('notice', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hall_settings'))
    )
    op.create_table('login_failure',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_failure'))
    )
    op.create_table('server_secret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_secret'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('staff_no', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('disabled', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_username'))
    )
    op.create_table('zone',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_zone'))
    )
    op.create_table('category',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('zone', sa.String(length=8), nullable=False),
    sa.Column('daily_quota', sa.Integer(), nullable=True),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('service_limit_min', sa.Integer(), nullable=True),
    sa.Column('wait_alarm_min', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['zone'], ['zone.code'], name=op.f('fk_category_zone_zone')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_category'))
    )
    op.create_table('login_token',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_login_token_staff_id_staff')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_login_token'))
    )
    op.create_table('window',
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=8), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=True),
    sa.Column('post', sa.String(length=1), nullable=True),
    sa.Column('paused', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('pause_reason', sa.String(length=200), nullable=True),
    sa.Column('current_ticket_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['clerk_id'], ['staff.id'], name=op.f('fk_window_clerk_id_staff')),
    sa.ForeignKeyConstraint(['zone'], ['zone.code'], name=op.f('fk_window_zone_zone')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_window'))
    )
    op.create_table('ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('prefix', sa.String(length=2), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=2), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('transferred_to_window', sa.Integer(), nullable=True),
    sa.Column('recalls', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('served_by', sa.Integer(), nullable=True),
    sa.Column('track_token', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=True),
    sa.Column('holder_key', sa.String(length=64), nullable=True),
    sa.Column('appointment_code', sa.String(length=64), nullable=True),
    sa.Column('kiosk', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['category'], ['category.code'], name=op.f('fk_ticket_category_category')),
    sa.ForeignKeyConstraint(['served_by'], ['staff.id'], name=op.f('fk_ticket_served_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket')),
    sa.UniqueConstraint('business_date', 'prefix', 'number', name='uq_ticket_day_number'),
    sa.UniqueConstraint('track_token', name=op.f('uq_ticket_track_token'))
    )
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_day', ['business_date', 'category'], unique=False)
        batch_op.create_index('ix_ticket_open', ['status', 'category'], unique=False)

    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('assess_number', sa.Integer(), nullable=False),
    sa.Column('window', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_evaluation_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation')),
    sa.UniqueConstraint('ticket_id', 'assess_number', name='uq_evaluation_ticket_number')
    )
    op.create_table('evaluation_request',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('window', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_evaluation_request_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_evaluation_request'))
    )
    op.create_table('idempotency_key',
    sa.Column('issuer', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_idempotency_key_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('issuer', 'key', name=op.f('pk_idempotency_key'))
    )
    op.create_table('print_job',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kiosk', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_print_job_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_job'))
    )
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.create_index('ix_print_job_pending', ['kiosk', 'state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.drop_index('ix_print_job_pending')

    op.drop_table('print_job')
    op.drop_table('idempotency_key')
    op.drop_table('evaluation_request')
    op.drop_table('evaluation')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_open')
        batch_op.drop_index('ix_ticket_day')

    op.drop_table('ticket')
    op.drop_table('window')
    op.drop_table('login_token')
    op.drop_table('category')
    op.drop_table('zone')
    op.drop_table('staff')
    op.drop_table('server_secret')
    op.drop_table('login_failure')
    op.drop_table('hall_settings')
    op.drop_table('device_state')
    op.drop_table('device')
    op.drop_table('daily_counter')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_ticket')
        batch_op.drop_index('ix_audit_event_at')

    op.drop_table('audit_event')
    with op.batch_alter_table('alarm', schema=None) as batch_op:
        batch_op.drop_index('uq_alarm_open_subject', sqlite_where=sa.text('cleared_at IS NULL'), postgresql_where=sa.text('cleared_at IS NULL'))

    op.drop_table('alarm')
