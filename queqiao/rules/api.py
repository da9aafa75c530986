"""Rules API: make, edit (versioned), move through the lifecycle, export the active ones."""

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from portal import parsing
from portal.api.helpers import api_blueprint, json_body, paginated
from portal.api.openapi import MONEY_IN, PAGING, nullable, op, path_param, register_paths
from portal.authz import access
from portal.errors import InvalidInput
from portal.extensions import db
from queqiao.engine import export_rules

from . import services
from .conditions import spec_for
from .models import STATUSES, Rule
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
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise InvalidInput({"status": _("Choose one of: %(choices)s.", choices=", ".join(STATUSES))})
    return jsonify(paginated(services.rules_query(status, tip), rule_json))


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
                                  override=data.get("override") is True)
    return jsonify(rule_json(rule))


def _user():
    from flask_login import current_user

    return current_user._get_current_object()


CONDITIONS = {"type": "object", "properties": {
    "all": {"type": "array", "items": {"type": "string"}},
    "any": {"type": "array", "items": {"type": "string"}},
    "none": {"type": "array", "items": {"type": "string"}},
    "max_price": nullable(MONEY_IN),
    "regions": {"type": "array", "items": {"type": "string"}}}}
RULE_BODY = {"type": "object", "required": ["name", "conditions"], "properties": {
    "name": {"type": "string"}, "tip_id": {"type": "integer", "nullable": True},
    "conditions": CONDITIONS, "level": {"type": "string", "enum": ["low", "medium", "high"]},
    "known_false_positives": {"type": "string"}, "notes": {"type": "string"}}}
RULE = {"type": "object", "properties": {"id": {"type": "integer"}, "url": {"type": "string"},
                                         "status": {"type": "string"},
                                         "version": {"type": "integer"},
                                         "conditions": CONDITIONS}}
STAFF_ERRORS = (401, 403, 404)

register_paths({
    "/rules": {
        "post": op("Make a rule (shadow, version 1)", tag="rules", body=RULE_BODY, ok=201,
                   response=RULE, errors=(400, 401, 403, 422)),
        "get": op("List rules", tag="rules", params=[
            {"name": "status", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "string", "enum": list(STATUSES)}},
            {"name": "tip_id", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": parsing.MAX_ID}}, *PAGING],
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
                        "name": {"type": "string"}}},
                    response=RULE, params=[path_param("rule_id")],
                    errors=(400, 401, 403, 404, 409, 422)),
    },
    "/rules/{rule_id}/status": {"post": op(
        "Move a rule to shadow, active or retired (activating over genuine-corpus hits needs "
        "override: true)", tag="rules",
        body={"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string", "enum": ["shadow", "active", "retired"]},
            "override": {"type": "boolean"}}},
        response=RULE, params=[path_param("rule_id")], errors=(400, 401, 403, 404, 409, 422))},
})
