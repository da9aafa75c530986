"""Test purchases: join requests and decisions, one verdict per brand, a version column
for conditional transitions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

import portal.models  # noqa: F401  (column types)

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('test_purchases', sa.Column('version', sa.Integer(), server_default='1',
                                              nullable=False))
    with op.batch_alter_table('test_purchase_participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='active',
                                      nullable=False))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', portal.models.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_test_purchase_participants_decided_by_id_users'),
                                    'users', ['decided_by_id'], ['id'])
    op.create_table('test_purchase_authentications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purchase_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('at', portal.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_test_purchase_authentications_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_test_purchase_authentications_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['purchase_id'], ['test_purchases.id'], name=op.f('fk_test_purchase_authentications_purchase_id_test_purchases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_test_purchase_authentications')),
    sa.UniqueConstraint('purchase_id', 'organisation_id', name='uq_test_purchase_authentications_org')
    )
    with op.batch_alter_table('test_purchase_authentications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_test_purchase_authentications_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_test_purchase_authentications_purchase_id'), ['purchase_id'], unique=False)
    # Verdicts given before: the purchase's one verdict becomes the authenticating
    # person's organisation's.
    op.execute(
        "INSERT INTO test_purchase_authentications "
        "(purchase_id, organisation_id, verdict, method, notes, by_id, at) "
        "SELECT p.id, u.organisation_id, p.verdict, p.auth_method, p.auth_notes, "
        "p.authenticated_by_id, p.authenticated_at FROM test_purchases p "
        "JOIN users u ON u.id = p.authenticated_by_id "
        "WHERE p.verdict IS NOT NULL AND p.authenticated_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('test_purchase_authentications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_test_purchase_authentications_purchase_id'))
        batch_op.drop_index(batch_op.f('ix_test_purchase_authentications_organisation_id'))
    op.drop_table('test_purchase_authentications')
    with op.batch_alter_table('test_purchase_participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_test_purchase_participants_decided_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('status')
    op.drop_column('test_purchases', 'version')
