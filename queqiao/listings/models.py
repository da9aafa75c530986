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
    title: Mapped[str] = mapped_column(String(500))
    price: Mapped[int | None] = mapped_column()
    region: Mapped[str | None] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(20), default="manual")
    hit_id: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
