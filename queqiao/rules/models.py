"""Monitoring rules, their versions, and the corpus of listings they are proven on."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.models import UTCDateTime, utcnow

STATUSES = ("shadow", "active", "retired")
LEVELS = ("low", "medium", "high")


class Rule(db.Model):
    """A monitoring rule made by platform staff, usually from an accepted tip."""

    __tablename__ = "rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The accepted tip this rule was made from, if any.
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"), index=True)
    # The brand whose counterfeits the rule is proven on (the tip's brand by default).
    brand: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="shadow", index=True)
    version: Mapped[int] = mapped_column(default=1)
    conditions: Mapped[dict] = mapped_column(JSON)
    level: Mapped[str] = mapped_column(String(20), default="medium")
    known_false_positives: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()
    versions: Mapped[list["RuleVersion"]] = relationship(
        back_populates="rule", order_by="RuleVersion.version.desc()")


class RuleVersion(db.Model):
    """One version of a rule's conditions; hits keep the version that made them."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "version", name="uq_rule_versions_rule_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"), index=True)
    version: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    conditions: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rule: Mapped[Rule] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship()


