"""Rules API: make, edit (versioned), move through the lifecycle, export the active ones."""

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from portal import parsing
from portal.api.helpers import api_blueprint, iso, json_body, paginated
from portal.api.openapi import (
    MONEY_IN,
    NAMED,
    PAGING,
    TIME,
    nullable,
    op,
    page_of,
    path_param,
    register_paths,
)
from portal.authz import access
from portal.errors import InvalidInput, NotFound
from portal.extensions import db
from portal.urls import page_url
from queqiao.engine import export_rules
from queqiao.engine.export import FORMAT
from queqiao.engine.normalisation import NORMALISATION
from queqiao.engine.rules import TERM_CONDITIONS
from queqiao.listings import corpus as known_listings
from queqiao.listings.models import CORPUS_KINDS, CorpusListing
from queqiao.listings.schemas import PRICE_CNY_REF

from . import services
from .conditions import spec_for
from .explain import explain_listing, read_explained_listing
from .models import LEVELS, STATUSES, Rule
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


CONDITIONS = {"type": "object", "properties": {
    "all": {"type": "array", "items": {"type": "string"}},
    "any": {"type": "array", "items": {"type": "string"}},
    "none": {"type": "array", "items": {"type": "string"}},
    "max_price": nullable(MONEY_IN),
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
_TERMS = {"type": "array", "items": {"type": "string"}}
_LITERAL = {"type": "array", "items": {"type": "string", "enum": list(TERM_CONDITIONS)},
            "description": "present only when some condition's terms match in the literal "
                           "form: those conditions"}
# Conditions as a rule keeps them: parse_conditions writes every key, terms normalised.
STORED_CONDITIONS = {
    "type": "object", "required": ["all", "any", "none", "max_price", "regions"],
    "properties": {"all": _TERMS, "any": _TERMS, "none": _TERMS,
                   "max_price": nullable(PRICE_CNY_REF),
                   "regions": {**_TERMS, "description": "gazetteer codes (CN-GD, CN-440300, "
                                                        "FR...)"},
                   "literal": _LITERAL}}
RULE = {"type": "object", "required": [
    "id", "url", "name", "tip_id", "brand", "status", "version", "conditions", "level",
    "known_false_positives", "notes", "created_by", "created_at", "updated_at"], "properties": {
    "id": {"type": "integer"}, "url": {"type": "string", "description": "the rule's page"},
    "name": {"type": "string", "maxLength": 200},
    "tip_id": {"type": "integer", "nullable": True,
               "description": "the accepted tip the rule was made from, if any"},
    "brand": {"type": "string", "nullable": True,
              "description": "the brand whose counterfeits prove the rule"},
    "status": {"type": "string", "enum": list(STATUSES)},
    "version": {"type": "integer", "minimum": 1},
    "conditions": {"$ref": "#/components/schemas/RuleConditions"},
    "level": {"type": "string", "enum": list(LEVELS)},
    "known_false_positives": {"type": "string"}, "notes": {"type": "string"},
    "created_by": NAMED, "created_at": TIME, "updated_at": TIME}}
_RULE_REF = {"$ref": "#/components/schemas/Rule"}
# The queqiao.rules/1 document (queqiao/engine/export.py says what each field means).
EXPORTED_RULE = {
    "type": "object", "required": ["id", "version", "all", "any", "none", "max_price",
                                   "regions"],
    "properties": {"id": {"type": "integer"}, "version": {"type": "integer", "minimum": 1},
                   "all": _TERMS, "any": _TERMS, "none": _TERMS,
                   "max_price": nullable(PRICE_CNY_REF),
                   "regions": {**_TERMS, "description": "normalised region names and codes, "
                                                        "a province widened to its cities"},
                   "literal": _LITERAL}}
RULES_DOCUMENT = {
    "type": "object", "required": ["format", "generated_at", "normalisation", "rules"],
    "properties": {
        "format": {"type": "string", "enum": [FORMAT]},
        "generated_at": TIME,
        "normalisation": {"type": "string", "enum": [NORMALISATION],
                          "description": "the form every term and region is already in"},
        "rules": {"type": "array", "items": EXPORTED_RULE}}}
STAFF_ERRORS = (401, 403, 404)
LISTING = {"type": "object", "required": ["title"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "price": nullable(MONEY_IN),
    "seller_id": {"type": "string"}, "region": {"type": "string"}, "url": {"type": "string"}}}
MONEY = {"$ref": "#/components/schemas/Money"}
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

def corpus_json(item: CorpusListing) -> dict:
    """A known listing of the proving corpus."""
    return {"id": item.id, "url": page_url("queqiao_rules.corpus", kind=item.kind),
            "kind": item.kind, "title": item.title,
            "price": None if item.price is None else {"amount": item.price, "currency": "CNY"},
            "region": item.region, "source": item.source, "hit_id": item.hit_id,
            "created_at": iso(item.created_at)}


@bp.get("/corpus")
@access("staff")
def corpus():
    """The proving corpus, newest first; ?kind=genuine|counterfeit narrows."""
    kind = request.args.get("kind") or None
    if kind is not None and kind not in CORPUS_KINDS:
        raise InvalidInput({"kind": _("Choose genuine or counterfeit.")})
    return jsonify({**paginated(known_listings.corpus_query(kind), corpus_json),
                    "counts": known_listings.corpus_counts()})


@bp.post("/corpus")
@access("staff")
def add_to_corpus():
    """Add a known-genuine or known-counterfeit listing {kind, title, price?, region?}."""
    data = json_body()
    price = parsing.money(data.get("price"), "price")
    if price is not None and price[1] != "CNY":
        raise InvalidInput({"price": _("The corpus keeps prices in CNY.")})
    region = data.get("region")
    item = known_listings.add_corpus_listing(
        _user(), data.get("kind"), data.get("title"), price[0] if price else None,
        parsing.text(region, "region", max_length=80) if region is not None else None)
    return jsonify(corpus_json(item)), 201


@bp.delete("/corpus/<int:item_id>")
@access("staff")
def remove_from_corpus(item_id: int):
    """Take a listing out of the corpus."""
    item = db.session.get(CorpusListing, item_id)
    if item is None:
        raise NotFound()
    known_listings.remove_corpus_listing(_user(), item)
    return "", 204


CORPUS_ITEM = {"type": "object", "required": ["id", "kind", "title"], "properties": {
    "id": {"type": "integer"}, "url": {"type": "string"},
    "kind": {"type": "string", "enum": ["genuine", "counterfeit"]},
    "title": {"type": "string", "maxLength": 500},
    "price": {"allOf": [{"$ref": "#/components/schemas/Money"}], "nullable": True},
    "region": {"type": "string", "nullable": True},
    "source": {"type": "string", "description": "manual, upload or hit"},
    "hit_id": {"type": "integer", "nullable": True},
    "created_at": {"type": "string", "format": "date-time"}}}
_CORPUS_REF = {"$ref": "#/components/schemas/CorpusListing"}
_REMOVE = op("Take a listing out of the corpus (staff)", tag="corpus", ok=204,
             params=[path_param("item_id")], errors=(401, 403, 404))
_REMOVE["responses"]["204"] = {"description": "Removed"}

register_paths({
    "/corpus": {
        "get": op("The proving corpus (staff)", tag="corpus", errors=(401, 403, 422),
                  params=[{"name": "kind", "in": "query", "schema": {
                      "type": "string", "enum": ["genuine", "counterfeit"]}}, *PAGING],
                  response={"type": "object", "properties": {
                      "items": {"type": "array", "items": _CORPUS_REF},
                      "page": {"type": "integer"}, "per_page": {"type": "integer"},
                      "total": {"type": "integer"},
                      "counts": {"type": "object", "properties": {
                          "genuine": {"type": "integer"}, "counterfeit": {"type": "integer"}}}}}),
        "post": op("Add a known listing to the corpus (staff)", tag="corpus", ok=201,
                   body={"type": "object", "required": ["kind", "title"], "properties": {
                       "kind": {"type": "string", "enum": ["genuine", "counterfeit"]},
                       "title": {"type": "string", "maxLength": 500},
                       "price": {"allOf": [{"$ref": "#/components/schemas/Money"}],
                                 "nullable": True},
                       "region": {"type": "string", "maxLength": 80}}},
                   response=_CORPUS_REF, errors=(400, 401, 403, 422))},
    "/corpus/{item_id}": {"delete": _REMOVE},
    "/rules": {
        "post": op("Make a rule (shadow, version 1)", tag="rules", body=RULE_BODY, ok=201,
                   response=_RULE_REF, errors=(400, 401, 403, 422)),
        "get": op("List rules", tag="rules", params=[
            {"name": "status", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "string", "enum": list(STATUSES)}},
            {"name": "tip_id", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": parsing.MAX_ID}}, *PAGING],
            response=page_of(_RULE_REF), errors=(401, 403, 422)),
    },
    "/rules/export": {"get": op(
        "The active rules as a queqiao.rules/1 document (see queqiao/engine/export.py)",
        tag="rules", response=RULES_DOCUMENT, errors=(401, 403))},
    "/rules/{rule_id}": {
        "get": op("One rule", tag="rules", response=_RULE_REF, params=[path_param("rule_id")],
                  errors=STAFF_ERRORS),
        "patch": op("Edit a rule: the next version (409 when version is stale)", tag="rules",
                    body={"type": "object", "required": ["version"], "properties": {
                        "version": {"type": "integer"}, "conditions": CONDITIONS,
                        "name": {"type": "string"}, "brand": {"type": "string"}}},
                    response=_RULE_REF, params=[path_param("rule_id")],
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
        response=_RULE_REF, params=[path_param("rule_id")],
        errors=(400, 401, 403, 404, 409, 422))},
    "/rules/{rule_id}/explain": {"post": op(
        "Why a rule matches a listing or not: one reason per condition, its detail in the "
        "caller's language", tag="rules",
        body={"type": "object", "required": ["listing"], "properties": {"listing": LISTING}},
        response=EXPLANATION, params=[path_param("rule_id")], errors=(400, 401, 403, 404, 422))},
}, {"CorpusListing": CORPUS_ITEM, "Rule": RULE, "RuleConditions": STORED_CONDITIONS})
