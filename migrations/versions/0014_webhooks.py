"""Webhooks: members' systems are sent signed events; the log of each delivery

Revision ID: 0014_webhooks
Revises: 0013
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa
import portal.models  # noqa: F401  (column types)


# revision identifiers, used by Alembic.
revision = '0014_webhooks'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhooks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('disabled_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('allow_private', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhooks_organisation_id'), ['organisation_id'],
                              unique=False)

    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('response_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('about_table', sa.String(length=60), nullable=True),
    sa.Column('about_id', sa.Integer(), nullable=True),
    sa.Column('view_rule', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_webhook_id'), ['webhook_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    op.drop_table('webhook_deliveries')
    op.drop_table('webhooks')
