"""Rules API: make, edit (versioned), move through the lifecycle, export the active ones."""

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from portal import parsing
from portal.api.helpers import api_blueprint, json_body, paginated
from portal.api.openapi import PAGING, op, path_param, register_paths
from portal.authz import access
from portal.errors import InvalidInput
from portal.extensions import db
from queqiao.engine import export_rules

from . import services
from .conditions import spec_for
from .explain import explain_listing, read_explained_listing
from .models import Rule
from .serialize import rule_json

bp = api_blueprint("queqiao_rules_api", __name__)


@bp.post("/rules")
@access("staff")
def create():
    """A new rule, in shadow mode at version 1."""
    rule = services.create_rule(_user(), json_body())
    return jsonify(rule_json(rule)), 201


@bp.get("/rules")
@access("staff")
def index():
    """Rules, newest first; ?status= narrows."""
    tip = None
    if request.args.get("tip_id"):
        tip = parsing.identifier(request.args.get("tip_id"))
        if tip is None:
            raise InvalidInput({"tip_id": _("Give the number of a tip.")})
    return jsonify(paginated(services.rules_query(request.args.get("status"), tip), rule_json))


@bp.get("/rules/export")
@access("staff")
def export():
    """The active rules as a queqiao.rules/1 document for the platform's engine."""
    rules = db.session.scalars(select(Rule).where(Rule.status == "active").order_by(Rule.id))
    return jsonify(export_rules(spec_for(r.id, r.conditions, r.version) for r in rules))


@bp.get("/rules/<int:rule_id>")
@access("staff")
def show(rule_id: int):
    """One rule."""
    return jsonify(rule_json(services.get_rule(rule_id)))


@bp.patch("/rules/<int:rule_id>")
@access("staff")
def edit(rule_id: int):
    """The next version of a rule; 409 when `version` is stale."""
    rule = services.update_rule(_user(), services.get_rule(rule_id), json_body())
    return jsonify(rule_json(rule))


@bp.post("/rules/<int:rule_id>/status")
@access("staff")
def status(rule_id: int):
    """Move a rule to shadow, active or retired."""
    data = json_body()
    rule = services.change_status(_user(), services.get_rule(rule_id), data.get("status"),
                                  override=data.get("override") is True,
                                  reason=data.get("reason"))
    return jsonify(rule_json(rule))


@bp.post("/rules/<int:rule_id>/explain")
@access("staff")
def explain(rule_id: int):
    """Why the rule (its current version) matches a listing or not, condition by condition."""
    rule = services.get_rule(rule_id)
    listing = read_explained_listing(json_body().get("listing"))
    return jsonify(explain_listing(rule, listing))


def _user():
    from flask_login import current_user

    return current_user._get_current_object()


MONEY = {"$ref": "#/components/schemas/Money"}
CONDITIONS = {"type": "object", "properties": {
    "all": {"type": "array", "items": {"type": "string"}},
    "any": {"type": "array", "items": {"type": "string"}},
    "none": {"type": "array", "items": {"type": "string"}},
    "max_price": {"oneOf": [MONEY], "nullable": True},
    "regions": {"type": "array", "items": {"type": "string"},
                "description": "region codes or names (Chinese, pinyin, English), stored as "
                               "codes: ISO 3166-2 (CN-GD), CN-<GB/T 2260> for cities, "
                               "ISO 3166-1 alpha-2 for countries"},
    "literal": {"oneOf": [{"type": "boolean"}, {"type": "array", "items": {
        "type": "string", "enum": ["all", "any", "none"]}}],
        "description": "match these conditions' terms in the literal form (no folding)"}}}
RULE_BODY = {"type": "object", "required": ["name", "conditions"], "properties": {
    "name": {"type": "string"}, "tip_id": {"type": "integer", "nullable": True},
    "brand": {"type": "string", "description": "the brand whose counterfeits prove the rule "
              "(default: the tip's brand)"},
    "conditions": CONDITIONS, "level": {"type": "string", "enum": ["low", "medium", "high"]},
    "known_false_positives": {"type": "string"}, "notes": {"type": "string"}}}
RULE = {"type": "object", "properties": {"id": {"type": "integer"}, "url": {"type": "string"},
                                         "status": {"type": "string"},
                                         "version": {"type": "integer"},
                                         "brand": {"type": "string", "nullable": True},
                                         "conditions": CONDITIONS}}
STAFF_ERRORS = (401, 403, 404)
LISTING = {"type": "object", "required": ["title"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "price": MONEY,
    "seller_id": {"type": "string"}, "region": {"type": "string"}, "url": {"type": "string"}}}
EXPLANATION = {"type": "object", "required": ["matched", "reasons"], "properties": {
    "matched": {"type": "boolean", "description": "what the engine decides for this listing"},
    "reasons": {"type": "array", "items": {
        "type": "object", "required": ["condition", "ok", "detail"], "properties": {
            "condition": {"type": "string", "enum": ["all", "any", "none", "max_price",
                                                     "regions"],
                          "description": "stable id of the condition"},
            "ok": {"type": "boolean"},
            "detail": {"type": "string", "description": "in the caller's language"},
            "terms": {"type": "array", "items": {"type": "string"}, "description":
                      "all: the missing terms (all of them when ok); any: the terms found "
                      "(all of them when none is); none: the exclusions found (all of them "
                      "when none is)"},
            "price": {"oneOf": [MONEY], "nullable": True}, "max_price": MONEY,
            "region": {"type": "string", "nullable": True,
                       "description": "the listing's region code (or its text if unknown)"},
            "regions": {"type": "array", "items": {"type": "string"}}}}}}}

register_paths({
    "/rules": {
        "post": op("Make a rule (shadow, version 1)", tag="rules", body=RULE_BODY, ok=201,
                   response=RULE, errors=(400, 401, 403, 422)),
        "get": op("List rules", tag="rules", params=[
            {"name": "status", "in": "query", "schema": {"type": "string"}},
            {"name": "tip_id", "in": "query", "schema": {"type": "integer"}}, *PAGING],
            errors=(401, 403, 422)),
    },
    "/rules/export": {"get": op(
        "The active rules as a queqiao.rules/1 document (see queqiao/engine/export.py)",
        tag="rules", errors=(401, 403))},
    "/rules/{rule_id}": {
        "get": op("One rule", tag="rules", response=RULE, params=[path_param("rule_id")],
                  errors=STAFF_ERRORS),
        "patch": op("Edit a rule: the next version (409 when version is stale)", tag="rules",
                    body={"type": "object", "required": ["version"], "properties": {
                        "version": {"type": "integer"}, "conditions": CONDITIONS,
                        "name": {"type": "string"}, "brand": {"type": "string"}}},
                    response=RULE, params=[path_param("rule_id")],
                    errors=(400, 401, 403, 404, 409, 422)),
    },
    "/rules/{rule_id}/status": {"post": op(
        "Move a rule to shadow, active or retired. Activating a rule whose proof fails (it "
        "hits a known-genuine listing, or catches less than RULE_ACTIVATION_MIN_RECALL of its "
        "brand's known counterfeits) answers 409 genuine_hits or proof_failed with the "
        "figures; override: true with a reason activates it anyway (422 without the reason) "
        "and the audit log keeps the reason", tag="rules",
        body={"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string", "enum": ["shadow", "active", "retired"]},
            "override": {"type": "boolean"}, "reason": {"type": "string"}}},
        response=RULE, params=[path_param("rule_id")], errors=(400, 401, 403, 404, 409, 422))},
    "/rules/{rule_id}/explain": {"post": op(
        "Why a rule matches a listing or not: one reason per condition, its detail in the "
        "caller's language", tag="rules",
        body={"type": "object", "required": ["listing"], "properties": {"listing": LISTING}},
        response=EXPLANATION, params=[path_param("rule_id")], errors=(400, 401, 403, 404, 422))},
})
