"""A shared document and its versions (each version is immutable bytes under its SHA-256)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User, WorkingGroup
from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class Document(db.Model):
    """A document of one group; its content lives in its versions."""

    __tablename__ = "documents"
    # What document.view reads: the group.
    view_rule_reads = ("group",)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship()
    created_by: Mapped[User] = relationship()
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.number")

    @property
    def latest(self) -> "DocumentVersion":
        """The newest version."""
        return self.versions[-1]


class DocumentVersion(db.Model):
    """One uploaded version: what was stored, by whom, when."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column()
    mime: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User] = relationship()
