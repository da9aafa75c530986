"""Scans and hits API: scan up to 10,000 listings a call, list hits, record outcomes."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import parsing
from portal.api.helpers import api_blueprint, iso, json_body, paginated, parse_datetime
from portal.api.openapi import PAGING, TIME, op, page_of, path_param, register_paths, text
from portal.authz import access
from portal.errors import InvalidInput, NotFound
from portal.extensions import db
from portal.urls import page_url
from queqiao.listings import schemas as listing_schemas
from queqiao.rules.services import get_rule

from . import feed as feeds
from . import services
from .models import FeedUpload, Hit

bp = api_blueprint("queqiao_scanning_api", __name__)


def hit_json(hit: Hit) -> dict:
    """A hit with the listing as it was when the rule matched it."""
    return {
        "id": hit.id,
        "url": page_url("queqiao_scanning.hit", hit_id=hit.id),
        "rule_id": hit.rule_id,
        "rule_version": hit.rule_version,
        "tip_id": hit.rule.tip_id,
        "mode": hit.mode,
        "listing_id": hit.listing_id,
        "seller_id": hit.seller_id,
        "listing": hit.snapshot,
        "outcome": hit.outcome,
        "outcome_at": iso(hit.outcome_at),
        "created_at": iso(hit.created_at),
    }


@bp.post("/scans")
@access("staff")
def scan():
    """Scan listings against the shadow and active rules; hits are stored once per version."""
    data = json_body()
    listings = services.read_listings(data.get("listings"))
    result = services.scan(current_user._get_current_object(), listings)
    return jsonify(scanned=result.scanned, new_hits=result.new_hits, hits=[
        {"listing_id": listing_id, "rule_id": rule_id, "mode": mode}
        for listing_id, rule_id, mode in result.matches])


def _filter(rule_id: int | None = None) -> services.HitFilter:
    """Hit filters from the query string."""
    args = request.args
    errors = {}
    numbers = {}
    for name in ("rule_id", "tip_id"):
        value = args.get(name)
        if value:
            numbers[name] = parsing.identifier(value)
            if numbers[name] is None:
                errors[name] = _("Give a whole number.")
    for name, allowed in (("mode", services.MODES), ("outcome", (*services.OUTCOMES, "none"))):
        if args.get(name) and args[name] not in allowed:
            errors[name] = _("Choose one of: %(choices)s.", choices=", ".join(allowed))
    if errors:
        raise InvalidInput(errors)
    return services.HitFilter(
        rule_id=rule_id if rule_id is not None else numbers.get("rule_id"),
        tip_id=numbers.get("tip_id"),
        seller_id=parsing.text(args.get("seller_id"), "seller_id", max_length=200) or None,
        mode=args.get("mode"), outcome=args.get("outcome"),
        since=parse_datetime(args.get("since"), "since", required=False),
        until=parse_datetime(args.get("until"), "until", required=False))


@bp.get("/hits")
@access("staff")
def hits():
    """Hits, newest first, filtered by rule, tip, seller, mode, outcome and time."""
    return jsonify(paginated(services.hits_query(_filter()), hit_json))


@bp.get("/rules/<int:rule_id>/hits")
@access("staff")
def rule_hits(rule_id: int):
    """The hits of one rule (every version)."""
    get_rule(rule_id)
    return jsonify(paginated(services.hits_query(_filter(rule_id)), hit_json))


@bp.get("/hits/<int:hit_id>")
@access("staff")
def hit(hit_id: int):
    """One hit."""
    return jsonify(hit_json(services.get_hit(hit_id)))


@bp.post("/hits/<int:hit_id>/outcome")
@access("staff")
def outcome(hit_id: int):
    """Record that a hit's listing was taken down, or was a false positive."""
    hit = services.set_outcome(current_user._get_current_object(), services.get_hit(hit_id),
                               json_body().get("outcome"))
    return jsonify(hit_json(hit))


@bp.post("/feeds")
@access("staff")
def upload_feed():
    """Keep a feed file (multipart `file`, CSV or JSON Lines) and queue its scan: 202."""
    request.max_content_length = current_app.config["QUEQIAO_FEED_MAX_BYTES"]
    upload = request.files.get("file")
    try:
        item = feeds.accept_upload(current_user._get_current_object(), upload)
    except InvalidInput as error:
        raise InvalidInput({"file": next(iter(error.fields.values()))}) from None
    feeds.start(item)
    feed = db.session.get(FeedUpload, item.id)
    return jsonify({"id": feed.id, "status": feed.status,
                    "url": page_url("queqiao_scanning.feed_page", feed_id=feed.id),
                    "status_url": page_url("queqiao_scanning_api.feed", feed_id=feed.id)}), 202


@bp.get("/feeds")
@access("staff")
def feed_list():
    """Feed files, newest first."""
    return jsonify(paginated(select(FeedUpload).order_by(FeedUpload.id.desc()), feeds.feed_json))


@bp.get("/feeds/<int:feed_id>")
@access("staff")
def feed(feed_id: int):
    """A feed's scan: status, records processed of total, hits, and bad rows by line."""
    item = db.session.get(FeedUpload, feed_id)
    if item is None:
        raise NotFound()
    return jsonify(feeds.feed_json(item))


IDENT = {"oneOf": [text(200), {"type": "integer"}]}
WEB_ADDRESS = text(1000, required=False, pattern=r"^\s*https?://[^/\s?#]+",
                   description="http(s) address with a host", nullable=True)
LISTING = {"type": "object", "required": ["id", "title"], "properties": {
    "id": IDENT, "title": text(500),
    "price": {"nullable": True, "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": parsing.MAX_AMOUNT},
        {"type": "object", "required": ["amount"], "properties": {
            "amount": {"type": "integer", "minimum": 0, "maximum": parsing.MAX_AMOUNT},
            "currency": {"type": "string", "enum": ["CNY"]}}}],
        "description": "Money in CNY, or an integer amount of fen"},
    "seller_id": {**text(200, required=False), "nullable": True},
    "region": {**text(80, required=False), "nullable": True}, "url": WEB_ADDRESS}}
HIT_FILTERS = [
    *({"name": n, "in": "query", "allowEmptyValue": True,
       "schema": {"type": "integer", "minimum": 1, "maximum": parsing.MAX_ID}}
      for n in ("rule_id", "tip_id")),
    {"name": "seller_id", "in": "query", "schema": text(200, required=False)},
    {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["active", "shadow"]}},
    {"name": "outcome", "in": "query", "schema": {"type": "string", "enum": [
        "taken_down", "false_positive", "none"]}, "description": "none: no outcome yet"},
    *({"name": n, "in": "query", "schema": TIME} for n in ("since", "until"))]

HIT = {"type": "object", "required": ["id", "url", "rule_id", "rule_version", "tip_id", "mode",
                                      "listing_id", "seller_id", "listing", "outcome",
                                      "outcome_at", "created_at"],
       "properties": {
           "id": {"type": "integer"}, "url": {"type": "string", "description": "the hit's page"},
           "rule_id": {"type": "integer"},
           "rule_version": {"type": "integer", "minimum": 1,
                            "description": "the version of the rule that matched"},
           "tip_id": {"type": "integer", "nullable": True,
                      "description": "the tip the rule was made from, if any"},
           "mode": {"type": "string", "enum": list(services.MODES)},
           "listing_id": {"type": "string"}, "seller_id": {"type": "string", "nullable": True},
           "listing": {"$ref": "#/components/schemas/ListingSnapshot"},
           "outcome": {"type": "string", "enum": [*services.OUTCOMES, None], "nullable": True,
                       "description": "null until staff record one"},
           "outcome_at": {**TIME, "nullable": True},
           "created_at": TIME}}
_HIT_REF = {"$ref": "#/components/schemas/Hit"}
FEED = {"type": "object", "properties": {
    "id": {"type": "integer"}, "url": {"type": "string"}, "filename": {"type": "string"},
    "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
    "processed": {"type": "integer", "description": "records read so far"},
    "total": {"type": "integer", "description": "records in the file (0 until it is split)"},
    "scanned": {"type": "integer"}, "hits": {"type": "integer"},
    "chunks": {"type": "integer"}, "chunks_done": {"type": "integer"},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "line": {"type": "integer"}, "message": {"type": "string"}}}},
    "error_count": {"type": "integer"}, "error": {"type": "string", "nullable": True},
    "created_at": {"type": "string", "format": "date-time"},
    "finished_at": {"type": "string", "format": "date-time", "nullable": True}}}
FEED_UPLOAD = op("Upload a feed file (CSV or JSON Lines) to be scanned by the workers",
                 tag="scanning", ok=202, errors=(401, 403, 413, 422), response={
                     "type": "object", "properties": {
                         "id": {"type": "integer"}, "status": {"type": "string"},
                         "url": {"type": "string"}, "status_url": {"type": "string"}}})
FEED_UPLOAD["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}

register_paths({
    "/feeds": {"post": FEED_UPLOAD,
               "get": op("Feed files, newest first", tag="scanning", params=PAGING,
                         errors=(401, 403, 422), response={"type": "object", "properties": {
                             "items": {"type": "array", "items": FEED},
                             "page": {"type": "integer"}, "per_page": {"type": "integer"},
                             "total": {"type": "integer"}}})},
    "/feeds/{feed_id}": {"get": op("A feed's scan and its progress", tag="scanning",
                                   params=[path_param("feed_id")], response=FEED,
                                   errors=(401, 403, 404))},
    "/scans": {"post": op(
        "Scan up to 10,000 listings against the live rules (413 above)", tag="scanning",
        body={"type": "object", "required": ["listings"], "properties": {
            "listings": {"type": "array", "maxItems": 10000, "items": LISTING}}},
        response={"type": "object", "properties": {
            "scanned": {"type": "integer"}, "new_hits": {"type": "integer"},
            "hits": {"type": "array", "items": {"type": "object", "properties": {
                "listing_id": {"type": "string"}, "rule_id": {"type": "integer"},
                "mode": {"type": "string", "enum": ["active", "shadow"]}}}}}},
        errors=(400, 401, 403, 413, 422))},
    "/hits": {"get": op("List hits", tag="scanning", params=[*HIT_FILTERS, *PAGING],
                        response=page_of(_HIT_REF), errors=(401, 403, 422))},
    "/hits/{hit_id}": {"get": op("One hit with its listing snapshot", tag="scanning",
                                 params=[path_param("hit_id")], response=_HIT_REF,
                                 errors=(401, 403, 404))},
    "/hits/{hit_id}/outcome": {"post": op(
        "Record a hit's outcome", tag="scanning", params=[path_param("hit_id")],
        body={"type": "object", "required": ["outcome"], "properties": {
            "outcome": {"type": "string", "enum": ["taken_down", "false_positive"]}}},
        response=_HIT_REF, errors=(400, 401, 403, 404, 409, 422))},
    "/rules/{rule_id}/hits": {"get": op(
        "The hits of one rule", tag="scanning", params=[path_param("rule_id"), *HIT_FILTERS,
                                                          *PAGING], response=page_of(_HIT_REF),
        errors=(401, 403, 404, 422))},
}, {"Hit": HIT, **listing_schemas.SCHEMAS})
