"""The OpenAPI description of the test-purchase and ledger endpoints."""

from ..api.openapi import PAGING, op, path_param, register_paths

TAG = "test purchases"
ID = [path_param("purchase_id")]
REF = {"$ref": "#/components/schemas/TestPurchase"}
MONEY = {"$ref": "#/components/schemas/Money"}


def _obj(required=(), **props) -> dict:
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def _step(summary: str, body: dict) -> dict:
    return {"post": op(summary, tag=TAG, body=body, response=REF, params=ID,
                       errors=(400, 401, 403, 404, 409, 422))}


STR = {"type": "string"}
SCHEMAS = {
    "TestPurchase": _obj(
        id={"type": "integer"}, url=STR, status={"type": "string", "enum": [
            "proposed", "scheduled", "ordered", "received", "authenticated", "closed",
            "cancelled"]},
        platform=STR, seller_id=STR, listing_url=STR, working_group={"type": "string",
                                                                     "nullable": True},
        source=_obj(kind=STR, ref=STR), budget={**MONEY, "nullable": True},
        cost={**MONEY, "nullable": True}, paid_by={"type": "object", "nullable": True},
        shares={"type": "array", "items": _obj(organization={"type": "object"}, amount=MONEY)},
        participants={"type": "array", "items": {"type": "object"}},
        verdict={"type": "string", "nullable": True}, custody={"type": "array",
                                                                "items": {"type": "object"}},
        custody_check=_obj(ok={"type": "boolean"}, first_broken={"type": "integer",
                                                                  "nullable": True},
                           problems={"type": "array", "items": {"type": "object"}})),
}

LEDGER = _obj(
    balances={"type": "array", "items": _obj(organization={"type": "object"}, amount=MONEY)},
    settlements={"type": "array", "items": _obj(**{"from": {"type": "object"}},
                                                to={"type": "object"}, amount=MONEY)})

register_paths({
    "/test-purchases": {
        "get": op("Test purchases you may see", tag=TAG, errors=(401, 422), params=PAGING + [
            {"name": n, "in": "query", "schema": STR} for n in ("status", "platform",
                                                               "seller_id")]),
        "post": op("Propose a target (409 duplicate_target with existing_id)", tag=TAG, ok=201,
                   response=REF, errors=(400, 401, 403, 409, 422), body=_obj(
                       ["platform", "seller_id"], platform=STR, seller_id=STR, listing_url=STR,
                       working_group=STR, reason=STR, budget=MONEY,
                       weight={"type": "integer", "minimum": 1, "maximum": 1000},
                       source=_obj(kind={"type": "string",
                                         "enum": ["member", "rule_hit", "analytics"],
                                         "description": "rule_hit: platform staff only"},
                                   ref=STR))),
    },
    "/test-purchases/targets": {"get": op(
        "Whether an open purchase targets a seller", tag=TAG, errors=(401, 403, 422),
        params=[{"name": n, "in": "query", "required": True, "schema": STR}
                for n in ("platform", "seller_id")],
        response=_obj(open={"type": "boolean"}, existing_id={"type": "integer",
                                                             "nullable": True}))},
    "/test-purchases/reports": {"get": op("Spend, verdicts, counterfeit rate, days to verdict",
                                          tag=TAG, errors=(401,))},
    "/test-purchases/{purchase_id}": {"get": op("One test purchase with shares and custody log", tag=TAG,
                                       response=REF, params=ID)},
    "/test-purchases/{purchase_id}/participants": {
        "post": op("Your organisation joins, sharing the cost by weight", tag=TAG, ok=201,
                   response=REF, params=ID, errors=(400, 401, 403, 404, 409, 422),
                   body=_obj(weight={"type": "integer", "minimum": 1, "maximum": 1000})),
        "delete": op("Your organisation leaves before the order", tag=TAG, response=REF,
                     params=ID, errors=(401, 403, 404, 409)),
    },
    "/test-purchases/{purchase_id}/schedule": _step(
        "Schedule (409 schedule_clash within the clash window; names the other purchase "
        "only to those who may see it)",
        _obj(["scheduled_for", "purchaser_id"], scheduled_for={"type": "string",
                                                               "format": "date-time"},
             purchaser_id={"type": "integer"})),
    "/test-purchases/{purchase_id}/order": _step("Order placed", _obj(
        ["order_number", "cost"], order_number=STR, cost=MONEY,
        paid_by={"type": "integer", "description": "organisation id; named by the purchaser, "
                 "staff or admins (default: the purchaser's organisation)"})),
    "/test-purchases/{purchase_id}/receipt": _step("Goods received", _obj(
        received_at={"type": "string", "format": "date-time"}, notes=STR)),
    "/test-purchases/{purchase_id}/authentication": _step("Verdict of the brand owner", _obj(
        ["verdict", "method"], verdict={"type": "string",
                                        "enum": ["counterfeit", "genuine", "inconclusive"]},
        method=STR, notes=STR)),
    "/test-purchases/{purchase_id}/close": _step("Close with a summary", _obj(["summary"], summary=STR)),
    "/test-purchases/{purchase_id}/cancel": _step("Cancel with a reason", _obj(["reason"], reason=STR)),
    "/test-purchases/{purchase_id}/outcome": _step("Takedown, penalty, value involved", _obj(
        taken_down={"type": "boolean"}, seller_penalised={"type": "boolean"},
        value_involved=MONEY)),
    "/test-purchases/{purchase_id}/evidence": {"post": {
        **op("Upload a photo or document (hashed, logged)", tag=TAG, ok=201, params=ID,
             errors=(401, 403, 404, 413, 422)),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _obj(
            ["file"], file={"type": "string", "format": "binary"}, description=STR)}}}}},
    "/test-purchases/{purchase_id}/custody": {"get": op("Re-check the custody chain and files", tag=TAG,
                                               params=ID)},
    "/ledger": {"get": op("Balances and suggested settlements", tag=TAG, errors=(401, 403),
                          response=LEDGER)},
    "/ledger/settlements": {"post": op(
        "Record a settlement payment (a member company: one it received)", tag=TAG, ok=201,
        errors=(400, 401, 403, 422),
        body=_obj(["from", "to", "amount"], **{"from": {"type": "integer"}},
                  to={"type": "integer"}, amount=MONEY, note=STR))},
}, SCHEMAS)
