"""The custody log as people read it: each entry rendered from its facts at display time.

Nothing readable is stored: an entry keeps structured facts, and this module turns them
into sentences through the catalog, in the reader's language, with money in its unit,
yes and no for booleans, labels for statuses and verdicts, and times in the reader's
time zone to the minute (the zone is named, since readers compare times across zones).
The raw entry, as hashed, goes with each row for whoever wants to check it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal
from flask_babel import gettext as _

from portal.i18n import current_locale
from portal.ui import format_money, reader_zone
from portal.ui import zone_offset_label as _zone_label

from .facts import Fact, parse
from .lifecycle import STATUS_LABELS, VERDICT_LABELS
from .models import CustodyEntry, TestPurchase


def local_time(value: str | datetime | None) -> str:
    """'2026-12-01 17:05 UTC+08:00': to the minute, in the reader's zone, zone named."""
    if value is None or value == "":
        return "—"
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(reader_zone())
    text = format_datetime(local, "yyyy-MM-dd HH:mm", tzinfo=local.tzinfo,
                           locale=current_locale())
    return f"{text} {_zone_label(local)}"


def _yes_no(value: Any) -> str:
    return _("yes") if value else _("no")


def _amount(fact: Fact) -> str:
    return format_money(fact.get("amount"), fact.get("currency") or "CNY")


def action_label(action: str) -> str:
    """The step an entry records, in the reader's language."""
    labels = {
        "propose": _("Proposed"), "join": _("Joined"), "leave": _("Left"),
        "schedule": _("Scheduled"), "reschedule": _("Rescheduled"),
        "order": _("Order placed"), "receive": _("Goods received"),
        "authenticate": _("Verdict recorded"), "outcome": _("Outcome recorded"),
        "evidence": _("Evidence added"), "close": _("Closed"), "cancel": _("Cancelled"),
        "seal": _("Log sealed with the custody key"),
    }
    return labels.get(action, action)


def _fact_label(name: str) -> str:
    labels = {
        "target": _("Target"), "status": _("Status"), "budget": _("Budget"),
        "participant": _("Participant"), "purchaser": _("Purchaser"),
        "scheduled_for": _("Planned buy"), "order_number": _("Order number"),
        "cost": _("Cost"), "paid_by": _("Paid by"), "received_at": _("Receipt"),
        "receipt_notes": _("Notes on receipt"), "verdict": _("Verdict"),
        "purchase_verdict": _("Verdict on the purchase"),
        "value_involved": _("Value involved"), "summary": _("Closing summary"),
        "cancel_reason": _("Reason for cancelling"), "evidence": _("Evidence"),
    }
    return labels.get(name, name)


def _removed(fact: Fact) -> str:
    name = fact["fact"]
    org = fact.get("name") or "#" + str(fact.get("organisation"))
    if name == "participant":
        return _("%(org)s no longer takes part", org=org)
    if name == "taken_down":
        return _("Listing taken down: %(answer)s", answer=_yes_no(False))
    if name == "seller_penalised":
        return _("Seller penalised: %(answer)s", answer=_yes_no(False))
    if name == "referral":
        return _("Referral to law enforcement prepared: %(answer)s", answer=_yes_no(False))
    if name == "verdict":
        return _("Verdict of %(org)s withdrawn", org=org)
    return _("%(fact)s: no longer recorded", fact=_fact_label(name))


def fact_lines(fact: Fact) -> list[str]:
    """One fact as sentences of the reader's language."""
    if fact.get("removed"):
        return [_removed(fact)]
    name, value = fact.get("fact"), fact.get("value")
    if name == "target":
        return [_("Target: %(platform)s · %(seller)s", platform=fact.get("platform", ""),
                  seller=fact.get("seller_id", ""))]
    if name == "status":
        return [_("Status: %(status)s", status=STATUS_LABELS.get(value, value))]
    if name == "budget":
        return [_("Budget: %(amount)s", amount=_amount(fact))]
    if name == "participant":
        return [_("%(org)s takes part with weight %(weight)s", org=fact.get("name", ""),
                  weight=fact.get("weight"))]
    if name == "purchaser":
        return [_("Purchaser: %(name)s", name=fact.get("name", ""))]
    if name == "scheduled_for":
        return [_("Buy planned for %(when)s", when=local_time(value))]
    if name == "order_number":
        return [_("Order number: %(number)s", number=value)]
    if name == "cost":
        return [_("Cost: %(amount)s", amount=_amount(fact))]
    if name == "paid_by":
        return [_("Paid by: %(org)s", org=fact.get("name", ""))]
    if name == "received_at":
        return [_("Goods received on %(when)s", when=local_time(value))]
    if name == "receipt_notes":
        return [_("Notes on receipt: %(text)s", text=value)]
    if name == "verdict":
        verdict = VERDICT_LABELS.get(fact.get("verdict"), fact.get("verdict"))
        lines = [_("Verdict of %(org)s: %(verdict)s (method: %(method)s)",
                   org=fact.get("name", ""), verdict=verdict, method=fact.get("method", ""))]
        if fact.get("notes"):
            lines.append(_("Reasons: %(text)s", text=fact["notes"]))
        return lines
    if name == "purchase_verdict":
        return [_("Verdict on the purchase: %(verdict)s",
                  verdict=VERDICT_LABELS.get(value, value))]
    if name == "taken_down":
        return [_("Listing taken down: %(answer)s", answer=_yes_no(value))]
    if name == "seller_penalised":
        return [_("Seller penalised: %(answer)s", answer=_yes_no(value))]
    if name == "value_involved":
        return [_("Value involved: %(amount)s", amount=_amount(fact))]
    if name == "referral":
        return [_("Referral to law enforcement prepared: %(answer)s", answer=_yes_no(value))]
    if name == "evidence":
        size = format_decimal(fact.get("size") or 0, locale=current_locale())
        return [_("Evidence file %(name)s (%(size)s bytes), SHA-256 %(sha256)s",
                  name=fact.get("filename", ""), size=size, sha256=fact.get("sha256", ""))]
    if name == "summary":
        return [_("Closing summary: %(text)s", text=value)]
    if name == "cancel_reason":
        return [_("Reason for cancelling: %(text)s", text=value)]
    return [f"{name}: {json.dumps(fact, ensure_ascii=False, sort_keys=True)}"]


@dataclass
class LogRow:
    """One entry of the log, ready to show."""

    seq: int
    when: str
    when_iso: str
    who: str
    action: str
    lines: list[str]
    why: str
    legacy: bool
    broken: bool
    hash: str
    raw: str
    extra: dict = field(default_factory=dict)


def _raw(entry: CustodyEntry) -> str:
    """The entry as hashed, plus its hashes: what an expert recomputes."""
    fields = entry.chained_fields()
    facts = parse(entry.facts)
    shown = {**fields, "facts": facts if facts is not None else entry.facts,
             "version": entry.version, "previous_hash": entry.previous_hash,
             "hash": entry.hash}
    return json.dumps(shown, ensure_ascii=False, sort_keys=True, indent=1)


def rows_for(purchase: TestPurchase, report: Any = None) -> list[LogRow]:
    """The purchase's custody log as the reader reads it."""
    broken = {p.seq for p in report.problems} if report is not None else set()
    out = []
    for entry in purchase.custody:
        facts = parse(entry.facts)
        lines = [line for fact in (facts or []) for line in fact_lines(fact)]
        if facts is None and entry.what:
            lines = [entry.what]
        # Notes and reasons are facts too: show the free text once, not again as "why".
        said = {str(v) for fact in (facts or []) for v in fact.values()}
        out.append(LogRow(
            seq=entry.seq, when=local_time(entry.at), when_iso=entry.at,
            who=_("the portal") if entry.actor_id is None else entry.actor_name,
            action=action_label(entry.action), lines=lines,
            why="" if entry.why in said else entry.why,
            legacy=facts is None, broken=entry.seq in broken, hash=entry.hash,
            raw=_raw(entry)))
    return out


def register_templates(app) -> None:
    """`custody_rows(purchase, report)` and `local_time(value)` for templates."""
    app.jinja_env.globals.update(custody_rows=rows_for, local_time=local_time,
                                 reader_zone_label=reader_zone_label)


def reader_zone_label() -> str:
    """'UTC', or 'UTC+08:00': the zone the reader's times are shown in, now."""
    return _zone_label(datetime.now(reader_zone()))
