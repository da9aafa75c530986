"""Figures for the reports page and API: spend, verdicts, counterfeit rate, time to verdict."""

from statistics import median
from typing import Any

from sqlalchemy import select

from portal.authz import visible
from portal.extensions import db

from .models import TestPurchase
from .shares import allocate


def figures(user: Any) -> dict[str, Any]:
    """Everything over the purchases the person may see."""
    purchases = list(db.session.scalars(select(TestPurchase).where(visible(user, TestPurchase))
                                        .order_by(TestPurchase.id)))
    spend_org: dict[tuple[str, str], int] = {}
    spend_group: dict[tuple[str, str], int] = {}
    verdicts = {"counterfeit": 0, "genuine": 0, "inconclusive": 0}
    statuses: dict[str, int] = {}
    days: list[float] = []
    for p in purchases:
        statuses[p.status] = statuses.get(p.status, 0) + 1
        if p.cost_amount is not None:
            weights = {x.organisation.name: x.weight for x in p.active_participants}
            for name, amount in (allocate(p.cost_amount, weights).items() if weights else ()):
                spend_org[(name, p.currency)] = spend_org.get((name, p.currency), 0) + amount
            group = p.working_group.name_en if p.working_group else "—"
            spend_group[(group, p.currency)] = spend_group.get((group, p.currency), 0) + p.cost_amount
        if p.verdict:
            verdicts[p.verdict] += 1
            if p.authenticated_at:
                days.append((p.authenticated_at - p.created_at).total_seconds() / 86400)
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
