"""Jobs on a task queue: job runs for the jobs page; feeds split into chunks that workers share

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:30:00

"""
from alembic import op
import sqlalchemy as sa
import portal.models  # noqa: F401  (column types)


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retries', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('queued_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id')
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_queued_at'), ['queued_at'], unique=False)

    with op.batch_alter_table('feed_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('total', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('chunks', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('chunks_done', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('header', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('started_at', portal.models.UTCDateTime(timezone=True),
                                      nullable=True))

    op.create_table('feed_chunks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start', sa.BigInteger(), nullable=False),
    sa.Column('end', sa.BigInteger(), nullable=False),
    sa.Column('first_line', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=True),
    sa.Column('enqueued_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('scanned', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('bad_count', sa.Integer(), nullable=False),
    sa.Column('bad_rows', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feed_uploads.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feed_id', 'number', name='uq_feed_chunks_feed_number')
    )
    with op.batch_alter_table('feed_chunks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_chunks_feed_id'), ['feed_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feed_chunks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_chunks_feed_id'))
    op.drop_table('feed_chunks')
    with op.batch_alter_table('feed_uploads', schema=None) as batch_op:
        batch_op.drop_column('started_at')
        batch_op.drop_column('header')
        batch_op.drop_column('chunks_done')
        batch_op.drop_column('chunks')
        batch_op.drop_column('total')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_queued_at'))
        batch_op.drop_index(batch_op.f('ix_job_runs_name'))
        batch_op.drop_index('ix_job_runs_status')
    op.drop_table('job_runs')
