"""Evidence files and the keyed, hash-chained custody log: writing, and re-checking both.

Every entry records, as structured facts, what the step changed in the purchase (see
`facts.py`), and is authenticated with HMAC-SHA256 under the custody key (see
`checkpoint.py`). Re-checking a purchase verifies each entry and link, every evidence
file, the recorded head, and that the stored purchase is what the log's facts say.
"""

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import uploads
from portal.errors import Conflict
from portal.extensions import db
from portal.models import utcnow
from portal.transaction import atomic

from . import facts as record
from .checkpoint import custody_key
from .custody import (
    GENESIS,
    KEYED,
    ChainEntry,
    ChainProblem,
    ChainReport,
    ProblemKind,
    entry_mac,
    verify_chain,
)
from .lifecycle import STATUS_LABELS
from .models import CustodyEntry, Evidence, TestPurchase


def _entries(purchase_id: int) -> list[CustodyEntry]:
    return list(db.session.scalars(select(CustodyEntry).where(
        CustodyEntry.purchase_id == purchase_id).order_by(CustodyEntry.seq, CustodyEntry.id)))


def recorded_state(rows: list[CustodyEntry]) -> record.State:
    """The purchase as its log says: the facts of the keyed entries, replayed in order."""
    return record.replay(record.parse(r.facts) or [] for r in rows if r.version == KEYED)


def append_custody(purchase: TestPurchase, actor: Any, action: str, what: str = "",
                   why: str = "", evidence: Evidence | None = None) -> CustodyEntry:
    """Add the next entry to the purchase's custody log, chained to the one before.

    Call it after the step has changed the purchase: the entry records, as facts, every
    difference between what the log said so far and what the purchase now is. `what` is
    no longer stored (the facts say it, and are rendered in each reader's language);
    `why` is the person's own words (notes, reasons) and is kept as given.
    """
    del what  # kept in the signature for the callers
    # Lock the purchase row so two writers cannot both take the same sequence number
    # (PostgreSQL); SQLite serialises writers anyway. Then read the purchase again: a step
    # committed by someone else while this one waited is in the log already, and must be
    # in what this entry compares with too.
    # FOR NO KEY UPDATE: the rows this step has already inserted (a participant, a file)
    # hold a key-share lock on the purchase, which a plain FOR UPDATE of two such steps
    # would wait on in turn, a deadlock.
    db.session.flush()
    db.session.execute(select(TestPurchase.id).where(TestPurchase.id == purchase.id)
                       .with_for_update(key_share=True))
    db.session.refresh(purchase)
    rows = _entries(purchase.id)
    last = rows[-1] if rows else None
    changed = record.changes(recorded_state(rows), record.observe(purchase))
    entry = CustodyEntry(
        purchase_id=purchase.id, seq=(last.seq + 1) if last else 1,
        at=utcnow().isoformat(timespec="seconds"),
        actor_id=getattr(actor, "id", None),
        actor_name=f"{actor.name} ({actor.organisation.name})" if actor is not None else "system",
        action=action, what="", why=why[:2000],
        evidence_id=evidence.id if evidence else None,
        evidence_sha256=evidence.sha256 if evidence else None,
        previous_hash=last.hash if last else GENESIS, hash="",
        version=KEYED, facts=record.canonical_json(changed))
    entry.hash = entry_mac(custody_key(), entry.previous_hash, entry.chained_fields())
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


def verify_purchase(purchase: TestPurchase, checkpoint: Any = None) -> ChainReport:
    """Re-check the custody chain, its head, every evidence file, and the stored facts.

    With `checkpoint` (a `checkpoint.Checkpoint`), also that the chain extends the head
    the checkpoint anchored for this purchase.
    """
    rows = _entries(purchase.id)
    entries = [ChainEntry(seq=r.seq, fields=r.chained_fields(), previous_hash=r.previous_hash,
                          hash=r.hash, version=r.version,
                          evidence_path=_evidence_path(r),
                          evidence_sha256=_recorded_sha(r)) for r in rows]
    report = verify_chain(entries, _stored_hash, key=custody_key())
    problems = list(report.problems)
    last_seq = rows[-1].seq if rows else 0
    head = rows[-1].hash if rows else None
    if purchase.custody_head != head:
        problems.append(ChainProblem(last_seq, ProblemKind.LINK,
                                     f"entry {last_seq}: the newest entry is not the recorded head "
                                     "of the log (entries removed from its end, or the head "
                                     "altered)"))
    problems.extend(_state_problems(purchase, rows, last_seq))
    if checkpoint is not None:
        problems.extend(anchor_problems(purchase.id, rows, checkpoint))
    return ChainReport(checked=report.checked, problems=tuple(problems))


def _state_problems(purchase: TestPurchase, rows: list[CustodyEntry],
                    last_seq: int) -> list[ChainProblem]:
    """Where the stored purchase says something its log does not."""
    if not rows:
        return [ChainProblem(0, ProblemKind.SEQUENCE, "the custody log has no entries "
                             "(entries removed)", fact="log")]
    if not any(r.version == KEYED for r in rows):
        return [ChainProblem(last_seq, ProblemKind.UNKEYED,
                             f"entry {last_seq}: the log holds no keyed entry, so the stored facts "
                             "are not covered (run flask custody-seal once after upgrading)",
                             fact="log")]
    problems = []
    for row in rows:
        if row.version == KEYED and record.parse(row.facts) is None:
            problems.append(ChainProblem(row.seq, ProblemKind.HASH,
                                         f"entry {row.seq}: its facts cannot be read"))
    for key, said, stored in record.differences(recorded_state(rows), record.observe(purchase)):
        name = key.split(":", 1)[0]
        which = f" ({key.split(':', 1)[1]})" if ":" in key else ""
        problems.append(ChainProblem(
            last_seq, ProblemKind.STATE,
            f"fact {name}{which}: the custody log says {record.describe(said)}, the stored "
            f"purchase says {record.describe(stored)}", fact=name))
    return problems


def anchor_problems(purchase_id: int, rows: list[CustodyEntry], checkpoint: Any,
                    ) -> list[ChainProblem]:
    """Whether the chain extends the head an older checkpoint anchored for it."""
    head = checkpoint.heads.get(purchase_id)
    if head is None:
        return []
    seq, anchored = head["seq"], head["hash"]
    at = next((r for r in rows if r.seq == seq), None)
    if at is None:
        return [ChainProblem(seq, ProblemKind.CHECKPOINT,
                             f"entry {seq}: anchored by the checkpoint of {checkpoint.at}, "
                             "is missing (entries removed)", fact="checkpoint")]
    if at.hash != anchored:
        return [ChainProblem(seq, ProblemKind.CHECKPOINT,
                             f"entry {seq}: its hash differs from the one the checkpoint of "
                             f"{checkpoint.at} anchored (the chain was rewritten)",
                             fact="checkpoint")]
    return []


def _recorded_sha(row: CustodyEntry) -> str | None:
    """The hash the evidence row holds: a changed row shows up as a changed file."""
    if row.evidence_id is None:
        return None
    item = db.session.get(Evidence, row.evidence_id)
    if item is None or item.sha256 != row.evidence_sha256:
        return None  # reported as evidence without a valid recorded hash
    return row.evidence_sha256


@atomic
def seal_custody() -> list[int]:
    """Append one keyed entry to every log that holds none yet (logs from before keys).

    The entry records every fact of the purchase as it stands, so from then on the log
    vouches for them; the unkeyed entries before it keep verifying with plain SHA-256,
    and cannot be rewritten without breaking the keyed link that follows them.
    """
    keyed = select(CustodyEntry.purchase_id).where(CustodyEntry.version == KEYED)
    purchases = db.session.scalars(select(TestPurchase).where(TestPurchase.id.notin_(keyed))
                                   .order_by(TestPurchase.id)).all()
    sealed = []
    for purchase in purchases:
        append_custody(purchase, None, "seal")
        sealed.append(purchase.id)
    db.session.commit()
    return sealed
