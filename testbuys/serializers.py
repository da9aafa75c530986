"""Test purchases as the API shows them."""

from typing import Any

from portal.api.helpers import iso, money
from portal.authz import can
from portal.urls import page_url

from .facts import parse as parse_facts
from .ledger import Ledger, org_names
from .models import TestPurchase
from .services import (
    awaiting_verdicts,
    effective_value,
    join_share,
    payer_org_id,
    referral_due,
    shares,
    verdict_so_far,
)


def _org(org) -> dict | None:
    return {"id": org.id, "name": org.name} if org is not None else None


def purchase_summary(p: TestPurchase) -> dict[str, Any]:
    """The fields a list shows."""
    return {
        "id": p.id, "url": page_url("testbuys.show", purchase_id=p.id), "status": p.status,
        "platform": p.platform, "seller_id": p.seller_id, "listing_url": p.listing_url,
        "working_group": p.working_group.slug if p.working_group else None,
        "source": {"kind": p.source_kind, "ref": p.source_ref},
        "scheduled_for": iso(p.scheduled_for), "verdict": verdict_so_far(p),
        "created_at": iso(p.created_at),
    }


def purchase_detail(p: TestPurchase, custody_report=None, viewer=None) -> dict[str, Any]:
    """Everything a participant sees: plan, shares, order, verdicts, outcome, custody; to
    the lead organisation and staff also the join requests, and to a member organisation
    that may join what it would pay."""
    split = shares(p)
    orgs = {x.organisation_id: x.organisation for x in p.participants}
    payer = payer_org_id(p)
    data = purchase_summary(p)
    data.update({
        "reason": p.reason,
        "budget": money(p.budget_amount, p.currency),
        "proposed_by": {"id": p.proposed_by.id, "name": p.proposed_by.name,
                        "organization": _org(p.proposer_org)},
        "participants": [{"organization": _org(x.organisation), "weight": x.weight,
                          "joined_at": iso(x.joined_at)} for x in p.active_participants],
        "purchaser": {"id": p.purchaser.id, "name": p.purchaser.name,
                      "organization": _org(p.purchaser.organisation)} if p.purchaser else None,
        "order_number": p.order_number,
        "cost": money(p.cost_amount, p.currency),
        "paid_by": _org(p.paid_by_org) if p.paid_by_org else (
            {"id": payer, "name": org_names([payer])[payer]} if payer else None),
        "shares": [{"organization": _org(orgs[org_id]), "amount": money(amount, p.currency)}
                   for org_id, amount in split.items()],
        "shares_of": "cost" if p.cost_amount is not None else "budget",
        "ordered_at": iso(p.ordered_at),
        "received_at": iso(p.received_at), "receipt_notes": p.receipt_notes,
        "authentication": {"verdict": p.verdict, "method": p.auth_method, "notes": p.auth_notes,
                           "at": iso(p.authenticated_at),
                           "by": p.authenticated_by.name if p.authenticated_by else None},
        "authenticated_at": iso(p.authenticated_at),
        "authentications": [{"organization": _org(a.organisation), "verdict": a.verdict,
                             "method": a.method, "notes": a.notes, "at": iso(a.at)}
                            for a in p.authentications],
        "awaiting_verdicts": [_org(x.organisation) for x in awaiting_verdicts(p)]
        if p.status == "received" else [],
        "outcome": {"taken_down": p.taken_down_at is not None,
                    "seller_penalised": p.seller_penalised_at is not None,
                    "value_involved": money(p.value_involved, "CNY"),
                    "value_counted": money(effective_value(p), "CNY"),
                    "referral_due": referral_due(p)},
        "summary": p.summary, "closed_at": iso(p.closed_at),
        "cancel_reason": p.cancel_reason, "cancelled_at": iso(p.cancelled_at),
        "evidence": [{"id": e.id, "filename": e.filename, "sha256": e.sha256, "size": e.size,
                      "mime": e.mime, "stage": e.stage, "uploaded_at": iso(e.uploaded_at),
                      "url": page_url("testbuys.evidence_file", purchase_id=p.id,
                                      evidence_id=e.id)} for e in p.evidence],
        "custody": [custody_entry(c) for c in p.custody],
    })
    if custody_report is not None:
        data["custody_check"] = custody_check(custody_report)
    if viewer is not None:
        data["may_steer"] = can(viewer, "test_purchase.steer", p)
        if data["may_steer"]:
            data["join_requests"] = [{"organization": _org(x.organisation), "weight": x.weight,
                                      "requested_at": iso(x.joined_at)} for x in p.join_requests]
        if can(viewer, "test_purchase.join", p):
            data["would_pay"] = money(join_share(p, viewer.organisation_id), p.currency)
    return data


def custody_entry(c) -> dict[str, Any]:
    """One entry as stored: its facts (structured, null on entries from before them), its
    version (1 plain SHA-256, 2 HMAC-SHA256 under the custody key) and its hashes."""
    return {"seq": c.seq, "at": c.at, "actor": c.actor_name, "action": c.action,
            "facts": parse_facts(c.facts), "what": c.what, "why": c.why,
            "evidence_sha256": c.evidence_sha256, "version": c.version,
            "previous_hash": c.previous_hash, "hash": c.hash}


def custody_check(report) -> dict[str, Any]:
    """{ok, checked, first_broken, problems: [{seq, kind, reason, fact}]}."""
    return {"ok": report.ok, "checked": report.checked, "first_broken": report.first_broken,
            "problems": [{"seq": x.seq, "kind": str(x.kind), "reason": x.reason, "fact": x.fact}
                         for x in report.problems]}


def ledger_json(led: Ledger) -> dict[str, Any]:
    """Balances and settlements of one currency."""
    names = org_names([*led.balances, *(t.from_ for t in led.settlements),
                       *(t.to for t in led.settlements)])

    def org(i):
        return {"id": i, "name": names.get(i)}

    return {"currency": led.currency,
            "balances": [{"organization": org(o), "amount": money(a, led.currency)}
                         for o, a in led.balances.items()],
            "settlements": [{"from": org(t.from_), "to": org(t.to),
                             "amount": money(t.amount, led.currency)} for t in led.settlements]}
