"""Hits indexed by time with their outcome, and by rule and time, for the dashboard's sums

Revision ID: 0015_scale
Revises: 0014_webhooks
Create Date: 2026-12-01 12:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_scale'
down_revision = '0014_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_hits_created_at_outcome', 'hits', ['created_at', 'outcome'])
    op.create_index('ix_hits_rule_id_created_at', 'hits', ['rule_id', 'created_at'])


def downgrade():
    op.drop_index('ix_hits_rule_id_created_at', table_name='hits')
    op.drop_index('ix_hits_created_at_outcome', table_name='hits')
