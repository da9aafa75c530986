"""Evidence files and the hash-chained custody log: writing, and re-checking both."""

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import uploads
from portal.errors import Conflict
from portal.extensions import db
from portal.models import utcnow

from .custody import GENESIS, ChainEntry, ChainProblem, ChainReport, ProblemKind, verify_chain
from .lifecycle import STATUS_LABELS
from .models import CustodyEntry, Evidence, TestPurchase


def append_custody(purchase: TestPurchase, actor: Any, action: str, what: str = "",
                   why: str = "", evidence: Evidence | None = None) -> CustodyEntry:
    """Add the next entry to the purchase's custody log, chained to the one before."""
    # Lock the purchase row so two writers cannot both take the same sequence number
    # (PostgreSQL); SQLite serialises writers anyway.
    db.session.execute(select(TestPurchase.id).where(TestPurchase.id == purchase.id)
                       .with_for_update())
    last = db.session.scalar(select(CustodyEntry).where(CustodyEntry.purchase_id == purchase.id)
                             .order_by(CustodyEntry.seq.desc()).limit(1))
    entry = CustodyEntry(
        purchase_id=purchase.id, seq=(last.seq + 1) if last else 1,
        at=utcnow().isoformat(timespec="seconds"),
        actor_id=getattr(actor, "id", None),
        actor_name=f"{actor.name} ({actor.organisation.name})" if actor is not None else "system",
        action=action, what=what[:2000], why=why[:2000],
        evidence_id=evidence.id if evidence else None,
        evidence_sha256=evidence.sha256 if evidence else None,
        previous_hash=last.hash if last else GENESIS, hash="")
    from .custody import entry_hash

    entry.hash = entry_hash(entry.previous_hash, entry.chained_fields())
    db.session.add(entry)
    purchase.custody_head = entry.hash
    return entry


def store_evidence(purchase: TestPurchase, actor: Any, upload: FileStorage | None,
                   description: str = "") -> Evidence:
    """Keep an uploaded photo or document under its SHA-256 and log it in the custody chain."""
    if not purchase.is_open:
        raise Conflict(_("The purchase is %(status)s; its evidence is complete.",
                         status=STATUS_LABELS[purchase.status]), code="illegal_transition")
    stored = uploads.store(upload, allowed=uploads.EVIDENCE, field="file",
                           max_bytes=current_app.config.get("TESTBUY_MAX_EVIDENCE_BYTES"))
    item = Evidence(purchase_id=purchase.id, sha256=stored.sha256, size=stored.size,
                    mime=stored.mime, filename=stored.filename, stage=purchase.status,
                    description=description[:300], uploaded_by_id=actor.id, uploaded_at=utcnow())
    db.session.add(item)
    db.session.flush()
    append_custody(purchase, actor, "evidence", what=f"{stored.filename} ({stored.mime}, "
                   f"{stored.size} bytes)", why=description, evidence=item)
    return item


def _evidence_path(row: CustodyEntry) -> str | None:
    """'<sha256>/<file name>': where the bytes are, and the name a reader recognises."""
    if row.evidence_id is None:
        return None
    name = row.evidence.filename if row.evidence else "file"
    return f"{row.evidence_sha256}/{name}"


def _stored_hash(evidence_path: str) -> str | None:
    """The current SHA-256 of a stored file, or None when it is gone."""
    from .custody import sha256_file

    sha256 = evidence_path.split("/", 1)[0]
    try:
        path = uploads.path_for(sha256)
    except ValueError:
        return None
    return sha256_file(path) if path.is_file() else None


def verify_purchase(purchase: TestPurchase) -> ChainReport:
    """Re-check the custody chain, its head, and every evidence file against its hash."""
    rows = list(db.session.scalars(select(CustodyEntry).where(
        CustodyEntry.purchase_id == purchase.id).order_by(CustodyEntry.seq, CustodyEntry.id)))
    entries = [ChainEntry(seq=r.seq, fields=r.chained_fields(), previous_hash=r.previous_hash,
                          hash=r.hash,
                          evidence_path=_evidence_path(r),
                          evidence_sha256=_recorded_sha(r)) for r in rows]
    report = verify_chain(entries, _stored_hash)
    problems = list(report.problems)
    head = rows[-1].hash if rows else None
    if purchase.custody_head != head:
        seq = rows[-1].seq if rows else 0
        problems.append(ChainProblem(seq, ProblemKind.LINK,
                                     f"entry {seq}: the newest entry is not the recorded head of "
                                     "the log (entries removed from its end, or the head altered)"))
    return ChainReport(checked=report.checked, problems=tuple(problems))


def _recorded_sha(row: CustodyEntry) -> str | None:
    """The hash the evidence row holds: a changed row shows up as a changed file."""
    if row.evidence_id is None:
        return None
    item = db.session.get(Evidence, row.evidence_id)
    if item is None or item.sha256 != row.evidence_sha256:
        return None  # reported as evidence without a valid recorded hash
    return row.evidence_sha256
