"""REST API v1 for test purchases and the cost ledger (see API.md)."""

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.api.helpers import api_blueprint, json_body, paginated, parse_datetime, parse_money
from portal.api.openapi import MONEY_IN, PAGING, TIME, nullable, op, page_of, path_param, register_paths
from portal.authz import access, can, visible
from portal.errors import InvalidInput
from portal.extensions import db

from . import evidence, ledger, reports, services
from .models import STATUSES, TestPurchase
from .schemas import EVIDENCE, LEDGER, LEFT, REPORT, SCHEMAS, SETTLEMENT, ref
from .serializers import custody_check, ledger_json, purchase_detail, purchase_summary

api = api_blueprint("testbuys_api", __name__)


def _detail(purchase: TestPurchase, status: int = 200):
    return jsonify(purchase_detail(purchase, evidence.verify_purchase(purchase),
                                   viewer=current_user)), status


def _source(data: dict[str, Any]) -> tuple[Any, Any]:
    source = data.get("source")
    if source is None:
        return None, ""
    if not isinstance(source, dict):
        raise InvalidInput({"source": _("Give the source as {\"kind\": ..., \"ref\": ...}.")})
    return source.get("kind"), source.get("ref") or ""


@api.get("/test-purchases")
@access("signed_in")
def list_purchases():
    """The purchases the caller may see, newest first; ?status= & ?seller_id= filter."""
    query = select(TestPurchase).where(visible(current_user, TestPurchase))
    status = request.args.get("status")
    if status:
        if status not in STATUSES:
            raise InvalidInput({"status": _("Unknown status.")})
        query = query.where(TestPurchase.status == status)
    for name in ("platform", "seller_id"):
        value = request.args.get(name, "")
        if "\x00" in value:
            raise InvalidInput({name: _("Unknown value.")})
        if value:
            query = query.where(getattr(TestPurchase, name) == value)
    return jsonify(paginated(query.order_by(TestPurchase.id.desc()), purchase_summary))


@api.post("/test-purchases")
@access("test_purchase.propose")
def propose():
    """Propose a target; 409 duplicate_target while another open purchase targets the seller."""
    data = json_body()
    kind, ref = _source(data)
    purchase = services.propose(
        current_user, platform=data.get("platform"), seller_id=data.get("seller_id"),
        listing_url=data.get("listing_url") or "", working_group=data.get("working_group"),
        reason=data.get("reason") or "", budget=parse_money(data.get("budget"), "budget"),
        source_kind=kind, source_ref=ref, weight=data.get("weight"))
    return _detail(purchase, 201)


@api.get("/test-purchases/targets")
@access("test_purchase.check_target")
def check_target():
    """The bare fact whether an open purchase targets this seller (and which, to join it)."""
    platform, seller = request.args.get("platform", ""), request.args.get("seller_id", "")
    errors = {n: _("This field is required.") for n, v in
              (("platform", platform), ("seller_id", seller)) if not v.strip() or "\x00" in v}
    if errors:
        raise InvalidInput(errors)
    existing = services.open_purchase_for(platform, seller)
    return jsonify(open=existing is not None, existing_id=existing.id if existing else None)


@api.get("/test-purchases/<int:purchase_id>")
@access("signed_in")
def show(purchase_id: int):
    """One purchase with shares, custody log and the custody check."""
    return _detail(services.get_purchase(purchase_id, current_user))


@api.post("/test-purchases/<int:purchase_id>/participants")
@access("signed_in")
def join(purchase_id: int):
    """The caller's organisation joins and shares the cost by weight."""
    data = json_body()
    row = services.join(current_user, purchase_id, data.get("weight"))
    if row.status == "requested":
        # The requester may not see the purchase: the answer repeats what it already knew
        # (the purchase's id) and what it asked, nothing of the purchase itself.
        return jsonify(id=purchase_id, status="requested", weight=row.weight), 202
    return _detail(services.get_purchase(purchase_id, current_user), 201)


@api.post("/test-purchases/<int:purchase_id>/participants/<int:organization_id>/approve")
@access("signed_in")
def approve_join(purchase_id: int, organization_id: int):
    """The lead organisation or staff let a requesting organisation join."""
    services.decide_request(current_user, purchase_id, organization_id, approve=True)
    return _detail(services.get_purchase(purchase_id, current_user))


@api.post("/test-purchases/<int:purchase_id>/participants/<int:organization_id>/decline")
@access("signed_in")
def decline_join(purchase_id: int, organization_id: int):
    """The lead organisation or staff turn a request down."""
    services.decide_request(current_user, purchase_id, organization_id, approve=False)
    return _detail(services.get_purchase(purchase_id, current_user))


@api.delete("/test-purchases/<int:purchase_id>/participants")
@access("signed_in")
def leave(purchase_id: int):
    """The caller's organisation leaves before the order is placed."""
    services.leave(current_user, purchase_id)
    purchase = db.session.get(TestPurchase, purchase_id)
    if can(current_user, "test_purchase.view", purchase):
        return _detail(purchase)
    return jsonify(id=purchase_id, left=True)  # no longer taking part: no longer visible


@api.post("/test-purchases/<int:purchase_id>/schedule")
@access("signed_in")
def schedule(purchase_id: int):
    """Plan or re-plan the buy; 409 schedule_clash within the clash window."""
    services.get_purchase(purchase_id, current_user)  # 404 before parsing anything
    data = json_body()
    when = parse_datetime(data.get("scheduled_for"), "scheduled_for")
    return _detail(services.schedule(current_user, purchase_id, scheduled_for=when,
                                     purchaser_id=data.get("purchaser_id")))


@api.post("/test-purchases/<int:purchase_id>/order")
@access("signed_in")
def order(purchase_id: int):
    """Order number, actual cost, and optionally who paid."""
    services.get_purchase(purchase_id, current_user)  # 404 before parsing anything
    data = json_body()
    return _detail(services.order(current_user, purchase_id, order_number=data.get("order_number"),
                                  cost=parse_money(data.get("cost"), "cost"),
                                  paid_by=data.get("paid_by")))


@api.post("/test-purchases/<int:purchase_id>/receipt")
@access("signed_in")
def receipt(purchase_id: int):
    """The goods arrived."""
    services.get_purchase(purchase_id, current_user)  # 404 before parsing anything
    data = json_body()
    when = parse_datetime(data.get("received_at"), "received_at", required=False)
    return _detail(services.receive(current_user, purchase_id, received_at=when,
                                    notes=data.get("notes") or ""))


@api.post("/test-purchases/<int:purchase_id>/authentication")
@access("signed_in")
def authentication(purchase_id: int):
    """The verdict of a participating member organisation's person."""
    data = json_body()
    return _detail(services.authenticate(current_user, purchase_id, verdict=data.get("verdict"),
                                         method=data.get("method"), notes=data.get("notes") or ""))


@api.post("/test-purchases/<int:purchase_id>/close")
@access("signed_in")
def close(purchase_id: int):
    """Close after authentication, with a summary."""
    data = json_body()
    return _detail(services.close(current_user, purchase_id, summary=data.get("summary")))


@api.post("/test-purchases/<int:purchase_id>/cancel")
@access("signed_in")
def cancel(purchase_id: int):
    """Cancel with a reason."""
    data = json_body()
    return _detail(services.cancel(current_user, purchase_id, reason=data.get("reason")))


@api.post("/test-purchases/<int:purchase_id>/outcome")
@access("signed_in")
def outcome(purchase_id: int):
    """Takedown, seller penalty and value involved, after a counterfeit verdict."""
    services.get_purchase(purchase_id, current_user)  # 404 before parsing anything
    data = json_body()
    return _detail(services.record_outcome(
        current_user, purchase_id, taken_down=data.get("taken_down"),
        seller_penalised=data.get("seller_penalised"),
        value_involved=parse_money(data.get("value_involved"), "value_involved")))


@api.post("/test-purchases/<int:purchase_id>/evidence")
@access("signed_in")
def upload_evidence(purchase_id: int):
    """A photo or document (multipart field `file`), hashed and logged in the custody chain."""
    purchase = services.get_purchase(purchase_id, current_user)
    item = services.add_evidence(current_user, purchase, request.files.get("file"),
                                 request.form.get("description", ""))
    return jsonify(id=item.id, sha256=item.sha256, size=item.size, mime=item.mime,
                   filename=item.filename), 201


@api.get("/test-purchases/<int:purchase_id>/custody")
@access("signed_in")
def custody(purchase_id: int):
    """Re-check the custody chain and evidence files: where it is broken, if it is."""
    purchase = services.get_purchase(purchase_id, current_user)
    return jsonify(custody_check(evidence.verify_purchase(purchase)))


@api.get("/test-purchases/reports")
@access("signed_in")
def report():
    """Spend per organisation and group, verdicts, counterfeit rate, median days to verdict."""
    return jsonify(reports.figures(current_user))


@api.get("/ledger")
@access("test_purchase.ledger")
def get_ledger():
    """Balances and the suggested settlements (fewest transfers)."""
    parts = [ledger_json(led) for led in ledger.ledgers_for(current_user).values()]
    return jsonify(balances=[b for p in parts for b in p["balances"]],
                   settlements=[s for p in parts for s in p["settlements"]])


@api.post("/ledger/settlements")
@access("test_purchase.ledger")
def record_settlement():
    """Record a settlement payment from one organisation to another."""
    data = json_body()
    payment = ledger.record_payment(current_user, from_org=data.get("from"), to_org=data.get("to"),
                                    amount=parse_money(data.get("amount"), "amount"),
                                    note=data.get("note") or "")
    return jsonify(id=payment.id, **{"from": payment.from_org_id}, to=payment.to_org_id,
                   amount={"amount": payment.amount, "currency": payment.currency}), 201



# --- OpenAPI description ------------------------------------------------------

TAG = "test purchases"
ID = [path_param("purchase_id")]
REF = ref("TestPurchase")


def _obj(required=(), **props) -> dict:
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def _step(summary: str, body: dict) -> dict:
    return {"post": op(summary, tag=TAG, body=body, response=REF, params=ID,
                       errors=(400, 401, 403, 404, 409, 422))}


def _join_op() -> dict:
    operation = op("Join (201, a member organisation of the purchase's working group) or ask "
                   "to join (202, any other member organisation; the lead or staff decide)",
                   tag=TAG, ok=201, response=REF, params=ID,
                   errors=(400, 401, 403, 404, 409, 422),
                   body=_obj(weight={"type": "integer", "minimum": 1, "maximum": 1000}))
    operation["responses"]["202"] = {"description": "Asked to join", "content": {
        "application/json": {"schema": _obj(["id", "status", "weight"], id={"type": "integer"},
                                            status={"type": "string", "enum": ["requested"]},
                                            weight={"type": "integer"})}}}
    return operation


def _decision(summary: str) -> dict:
    return {"post": op(summary, tag=TAG, response=REF,
                       params=ID + [path_param("organization_id")],
                       errors=(401, 403, 404, 409))}


STR = {"type": "string"}

register_paths({
    "/test-purchases": {
        "get": op("Test purchases you may see", tag=TAG, errors=(401, 422),
                  response=page_of(ref("TestPurchaseSummary")), params=PAGING + [
            {"name": "status", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "string", "enum": list(STATUSES)}},
            *({"name": n, "in": "query", "schema": STR} for n in ("platform", "seller_id"))]),
        "post": op("Propose a target (409 duplicate_target with existing_id)", tag=TAG, ok=201,
                   response=REF, errors=(400, 401, 403, 409, 422), body=_obj(
                       ["platform", "seller_id"], platform=STR, seller_id=STR, listing_url=STR,
                       working_group=STR, reason=STR, budget=nullable(MONEY_IN),
                       weight={"type": "integer", "minimum": 1, "maximum": 1000},
                       source=_obj(kind={"type": "string",
                                         "enum": ["member", "rule_hit", "analytics"],
                                         "description": "rule_hit: platform staff only"},
                                   ref=STR))),
    },
    "/test-purchases/targets": {"get": op(
        "Whether an open purchase targets a seller", tag=TAG, errors=(401, 403, 422),
        params=[{"name": n, "in": "query", "required": True,
                 "schema": {"type": "string", "pattern": r"\S"}}
                for n in ("platform", "seller_id")],
        response=_obj(["open", "existing_id"], open={"type": "boolean"},
                      existing_id={"type": "integer", "nullable": True}))},
    "/test-purchases/reports": {"get": op("Spend, verdicts, counterfeit rate, days to verdict",
                                          tag=TAG, errors=(401,), response=REPORT)},
    "/test-purchases/{purchase_id}": {"get": op("One test purchase with shares and custody log", tag=TAG,
                                       response=REF, params=ID)},
    "/test-purchases/{purchase_id}/participants": {
        "post": _join_op(),
        "delete": op("Your organisation leaves before the order (the purchase, or only "
                     "{id, left} once the caller may no longer see it)", tag=TAG,
                     response={"oneOf": [REF, LEFT]},
                     params=ID, errors=(401, 403, 404, 409)),
    },
    "/test-purchases/{purchase_id}/participants/{organization_id}/approve": _decision(
        "The lead organisation or staff let a requesting organisation join"),
    "/test-purchases/{purchase_id}/participants/{organization_id}/decline": _decision(
        "The lead organisation or staff decline a request to join"),
    "/test-purchases/{purchase_id}/schedule": _step(
        "Schedule (409 schedule_clash within the clash window; names the other purchase "
        "only to those who may see it)",
        _obj(["scheduled_for", "purchaser_id"], scheduled_for=TIME,
             purchaser_id={"type": "integer"})),
    "/test-purchases/{purchase_id}/order": _step("Order placed", _obj(
        ["order_number", "cost"], order_number=STR, cost=MONEY_IN,
        paid_by={"type": "integer", "description": "organisation id; named by the purchaser, "
                 "staff or admins (default: the purchaser's organisation)"})),
    "/test-purchases/{purchase_id}/receipt": _step("Goods received", _obj(
        received_at=nullable(TIME), notes=STR)),
    "/test-purchases/{purchase_id}/authentication": _step("Verdict of the brand owner", _obj(
        ["verdict", "method"], verdict={"type": "string",
                                        "enum": ["counterfeit", "genuine", "inconclusive"]},
        method=STR, notes=STR)),
    "/test-purchases/{purchase_id}/close": _step("Close with a summary", _obj(["summary"], summary=STR)),
    "/test-purchases/{purchase_id}/cancel": _step("Cancel with a reason", _obj(["reason"], reason=STR)),
    "/test-purchases/{purchase_id}/outcome": _step("Takedown, penalty, value involved", _obj(
        taken_down={"type": "boolean"}, seller_penalised={"type": "boolean"},
        value_involved=nullable(MONEY_IN))),
    "/test-purchases/{purchase_id}/evidence": {"post": {
        **op("Upload a photo or document (hashed, logged; 409 once the purchase is closed)",
             tag=TAG, ok=201, params=ID, errors=(401, 403, 404, 409, 413, 422),
             response=EVIDENCE),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _obj(
            ["file"], file={"type": "string", "format": "binary"}, description=STR)}}}}},
    "/test-purchases/{purchase_id}/custody": {"get": op("Re-check the custody chain and files", tag=TAG,
                                               params=ID, response=ref("CustodyCheck"))},
    "/ledger": {"get": op("Balances and suggested settlements", tag=TAG, errors=(401, 403),
                          response=LEDGER)},
    "/ledger/settlements": {"post": op(
        "Record a settlement payment (a member company: one it received)", tag=TAG, ok=201,
        errors=(400, 401, 403, 422), response=SETTLEMENT,
        body=_obj(["from", "to", "amount"], **{"from": {"type": "integer"}},
                  to={"type": "integer"}, amount=MONEY_IN, note=STR))},
}, SCHEMAS)
