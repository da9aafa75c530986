"""Test purchases, their participants, evidence, custody log and settlement payments."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User, WorkingGroup
from portal.extensions import db
from portal.models import UTCDateTime, utcnow
from portal.parsing import MAX_AMOUNT  # noqa: F401  (the one bound on amounts, re-exported)

OPEN_STATUSES = ("proposed", "scheduled", "ordered", "received", "authenticated")
STATUSES = (*OPEN_STATUSES, "closed", "cancelled")
VERDICTS = ("counterfeit", "genuine", "inconclusive")
# A participant row: taking part, asking to (an organisation outside the purchase's
# working group, until the lead organisation or staff decide), or refused.
PARTICIPANT_STATUSES = ("active", "requested", "declined")
SOURCE_KINDS = ("member", "rule_hit", "analytics")

# One open purchase per platform and seller across the alliance: the database
# itself refuses the second one, so two companies racing cannot both win.
_OPEN_WHERE = text("status NOT IN ('closed', 'cancelled')")


class TestPurchase(db.Model):
    """A joint test purchase of one seller's listing, from proposal to outcome."""

    __test__ = False  # a model, not a test class for pytest to collect
    __tablename__ = "test_purchases"
    # What test_purchase.view reads besides its columns: who takes part.
    view_rule_reads = ("participants",)
    __table_args__ = (
        Index("uq_test_purchases_open_target", "platform", "seller_id", unique=True,
              sqlite_where=_OPEN_WHERE, postgresql_where=_OPEN_WHERE),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(60))
    seller_id: Mapped[str] = mapped_column(String(120), index=True)
    listing_url: Mapped[str] = mapped_column(String(500), default="")
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"),
                                                         index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    budget_amount: Mapped[int | None] = mapped_column(BigInteger)
    source_kind: Mapped[str] = mapped_column(String(20), default="member")
    source_ref: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # scheduling
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    purchaser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # order
    order_number: Mapped[str | None] = mapped_column(String(120))
    cost_amount: Mapped[int | None] = mapped_column(BigInteger)
    paid_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # receipt
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_notes: Mapped[str] = mapped_column(Text, default="")
    auth_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # authentication
    verdict: Mapped[str | None] = mapped_column(String(20))
    auth_method: Mapped[str] = mapped_column(String(200), default="")
    auth_notes: Mapped[str] = mapped_column(Text, default="")
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    authenticated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # outcome
    taken_down_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seller_penalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    value_involved: Mapped[int | None] = mapped_column(BigInteger)
    referral_prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # end
    summary: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The hash of the newest custody entry, kept apart from the log so that
    # entries cut from its end are noticed too.
    custody_head: Mapped[str | None] = mapped_column(String(64))
    # Every transition is one conditional write on this column (see services._claim):
    # of two simultaneous moves from the same version only one succeeds.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    working_group: Mapped[WorkingGroup | None] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    proposer_org: Mapped[Organisation] = relationship(foreign_keys=[proposer_org_id])
    purchaser: Mapped[User | None] = relationship(foreign_keys=[purchaser_id])
    paid_by_org: Mapped[Organisation | None] = relationship(foreign_keys=[paid_by_org_id])
    authenticated_by: Mapped[User | None] = relationship(foreign_keys=[authenticated_by_id])
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="purchase", order_by="Participant.id")
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="purchase", order_by="Evidence.id")
    custody: Mapped[list["CustodyEntry"]] = relationship(
        back_populates="purchase", order_by="CustodyEntry.seq")
    authentications: Mapped[list["Authentication"]] = relationship(
        back_populates="purchase", order_by="Authentication.id")

    @property
    def is_open(self) -> bool:
        """Still running: neither closed nor cancelled."""
        return self.status in OPEN_STATUSES

    @property
    def active_participants(self) -> list["Participant"]:
        """Organisations sharing the cost now (those who left are kept but not counted)."""
        return [p for p in self.participants if p.left_at is None and p.status == "active"]

    @property
    def join_requests(self) -> list["Participant"]:
        """Organisations outside the working group waiting for the lead's decision."""
        return [p for p in self.participants if p.status == "requested"]

    def participant_org_ids(self) -> set[int]:
        """Organisations currently taking part."""
        return {p.organisation_id for p in self.active_participants}

    @property
    def title(self) -> str:
        """A short name: platform and seller."""
        return f"{self.platform} · {self.seller_id}"


class Participant(db.Model):
    """A member organisation sharing a purchase's cost by weight."""

    __tablename__ = "test_purchase_participants"
    __table_args__ = (UniqueConstraint("purchase_id", "organisation_id",
                                       name="uq_test_purchase_participants_org"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("test_purchases.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    weight: Mapped[int] = mapped_column(default=1)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    purchase: Mapped[TestPurchase] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship()


class Authentication(db.Model):
    """One participating brand's verdict on its own item of a purchase, given once."""

    __tablename__ = "test_purchase_authentications"
    __table_args__ = (UniqueConstraint("purchase_id", "organisation_id",
                                       name="uq_test_purchase_authentications_org"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("test_purchases.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    purchase: Mapped[TestPurchase] = relationship(back_populates="authentications")
    organisation: Mapped[Organisation] = relationship()
    by: Mapped[User] = relationship()


class Evidence(db.Model):
    """A photo or document kept under its SHA-256, recorded at upload."""

    __tablename__ = "test_purchase_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("test_purchases.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    purchase: Mapped[TestPurchase] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship()


class CustodyEntry(db.Model):
    """One hand-over or action in a purchase's append-only, hash-chained custody log."""

    __tablename__ = "test_purchase_custody"
    __table_args__ = (UniqueConstraint("purchase_id", "seq", name="uq_test_purchase_custody_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("test_purchases.id"), index=True)
    seq: Mapped[int]
    at: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    what: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[str] = mapped_column(Text, default="")
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("test_purchase_evidence.id"))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64))
    # Version 1: `hash` is plain SHA-256 (entries from before keys); version 2: HMAC-SHA256
    # under the custody key, and `facts` holds the entry's structured facts (canonical JSON).
    hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    facts: Mapped[str | None] = mapped_column(Text)

    purchase: Mapped[TestPurchase] = relationship(back_populates="custody")
    evidence: Mapped[Evidence | None] = relationship()

    def chained_fields(self) -> dict:
        """The fields the hash covers (the evidence hash included, so it cannot be swapped)."""
        fields = {"purchase": self.purchase_id, "at": self.at, "actor_id": self.actor_id,
                  "actor": self.actor_name, "action": self.action, "what": self.what,
                  "why": self.why, "evidence_id": self.evidence_id,
                  "evidence_sha256": self.evidence_sha256}
        if self.version != 1:  # keyed entries also cover their number, version and facts
            fields.update({"v": self.version, "seq": self.seq, "facts": self.facts})
        return fields


class SettlementPayment(db.Model):
    """Money one organisation paid another to settle the test-purchase ledger."""

    __tablename__ = "test_purchase_settlements"
    id: Mapped[int] = mapped_column(primary_key=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_org: Mapped[Organisation] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Organisation] = relationship(foreign_keys=[to_org_id])
    recorded_by: Mapped[User] = relationship()


@event.listens_for(CustodyEntry, "before_update")
@event.listens_for(CustodyEntry, "before_delete")
def _custody_is_append_only(mapper, connection, target) -> None:  # noqa: ARG001
    """The custody log is only ever added to."""
    raise RuntimeError("the custody log is append-only")
