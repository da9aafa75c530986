"""A contributor's track record, modelled on the good-faith programme.

Per organisation and window (1, 2, 3 months): tips submitted, accepted, rejected,
the acceptance rate, hits, takedowns and precision. An organisation meeting the
configured thresholds over the trust window is a "trusted contributor": its new
tips go to the front of the vetting queue.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import utcnow

from .feedback import events_for, precision
from .models import Tip

WINDOWS_MONTHS = (1, 2, 3)
DAYS_PER_MONTH = 30
# Feedback kinds a record counts, and the field each adds to.
COUNTED = {"hit": "hits", "taken_down": "taken_down", "counterfeit": "counterfeit",
           "genuine": "genuine"}
COUNTED_KINDS = tuple(COUNTED)
# What the mark reads besides decisions: the precision of test purchase verdicts.
TRUST_KINDS = ("counterfeit", "genuine")


@dataclass
class WindowRecord:
    """The numbers of one organisation over one window."""

    days: int
    submitted: int = 0
    accepted: int = 0
    rejected: int = 0
    hits: int = 0
    taken_down: int = 0
    counterfeit: int = 0
    genuine: int = 0

    @property
    def months(self) -> int:
        return self.days // DAYS_PER_MONTH

    @property
    def acceptance(self) -> float | None:
        """Accepted over decided (accepted or rejected); None when nothing was decided."""
        decided = self.accepted + self.rejected
        return None if decided == 0 else self.accepted / decided

    @property
    def precision(self) -> float | None:
        """Confirmed counterfeit over authenticated."""
        return precision(self.counterfeit, self.genuine)

    def as_dict(self) -> dict:
        return {"months": self.months, "days": self.days, "submitted": self.submitted,
                "accepted": self.accepted, "rejected": self.rejected,
                "acceptance": self.acceptance, "hits": self.hits,
                "taken_down": self.taken_down, "precision": self.precision}


def _records(org_ids: set[int], days_list: list[int], now: datetime,
             counted_kinds: tuple[str, ...] = COUNTED_KINDS) -> dict[int, dict[int, WindowRecord]]:
    """Window records for each organisation, from its tips and their feedback events (those
    of `counted_kinds`; the others stay at zero)."""
    records = {o: {d: WindowRecord(d) for d in days_list} for o in org_ids}
    if not org_ids:
        return records
    start = now - timedelta(days=max(days_list))
    tips = db.session.execute(select(Tip.id, Tip.organisation_id, Tip.created_at, Tip.status,
                                     Tip.decided_at).where(Tip.organisation_id.in_(org_ids))).all()
    org_of = {t.id: t.organisation_id for t in tips}
    for t in tips:
        for days, rec in records[t.organisation_id].items():
            since = now - timedelta(days=days)
            rec.submitted += t.created_at >= since
            if t.decided_at is not None and t.decided_at >= since:
                rec.accepted += t.status == "accepted"
                rec.rejected += t.status == "rejected"
    counted = {kind: COUNTED[kind] for kind in counted_kinds}
    for event in events_for(list(org_of), kinds=counted_kinds):
        if event.kind not in counted or event.at < start:
            continue
        for days, rec in records[org_of[event.tip_id]].items():
            if event.at >= now - timedelta(days=days):
                setattr(rec, counted[event.kind], getattr(rec, counted[event.kind]) + 1)
    return records


def thresholds() -> dict:
    """The configured thresholds of the trusted-contributor mark."""
    c = current_app.config
    return {"min_accepted": c["TIPS_TRUSTED_MIN_ACCEPTED"],
            "min_acceptance": c["TIPS_TRUSTED_MIN_ACCEPTANCE"],
            "min_precision": c["TIPS_TRUSTED_MIN_PRECISION"],
            "window_days": c["TIPS_TRUSTED_WINDOW_DAYS"]}


def meets_thresholds(rec: WindowRecord, limits: dict) -> bool:
    """Enough accepted tips, a high acceptance rate and measured high precision."""
    return (rec.accepted >= limits["min_accepted"]
            and (rec.acceptance or 0) >= limits["min_acceptance"]
            and rec.precision is not None and rec.precision >= limits["min_precision"])


def _decided(org_ids: set[int], since: datetime) -> dict[int, WindowRecord]:
    """Accepted and rejected tips decided since `since`, per organisation, counted by the
    database."""
    rows = db.session.execute(
        select(Tip.organisation_id, Tip.status, func.count())
        .where(Tip.organisation_id.in_(org_ids), Tip.decided_at >= since,
               Tip.status.in_(("accepted", "rejected")))
        .group_by(Tip.organisation_id, Tip.status))
    decided: dict[int, WindowRecord] = {}
    for org_id, status, count in rows:
        setattr(decided.setdefault(org_id, WindowRecord(0)), status, count)
    return decided


def trusted_organisation_ids(org_ids: set[int], now: datetime | None = None) -> set[int]:
    """Those of `org_ids` that hold the trusted-contributor mark now.

    Asked on every view of the vetting queue, for every organisation waiting in it: the
    decisions are counted first, in one query, and only organisations with enough accepted
    tips at a high enough rate go on to have their verdicts read."""
    limits = thresholds()
    days = limits["window_days"]
    now = now or utcnow()
    decided = _decided(set(org_ids), now - timedelta(days=days)) if org_ids else {}
    candidates = {o for o, rec in decided.items()
                  if rec.accepted >= limits["min_accepted"]
                  and (rec.acceptance or 0) >= limits["min_acceptance"]}
    records = _records(candidates, [days], now, TRUST_KINDS)
    return {o for o, recs in records.items() if meets_thresholds(recs[days], limits)}


def track_record(org_id: int, now: datetime | None = None) -> dict:
    """An organisation's record over 1, 2 and 3 months and whether it is trusted."""
    limits = thresholds()
    days_list = sorted({m * DAYS_PER_MONTH for m in WINDOWS_MONTHS} | {limits["window_days"]})
    recs = _records({org_id}, days_list, now or utcnow())[org_id]
    return {"windows": [recs[m * DAYS_PER_MONTH].as_dict() for m in WINDOWS_MONTHS],
            "trusted": meets_thresholds(recs[limits["window_days"]], limits),
            "thresholds": limits}
