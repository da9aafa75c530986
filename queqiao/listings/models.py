"""The proving corpus: listings known to be genuine or counterfeit."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models import UTCDateTime, utcnow

CORPUS_KINDS = ("genuine", "counterfeit")


class CorpusListing(db.Model):
    """A listing known to be genuine (must not hit) or counterfeit (should hit)."""

    __tablename__ = "corpus_listings"
    __table_args__ = (Index("ix_corpus_listings_kind_title", "kind", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Whose listing it is: a rule is proven on its own brand's counterfeits.
    brand: Mapped[str | None] = mapped_column(String(120), index=True)
    title: Mapped[str] = mapped_column(String(500))
    price: Mapped[int | None] = mapped_column()
    region: Mapped[str | None] = mapped_column(String(80))
    # Provenance: "manual" or "upload" (staff), "outcome" (a hit taken down or found a
    # false positive), "test_purchase" (a brand's verdict on a test purchase).
    source: Mapped[str] = mapped_column(String(20), default="manual")
    hit_id: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
