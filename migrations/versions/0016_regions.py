"""Regions through the gazetteer: stored free-text regions of rules and tips become codes;
rules and corpus listings name their brand

Revision ID: 0016_regions
Revises: 0015_scale
Create Date: 2026-12-01 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_regions'
down_revision = '0015_scale'
branch_labels = None
depends_on = None

TABLES = (("rules", "conditions"), ("rule_versions", "conditions"), ("tips", "regions"))


def _mapped(regions, convert):
    """Each region converted; values the conversion does not know are kept as they were."""
    out = []
    for value in regions or []:
        value = convert(value) or value
        if value not in out:
            out.append(value)
    return out


def _rewrite(convert):
    bind = op.get_bind()
    for name, column in TABLES:
        table = sa.table(name, sa.column("id", sa.Integer), sa.column(column, sa.JSON))
        for row_id, value in bind.execute(sa.select(table.c.id, table.c[column])).all():
            if column == "conditions":
                if not value or not value.get("regions"):
                    continue
                new = dict(value, regions=_mapped(value["regions"], convert))
            else:
                new = _mapped(value, convert)
            if new != value:
                bind.execute(table.update().where(table.c.id == row_id).values({column: new}))


def upgrade():
    from queqiao.listings.gazetteer import resolve_region

    _rewrite(resolve_region)
    with op.batch_alter_table('rules') as batch:
        batch.add_column(sa.Column('brand', sa.String(length=120), nullable=True))
    with op.batch_alter_table('corpus_listings') as batch:
        batch.add_column(sa.Column('brand', sa.String(length=120), nullable=True))
        batch.create_index('ix_corpus_listings_brand', ['brand'])
    # A rule made from a tip is proven on the tip's brand.
    op.execute("UPDATE rules SET brand = (SELECT tips.brand FROM tips WHERE tips.id = rules.tip_id) "
               "WHERE tip_id IS NOT NULL")
    # Listings the corpus took from hits belong to the brand of the hit's rule.
    op.execute("UPDATE corpus_listings SET brand = (SELECT rules.brand FROM hits JOIN rules "
               "ON rules.id = hits.rule_id WHERE hits.id = corpus_listings.hit_id) "
               "WHERE hit_id IS NOT NULL")


def downgrade():
    from queqiao.listings.gazetteer import gazetteer

    with op.batch_alter_table('corpus_listings') as batch:
        batch.drop_index('ix_corpus_listings_brand')
        batch.drop_column('brand')
    with op.batch_alter_table('rules') as batch:
        batch.drop_column('brand')

    regions = gazetteer().regions
    _rewrite(lambda code: regions[code].zh if code in regions else None)
