"""An edition of the annual report: a draft the secretariat prepares, then frozen."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class AnnualEdition(db.Model):
    """One year's report. Once published its figures and PDFs are kept as they were."""

    __tablename__ = "report_editions"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    foreword_en: Mapped[str] = mapped_column(Text, default="")
    foreword_zh: Mapped[str] = mapped_column(Text, default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    notes_zh: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    figures: Mapped[dict | None] = mapped_column(JSON)
    pdf_en: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_zh: Mapped[bytes | None] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    @property
    def is_published(self) -> bool:
        """Frozen: figures and PDFs no longer follow the data."""
        return self.status == "published"

    def foreword(self, locale: str) -> str:
        """The foreword in the reader's language, else in the other one."""
        return (self.foreword_zh or self.foreword_en) if locale == "zh" else (
            self.foreword_en or self.foreword_zh)

    def notes(self, locale: str) -> str:
        """The notes in the reader's language, else in the other one."""
        return (self.notes_zh or self.notes_en) if locale == "zh" else (self.notes_en or self.notes_zh)

    def pdf(self, locale: str) -> bytes | None:
        """The frozen PDF of a language."""
        return self.pdf_zh if locale == "zh" else self.pdf_en
