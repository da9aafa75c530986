"""Custody entries carry their version (plain or keyed hash) and structured facts

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Existing entries are version 1 (plain SHA-256) and keep verifying as such;
    # `flask custody-seal` appends one keyed entry to each of their chains.
    with op.batch_alter_table('test_purchase_custody', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'),
                                      nullable=False))
        batch_op.add_column(sa.Column('facts', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('test_purchase_custody', schema=None) as batch_op:
        batch_op.drop_column('facts')
        batch_op.drop_column('version')
