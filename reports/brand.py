"""A brand's own report: its tips and what each achieved, its purchases and its share."""

from typing import Any

from sqlalchemy import case, distinct, func, select

from portal.extensions import db
from queqiao.rules.models import Rule
from queqiao.scanning.models import Hit
from queqiao.tips.models import Tip
from testbuys.models import Participant, TestPurchase
from testbuys.shares import allocate

from .figures import CURRENCY, within


def tip_rows(org_id: int, year: int) -> list[dict[str, Any]]:
    """The organisation's tips shared in the year: status, rules, hits and takedowns."""
    rows = db.session.execute(
        select(Tip.id, Tip.title, Tip.brand, Tip.status, Tip.submitted_at,
               func.count(distinct(Rule.id)), func.count(distinct(Hit.id)),
               func.count(distinct(case((Hit.outcome == "taken_down", Hit.id)))))
        .select_from(Tip).outerjoin(Rule, Rule.tip_id == Tip.id)
        .outerjoin(Hit, Hit.rule_id == Rule.id)
        .where(Tip.organisation_id == org_id, within(Tip.submitted_at, year))
        .group_by(Tip.id, Tip.title, Tip.brand, Tip.status, Tip.submitted_at)
        .order_by(Tip.submitted_at, Tip.id)).all()
    return [{"id": r[0], "title": r[1], "brand": r[2], "status": r[3],
             "submitted_at": r[4].isoformat(), "rules": int(r[5]), "hits": int(r[6]),
             "taken_down": int(r[7])} for r in rows]


def purchase_rows(org_id: int, year: int) -> list[dict[str, Any]]:
    """The year's purchases it took part in: status, verdict, cost and its share of it."""
    mine = select(Participant.purchase_id).where(Participant.organisation_id == org_id,
                                                  Participant.left_at.is_(None))
    rows = db.session.execute(
        select(TestPurchase.id, TestPurchase.platform, TestPurchase.seller_id, TestPurchase.status,
               TestPurchase.verdict, TestPurchase.cost_amount, TestPurchase.currency,
               TestPurchase.created_at, TestPurchase.referral_prepared_at,
               Participant.organisation_id, Participant.weight)
        .join(Participant, Participant.purchase_id == TestPurchase.id)
        .where(Participant.left_at.is_(None), TestPurchase.id.in_(mine),
               TestPurchase.status != "cancelled", within(TestPurchase.created_at, year))
        .order_by(TestPurchase.id)).all()
    out: dict[int, dict[str, Any]] = {}
    weights: dict[int, dict[int, int]] = {}
    for r in rows:
        out.setdefault(r.id, {
            "id": r.id, "platform": r.platform, "seller_id": r.seller_id, "status": r.status,
            "verdict": r.verdict, "cost": r.cost_amount, "currency": r.currency or CURRENCY,
            "created_at": r.created_at.isoformat(), "referral": r.referral_prepared_at is not None,
            "participants": 0})
        out[r.id]["participants"] += 1
        weights.setdefault(r.id, {})[r.organisation_id] = r.weight
    for pid, row in out.items():
        row["share"] = (allocate(row["cost"], weights[pid]).get(org_id, 0)
                        if row["cost"] is not None else None)
    return list(out.values())
