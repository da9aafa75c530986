"""Figures for the reports page and API: spend, verdicts, counterfeit rate, time to verdict."""

from statistics import median
from typing import Any

from sqlalchemy import select

from portal.accounts.models import Organisation, WorkingGroup
from portal.authz import visible
from portal.extensions import db

from .models import Participant, TestPurchase
from .shares import allocate


def figures(user: Any) -> dict[str, Any]:
    """Everything over the purchases the person may see.

    Read as columns, not as purchases with their participants: staff see every purchase
    the alliance ever made, and the figures need a handful of fields of each.
    """
    seen = visible(user, TestPurchase)
    purchases = db.session.execute(
        select(TestPurchase.id, TestPurchase.status, TestPurchase.cost_amount,
               TestPurchase.currency, TestPurchase.verdict, TestPurchase.authenticated_at,
               TestPurchase.created_at, WorkingGroup.name_en)
        .outerjoin(WorkingGroup, TestPurchase.working_group_id == WorkingGroup.id)
        .where(seen).order_by(TestPurchase.id)).all()
    # The companies sharing each paid purchase now, in the order they joined.
    weights_of: dict[int, dict[str, int]] = {}
    for purchase_id, name, weight in db.session.execute(
        select(Participant.purchase_id, Organisation.name, Participant.weight)
        .join(Organisation, Participant.organisation_id == Organisation.id)
        .where(Participant.purchase_id.in_(
            select(TestPurchase.id).where(seen, TestPurchase.cost_amount.is_not(None))),
            Participant.left_at.is_(None), Participant.status == "active")
        .order_by(Participant.purchase_id, Participant.id)):
        weights_of.setdefault(purchase_id, {})[name] = weight
    spend_org: dict[tuple[str, str], int] = {}
    spend_group: dict[tuple[str, str], int] = {}
    verdicts = {"counterfeit": 0, "genuine": 0, "inconclusive": 0}
    statuses: dict[str, int] = {}
    days: list[float] = []
    for (purchase_id, status, cost, currency, verdict, authenticated_at, created_at,
         group_name) in purchases:
        statuses[status] = statuses.get(status, 0) + 1
        if cost is not None:
            weights = weights_of.get(purchase_id)
            for name, amount in (allocate(cost, weights).items() if weights else ()):
                spend_org[(name, currency)] = spend_org.get((name, currency), 0) + amount
            group = group_name or "—"
            spend_group[(group, currency)] = spend_group.get((group, currency), 0) + cost
        if verdict:
            verdicts[verdict] += 1
            if authenticated_at:
                days.append((authenticated_at - created_at).total_seconds() / 86400)
    judged = sum(verdicts.values())
    return {
        "purchases": len(purchases),
        "by_status": statuses,
        "by_verdict": verdicts,
        "counterfeit_rate": round(verdicts["counterfeit"] / judged, 4) if judged else None,
        "median_days_to_verdict": round(median(days), 1) if days else None,
        "spend_by_organization": _rows(spend_org),
        "spend_by_group": _rows(spend_group),
    }


def _rows(totals: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    return [{"name": name, "amount": {"amount": amount, "currency": currency}}
            for (name, currency), amount in sorted(totals.items(), key=lambda kv: -kv[1])]
