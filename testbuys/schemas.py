"""The answers of the test-purchase and ledger API as the OpenAPI document describes them.

Each schema follows what `testbuys.serializers`, `testbuys.reports` and the views of
`testbuys.api` put in an answer, so that a client can code against it: `required` names
the keys that are always there, `nullable` the values that can be null, and the states,
verdicts and problem kinds are the portal's own lists, so a new one shows up here too.
"""

from typing import Any

from portal.api.openapi import MONEY, NAMED, TIME, nullable

from .custody import KEYED, PLAIN, ProblemKind
from .models import SOURCE_KINDS, STATUSES, VERDICTS

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
WEIGHT = {"type": "integer", "minimum": 1, "maximum": 1000}


def ref(name: str) -> dict:
    """A reference to one of the component schemas below."""
    return {"$ref": f"#/components/schemas/{name}"}


def maybe(schema: dict) -> dict:
    """`schema` or null."""
    return nullable(schema) if "$ref" in schema else {**schema, "nullable": True}


def fields(description: str | None = None, /, **props: Any) -> dict:
    """An object whose every field is always present."""
    schema: dict[str, Any] = {"type": "object", "required": list(props), "properties": props}
    if description:
        schema["description"] = description
    return schema


def listing(items: dict, description: str | None = None) -> dict:
    """An array of `items`."""
    schema: dict[str, Any] = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


STATUS, VERDICT = ref("TestPurchaseStatus"), ref("Verdict")
WHEN, MAYBE_WHEN = TIME, maybe(TIME)

SUMMARY = {
    "id": INT, "url": {"type": "string", "description": "the purchase's page"},
    "status": STATUS, "platform": STR, "seller_id": STR, "listing_url": STR,
    "working_group": {"type": "string", "nullable": True, "description": "slug"},
    "source": fields(kind={"type": "string", "enum": list(SOURCE_KINDS)}, ref=STR),
    "scheduled_for": MAYBE_WHEN,
    "verdict": {**maybe(VERDICT), "description": "so far: counterfeit if any brand's item "
                "was, genuine if every one was, else inconclusive; null before the first"},
    "created_at": WHEN,
}

CUSTODY_ENTRY = fields(
    seq={"type": "integer", "minimum": 1}, at=WHEN, actor=STR,
    action={"type": "string", "description": "the step: propose, join, leave, schedule, "
            "reschedule, order, receive, authenticate, outcome, evidence, close, cancel, seal"},
    facts={"type": "array", "nullable": True, "description": (
        "What the step changed, as structured facts such as {\"fact\": \"cost\", \"amount\": "
        "135000, \"currency\": \"CNY\"}; a fact that stopped holding has \"removed\": true. "
        "Null on entries from before structured facts."),
        "items": {"type": "object", "required": ["fact"], "properties": {"fact": STR},
                  "additionalProperties": True}},
    what={"type": "string", "description": "Free text of entries from before facts; empty since"},
    why=STR, evidence_sha256={"type": "string", "nullable": True},
    version={"type": "integer", "enum": [PLAIN, KEYED], "description": (
        "1: hash is the plain SHA-256 of the entry; 2: HMAC-SHA256 under the custody key")},
    previous_hash=STR, hash=STR)

CUSTODY_CHECK = fields(
    "The custody chain and evidence files re-checked: every problem, in chain order",
    ok=BOOL, checked={"type": "integer", "minimum": 0, "description": "entries checked"},
    first_broken={"type": "integer", "nullable": True,
                  "description": "seq of the first problem; null when ok"},
    problems=listing(fields(
        seq=INT, kind={"type": "string", "enum": [str(k) for k in ProblemKind]}, reason=STR,
        fact={"type": "string", "nullable": True,
              "description": "the stored fact that differs from the chain (kind state)"})))

PERSON = fields(id=INT, name=STR, organization=NAMED)

DETAIL = {
    **SUMMARY,
    "reason": STR, "budget": maybe(MONEY), "proposed_by": ref("TestPurchasePerson"),
    "participants": listing(fields(organization=NAMED, weight=WEIGHT, joined_at=WHEN),
                            "active participants, who share the cost by weight"),
    "purchaser": maybe(ref("TestPurchasePerson")),
    "order_number": {"type": "string", "nullable": True}, "cost": maybe(MONEY),
    "paid_by": {**maybe(NAMED), "description": "who is owed the cost: the organisation "
                "named as payer, else the purchaser's; null until a purchaser is named"},
    "shares": listing(ref("OrganizationAmount"), "each participant's share, summing "
                      "exactly to the cost (or the budget before the order)"),
    "shares_of": {"type": "string", "enum": ["cost", "budget"]},
    "ordered_at": MAYBE_WHEN, "received_at": MAYBE_WHEN, "receipt_notes": STR,
    "authentication": fields(
        "the combined verdict, with the deciding brand's method and notes",
        verdict=maybe(VERDICT), method=STR, notes=STR, at=MAYBE_WHEN,
        by={"type": "string", "nullable": True, "description": "name of who gave it"}),
    "authenticated_at": MAYBE_WHEN,
    "authentications": listing(fields(organization=NAMED, verdict=VERDICT, method=STR,
                                      notes=STR, at=WHEN), "each brand's own verdict"),
    "awaiting_verdicts": listing(NAMED, "participants yet to give their verdict, while the "
                                 "purchase is received; empty otherwise"),
    "outcome": fields(taken_down=BOOL, seller_penalised=BOOL, value_involved=maybe(MONEY),
                      value_counted={"allOf": [MONEY], "description": "as entered, else the seller's "
                                     "known counterfeit sales"},
                      referral_due=BOOL),
    "summary": STR, "closed_at": MAYBE_WHEN, "cancel_reason": STR, "cancelled_at": MAYBE_WHEN,
    "evidence": listing(fields(
        id=INT, filename=STR, sha256=STR, size={"type": "integer", "minimum": 0}, mime=STR,
        stage={"allOf": [STATUS], "description": "the purchase's status at upload"}, uploaded_at=WHEN,
        url={"type": "string", "description": "download (signed-in participants)"})),
    "custody": listing(ref("CustodyEntry")),
    "custody_check": ref("CustodyCheck"),
    "may_steer": {"type": "boolean", "description": "the caller may schedule, order, close…"},
}
_DETAIL_ONLY_SOMETIMES = {
    "join_requests": listing(fields(organization=NAMED, weight=WEIGHT, requested_at=WHEN),
                             "to the lead organisation and staff only (may_steer)"),
    "would_pay": {**maybe(MONEY), "description": "to member organisations that may join: "
                  "their share at weight 1 if they joined (null without budget or cost)"},
}

SPEND = fields(name={"type": "string", "description": "organisation, or working group "
                     "(\u2014 for none)"}, amount=MONEY)
REPORT = fields(
    purchases={"type": "integer", "minimum": 0},
    by_status={"type": "object", "description": "purchases per status; a status with none "
               "is left out", "additionalProperties": False,
               "properties": {s: {"type": "integer", "minimum": 1} for s in STATUSES}},
    by_verdict=fields(**{v: {"type": "integer", "minimum": 0} for v in VERDICTS}),
    counterfeit_rate={"type": "number", "minimum": 0, "maximum": 1, "nullable": True,
                      "description": "of purchases with a verdict; null before the first"},
    median_days_to_verdict={"type": "number", "nullable": True},
    spend_by_organization=listing(ref("TestPurchaseSpend"), "largest first"),
    spend_by_group=listing(ref("TestPurchaseSpend"), "largest first"))

LEDGER = fields(
    balances=listing(ref("OrganizationAmount"), "per organisation and currency: positive "
                     "when it is owed, negative when it owes"),
    settlements=listing(ref("LedgerTransfer"), "the fewest transfers that settle the "
                        "balances"))

SETTLEMENT = fields(id=INT, **{"from": {"type": "integer", "description": "organisation id"}},
                    to={"type": "integer", "description": "organisation id"}, amount=MONEY)

EVIDENCE = fields(id=INT, sha256={"type": "string", "description": "hex SHA-256 of the file"},
                  size={"type": "integer", "minimum": 0}, mime=STR, filename=STR)

LEFT = fields("Left, and no longer taking part, so no longer shown the purchase",
              id=INT, left={"type": "boolean", "enum": [True]})

SCHEMAS = {
    "TestPurchaseStatus": {"type": "string", "enum": list(STATUSES)},
    "Verdict": {"type": "string", "enum": list(VERDICTS)},
    "TestPurchaseSummary": fields(**SUMMARY),
    "TestPurchase": {**fields(**DETAIL), "properties": {**DETAIL, **_DETAIL_ONLY_SOMETIMES}},
    "TestPurchasePerson": PERSON,
    "OrganizationAmount": fields(organization=NAMED, amount=MONEY),
    "LedgerTransfer": fields(**{"from": NAMED}, to=NAMED, amount=MONEY),
    "TestPurchaseSpend": SPEND,
    "CustodyEntry": CUSTODY_ENTRY,
    "CustodyCheck": CUSTODY_CHECK,
}
