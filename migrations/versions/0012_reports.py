"""Annual report editions: foreword, notes, and once published the frozen figures and PDFs

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
import portal.models  # noqa: F401  (column types)


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_editions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('foreword_en', sa.Text(), nullable=False),
    sa.Column('foreword_zh', sa.Text(), nullable=False),
    sa.Column('notes_en', sa.Text(), nullable=False),
    sa.Column('notes_zh', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('pdf_en', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_zh', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_report_editions_published_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_report_editions_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_editions')),
    sa.UniqueConstraint('year', name=op.f('uq_report_editions_year'))
    )


def downgrade():
    op.drop_table('report_editions')
