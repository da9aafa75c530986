"""The tips API (API.md: Queqiao tips), documented in the OpenAPI document."""

from flask import current_app, jsonify, request, url_for
from flask_login import current_user

from portal.accounts.groups import TWELVE_GROUPS
from portal.accounts.models import Organisation
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
from portal.authz import access, can, require, require_visible
from portal.extensions import db
from portal.richtext import render_markdown
from portal.uploads import EVIDENCE, send_stored

from . import bulk, services
from .feedback import feedback_for
from .lifecycle import ACTION_LABELS, STATUS_LABELS
from .models import SHARING_LEVELS, STATUSES, Tip
from .queries import own_tips, parse_filters, similar_tips, tips_query, vetting_queue
from .track_record import WINDOWS_MONTHS, track_record

bp = api_blueprint("queqiao_api", __name__)


def person(user) -> dict | None:
    """A person as the API shows them."""
    return None if user is None else {"id": user.id, "name": user.name}


def tip_json(tip: Tip, *, detail: bool = False) -> dict:
    """A tip; the detail adds history, attachments and what the caller may do."""
    data = {
        "id": tip.id,
        "url": url_for("queqiao.tip_detail", tip_id=tip.id),
        "title": tip.title,
        "description": tip.description,
        "brand": tip.brand,
        "working_group": tip.working_group.slug,
        "organization": {"id": tip.organisation.id, "name": tip.organisation.name},
        "author": person(tip.author),
        "status": tip.status,
        "sharing": tip.sharing,
        "indicators": tip.indicators,
        "version": tip.version,
        "created_at": iso(tip.created_at),
        "updated_at": iso(tip.updated_at),
        "submitted_at": iso(tip.submitted_at),
        "decided_at": iso(tip.decided_at),
    }
    if detail:
        data["description_html"] = str(render_markdown(tip.description))
        data["history"] = [{"action": e.action, "status": e.to_status, "from_status": e.from_status,
                            "reason": e.reason, "at": iso(e.at), "by": person(e.actor),
                            "details": e.details} for e in tip.events]
        data["attachments"] = [attachment_json(a) for a in tip.attachments]
        data["comments_url"] = url_for("queqiao_api.comments", tip_id=tip.id)
        data["can"] = {action: can(current_user, f"tip.{action}", tip)
                       for action in ("edit", "review", "comment", "feedback")}
    return data


def attachment_json(a) -> dict:
    """An evidence file's facts and where to fetch it."""
    return {"id": a.id, "filename": a.filename, "mime": a.mime, "size": a.size, "sha256": a.sha256,
            "created_at": iso(a.created_at),
            "url": url_for("queqiao_api.attachment", tip_id=a.tip_id, attachment_id=a.id)}


def comment_json(c) -> dict:
    """A comment of the conversation."""
    return {"id": c.id, "body": c.body, "body_html": str(render_markdown(c.body)),
            "author": person(c.author), "organization": c.author.organisation.name,
            "created_at": iso(c.created_at)}


@bp.post("/tips")
@access("tip.create")
def create():
    """A member company shares a tip; it waits for vetting."""
    tip = services.create_tip(current_user, json_body())
    return jsonify(tip_json(tip, detail=True)), 201


def _import_rows() -> tuple[list, str]:
    """The rows sent (a multipart `file`, or the body itself as CSV or a JSON array) and
    which of the two they were."""
    limits = {"max_bytes": current_app.config["TIPS_IMPORT_MAX_BYTES"],
              "max_rows": current_app.config["TIPS_IMPORT_MAX_ROWS"]}
    multipart = request.mimetype == "multipart/form-data"
    # A body past the limit is refused by its declared length, before it is read (a
    # multipart body may carry a little more: its boundaries and headers).
    bulk.check_size(request.content_length, limits["max_bytes"] + (8192 if multipart else 0))
    if multipart:
        return bulk.read_upload(request.files.get("file"), **limits)
    raw = request.get_data(cache=False)
    kind = bulk.kind_of(None, request.mimetype, raw)
    return bulk.read_import(raw, kind, **limits), kind


def import_json(result: services.ImportResult) -> dict:
    """What an import did, as the API and the page report it."""
    return {"created": result.created, "errors": result.errors, "dry_run": result.dry_run,
            "valid_rows": result.valid_rows}


@bp.post("/tips/import")
@access("tip.create")
def import_tips():
    """Many tips at once (CSV or a JSON array); bad rows are reported, `?dry_run=1` writes
    nothing."""
    dry_run = (request.args.get("dry_run") or "") in ("1", "true")
    rows, kind = _import_rows()
    result = services.import_tips(current_user, rows, dry_run=dry_run,
                                  rename=bulk.csv_fields if kind == "csv" else dict)
    return jsonify(import_json(result))


@bp.get("/tips/export")
@access("signed_in")
def export():
    """The caller's organisation's tips as CSV, in the columns the import reads."""
    return bulk.csv_download(own_tips(current_user))


@bp.get("/tips")
@access("signed_in")
def index():
    """Tips the caller may see, with search and filters."""
    return jsonify(paginated(tips_query(current_user, parse_filters(request.args)), tip_json))


@bp.get("/tips/queue")
@access("tip.review")
def queue():
    """The vetting queue: trusted contributors first, then the longest waiting."""
    items = [{**tip_json(e.tip), "waiting_seconds": int(e.waited.total_seconds()),
              "trusted_contributor": e.trusted} for e in vetting_queue(current_user)]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


@bp.get("/tips/<int:tip_id>")
@access("signed_in")
def show(tip_id: int):
    """One tip, with its history."""
    return jsonify(tip_json(services.get_tip(current_user, tip_id), detail=True))


@bp.patch("/tips/<int:tip_id>")
@access("signed_in")
def edit(tip_id: int):
    """The author's organisation edits a waiting or returned tip (send `version`)."""
    data = json_body()
    tip = services.edit_tip(current_user, services.get_tip(current_user, tip_id), data,
                            version=data.get("version"))
    return jsonify(tip_json(tip, detail=True))


@bp.post("/tips/<int:tip_id>/review")
@access("signed_in")
def review(tip_id: int):
    """Platform staff decide: accept, needs_info or reject (reason required unless accepting)."""
    data = json_body()
    tip = services.review_tip(current_user, services.get_tip(current_user, tip_id),
                              data.get("decision"), data.get("reason"))
    return jsonify(tip_json(tip, detail=True))


@bp.post("/tips/<int:tip_id>/resubmit")
@access("signed_in")
def resubmit(tip_id: int):
    """Back to the queue after the author added what was asked."""
    data = json_body()
    tip = services.resubmit_tip(current_user, services.get_tip(current_user, tip_id),
                                data.get("note"))
    return jsonify(tip_json(tip, detail=True))


@bp.post("/tips/<int:tip_id>/withdraw")
@access("signed_in")
def withdraw(tip_id: int):
    """The author's organisation takes back an undecided tip."""
    data = json_body()
    tip = services.withdraw_tip(current_user, services.get_tip(current_user, tip_id),
                                data.get("reason"))
    return jsonify(tip_json(tip, detail=True))


@bp.get("/tips/<int:tip_id>/feedback")
@access("signed_in")
def feedback(tip_id: int):
    """What the tip achieved: the author's organisation and platform staff."""
    tip = services.get_tip(current_user, tip_id)
    require("tip.feedback", tip)
    return jsonify({"tip_id": tip.id, **feedback_for(tip)})


@bp.get("/tips/<int:tip_id>/comments")
@access("signed_in")
def comments(tip_id: int):
    """The tip's conversation, oldest first."""
    tip = services.get_tip(current_user, tip_id)
    items = [comment_json(c) for c in tip.comments]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


@bp.post("/tips/<int:tip_id>/comments")
@access("signed_in")
def add_comment(tip_id: int):
    """Add to the conversation."""
    comment = services.add_comment(current_user, services.get_tip(current_user, tip_id),
                                   json_body().get("body"))
    return jsonify(comment_json(comment)), 201


@bp.get("/tips/<int:tip_id>/similar")
@access("signed_in")
def similar(tip_id: int):
    """Tips sharing keywords with this one, among those the caller may see."""
    tip = services.get_tip(current_user, tip_id)
    items = [{**tip_json(other), "shared_keywords": shared}
             for other, shared in similar_tips(current_user, tip)]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


@bp.post("/tips/<int:tip_id>/attachments")
@access("signed_in")
def upload(tip_id: int):
    """Evidence (image or PDF, multipart field `file`), checked by content."""
    tip = services.get_tip(current_user, tip_id)
    attachment = services.add_attachment(current_user, tip, request.files.get("file"))
    return jsonify(attachment_json(attachment)), 201


@bp.get("/tips/<int:tip_id>/attachments/<int:attachment_id>")
@access("signed_in")
def attachment(tip_id: int, attachment_id: int):
    """The evidence file, only for those who may see the tip."""
    a = services.get_attachment(current_user, tip_id, attachment_id)
    return send_stored(a.sha256, a.mime, a.filename)


@bp.get("/organizations/<int:org_id>/tip-record")
@access("signed_in")
def tip_record(org_id: int):
    """A contributor's track record: its own people and platform staff."""
    org = require_visible("tip.track_record", db.session.get(Organisation, org_id))
    return jsonify({"organization": {"id": org.id, "name": org.name}, **track_record(org.id)})


TIP_SCHEMA = {"type": "object", "required": [
    "id", "url", "title", "description", "brand", "working_group", "organization", "author",
    "status", "sharing", "indicators", "version", "created_at", "updated_at", "submitted_at",
    "decided_at"], "properties": {
    "id": {"type": "integer"}, "url": {"type": "string", "description": "the tip's page"},
    "title": {"type": "string"}, "description": {"type": "string", "description": "Markdown"},
    "brand": {"type": "string"},
    "working_group": {"type": "string", "enum": [g[0] for g in TWELVE_GROUPS],
                      "description": "slug"},
    "organization": NAMED, "author": NAMED,
    "status": {"type": "string", "enum": list(STATUSES)},
    "sharing": {"type": "string", "enum": list(SHARING_LEVELS)},
    "indicators": {"$ref": "#/components/schemas/TipIndicators"},
    "version": {"type": "integer", "minimum": 1,
                "description": "send it back with an edit (409 when stale)"},
    "created_at": TIME, "updated_at": TIME,
    "submitted_at": {**TIME, "description": "when the tip last entered the vetting queue"},
    "decided_at": {**TIME, "nullable": True,
                   "description": "when staff last decided (accepted, needs_info, rejected)"}}}
# OpenAPI 3.0.3: a nullable enum lists null among its values.
_STATUS = {"type": "string", "enum": [*STATUSES, None], "nullable": True}
# One step of a tip's history (services._event); `details` holds what the step adds.
TIP_EVENT = {"type": "object", "required": ["action", "status", "from_status", "reason", "at",
                                            "by", "details"], "properties": {
    "action": {"type": "string", "enum": list(ACTION_LABELS)},
    "status": {**_STATUS, "description": "the status the step led to; null for the steps that "
                                         "keep it (edits, sharing, evidence)"},
    "from_status": {**_STATUS, "description": "the status before the step; null for the first "
                                              "submission and the steps that keep it"},
    "reason": {"type": "string", "description": "staff's reason, or the author's note; empty "
                                                "when none was given"},
    "at": TIME, "by": nullable(NAMED),
    "details": {"type": "object", "description": "by action: submitted {sharing}; edited "
                                                 "{fields}; sharing_widened and "
                                                 "sharing_narrowed {before, after}; "
                                                 "attachment_added {filename, attachment_id}; "
                                                 "the others {}", "properties": {
        "sharing": {"type": "string", "enum": list(SHARING_LEVELS)},
        "fields": {"type": "array", "items": {"type": "string", "enum": [
            "title", "description", "brand", "working_group", "indicators"]},
            "description": "the content fields the edit changed"},
        "before": {"type": "string", "enum": list(SHARING_LEVELS)},
        "after": {"type": "string", "enum": list(SHARING_LEVELS)},
        "filename": {"type": "string"}, "attachment_id": {"type": "integer"}}}}}
ATTACHMENT = {"type": "object", "required": ["id", "filename", "mime", "size", "sha256",
                                             "created_at", "url"], "properties": {
    "id": {"type": "integer"}, "filename": {"type": "string"},
    "mime": {"type": "string", "enum": sorted(EVIDENCE), "description": "read from the "
                                                                        "content"},
    "size": {"type": "integer", "minimum": 0, "description": "bytes"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "created_at": TIME,
    "url": {"type": "string", "description": "where to fetch the file"}}}
TIP_DETAIL = {"allOf": [{"$ref": "#/components/schemas/Tip"}, {
    "type": "object", "required": ["description_html", "history", "attachments",
                                   "comments_url", "can"], "properties": {
        "description_html": {"type": "string", "description": "the description rendered "
                                                              "(safe HTML)"},
        "history": {"type": "array", "items": {"$ref": "#/components/schemas/TipEvent"},
                    "description": "oldest first"},
        "attachments": {"type": "array",
                        "items": {"$ref": "#/components/schemas/TipAttachment"}},
        "comments_url": {"type": "string"},
        "can": {"type": "object", "description": "what the caller may do with the tip",
                "required": ["edit", "review", "comment", "feedback"], "properties": {
                    k: {"type": "boolean"} for k in ("edit", "review", "comment",
                                                     "feedback")}}}}]}
QUEUE_ENTRY = {"allOf": [{"$ref": "#/components/schemas/Tip"}, {
    "type": "object", "required": ["waiting_seconds", "trusted_contributor"], "properties": {
        "waiting_seconds": {"type": "integer", "description": "since it entered the queue"},
        "trusted_contributor": {"type": "boolean", "description": "its organisation holds "
                                                                  "the trusted-contributor "
                                                                  "mark (listed first)"}}}]}
SIMILAR_TIP = {"allOf": [{"$ref": "#/components/schemas/Tip"}, {
    "type": "object", "required": ["shared_keywords"], "properties": {
        "shared_keywords": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                            "description": "its keywords that the tip also has"}}}]}
COMMENT = {"type": "object", "required": ["id", "body", "body_html", "author", "organization",
                                          "created_at"], "properties": {
    "id": {"type": "integer"}, "body": {"type": "string", "description": "Markdown"},
    "body_html": {"type": "string", "description": "the body rendered (safe HTML)"},
    "author": NAMED,
    "organization": {"type": "string", "description": "the name of the author's organisation"},
    "created_at": TIME}}
_RATE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}
TRACK_RECORD = {"type": "object", "required": ["organization", "windows", "trusted",
                                               "thresholds"], "properties": {
    "organization": NAMED,
    "windows": {"type": "array", "description": "the last 1, 2 and 3 months (30 days each)",
                "items": {"type": "object", "required": [
                    "months", "days", "submitted", "accepted", "rejected", "acceptance",
                    "hits", "taken_down", "precision"], "properties": {
                    "months": {"type": "integer", "enum": list(WINDOWS_MONTHS)},
                    "days": {"type": "integer"},
                    **{k: {"type": "integer", "minimum": 0} for k in (
                        "submitted", "accepted", "rejected", "hits", "taken_down")},
                    "acceptance": {**_RATE, "description": "accepted over decided; null when "
                                                           "none was decided"},
                    "precision": {**_RATE, "description": "confirmed counterfeit over "
                                                          "authenticated test purchases; null "
                                                          "when none was"}}}},
    "trusted": {"type": "boolean", "description": "meets the thresholds over their window: "
                                                  "its new tips go first in the queue"},
    "thresholds": {"type": "object", "required": ["min_accepted", "min_acceptance",
                                                  "min_precision", "window_days"],
                   "properties": {"min_accepted": {"type": "integer"},
                                  "min_acceptance": {"type": "number"},
                                  "min_precision": {"type": "number"},
                                  "window_days": {"type": "integer"}}}}}
INDICATORS = {"type": "object", "required": ["keywords"], "properties": {
    "keywords": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "exclude": {"type": "array", "items": {"type": "string"}},
    "max_price": nullable(MONEY_IN),
    "regions": {"type": "array", "items": {"type": "string"}}}}
NEW_TIP = {"type": "object", "required": ["title", "description", "brand", "working_group",
                                          "indicators"], "properties": {
    "title": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
    "brand": {"type": "string"}, "working_group": {"type": "string", "description": "slug"},
    "sharing": {"type": "string", "enum": ["platform", "working_group", "alliance"],
                "default": "platform"},
    "indicators": {"$ref": "#/components/schemas/TipIndicators"}}}
# Every field of an edit is optional (OpenAPI 3.0 wants no empty `required` list).
EDIT_TIP = {**{k: v for k, v in NEW_TIP.items() if k != "required"},
            "properties": {**NEW_TIP["properties"], "version": {"type": "integer"}}}
_COUNTS = ("rules", "hits", "taken_down", "false_positives", "test_purchases",
           "confirmed_counterfeit", "confirmed_genuine", "inconclusive")
FEEDBACK = {"type": "object", "required": ["tip_id", *_COUNTS, "precision", "weekly"],
            "properties": {
    "tip_id": {"type": "integer"},
    **{k: {"type": "integer", "minimum": 0} for k in _COUNTS},
    "precision": {"type": "number", "nullable": True,
                  "description": "(confirmed_counterfeit + taken_down) / (confirmed_counterfeit "
                                 "+ taken_down + confirmed_genuine + false_positives)"},
    "weekly": {"type": "array", "description": "every week (Monday, UTC) since the tip was "
                                              "made, at most the last 26, none left out",
               "items": {"type": "object", "required": ["week", "hits", "taken_down",
                                                        "confirmed_counterfeit"],
                         "properties": {
                             "week": {"type": "string", "format": "date",
                                      "description": "the Monday that starts it"},
                             **{k: {"type": "integer", "minimum": 0} for k in (
                                 "hits", "taken_down", "confirmed_counterfeit")}}}}}}
TIP_REF = {"$ref": "#/components/schemas/Tip"}
DETAIL_REF = {"$ref": "#/components/schemas/TipDetail"}
COMMENT_REF = {"$ref": "#/components/schemas/TipComment"}
LIST = page_of(TIP_REF)
STR = {"type": "string"}
DATE = {"type": "string", "format": "date"}
FILTERS = [{"name": n, "in": "query", "schema": schema, "description": d,
            **({"allowEmptyValue": True} if n != "q" else {})}
           for n, schema, d in (
               ("q", STR, "full text over title, description and keywords"),
               ("group", {"type": "string", "enum": [g[0] for g in TWELVE_GROUPS]},
                "working group slug (working_group works too)"),
               ("brand", STR, "brand"),
               ("status", {"type": "string", "enum": list(STATUS_LABELS)}, "status"),
               ("sharing", {"type": "string", "enum": list(SHARING_LEVELS)}, "sharing level"),
               ("since", DATE, "created on or after (YYYY-MM-DD)"),
               ("until", DATE, "created on or before (YYYY-MM-DD)"),
               ("mine", STR, "1, true or on: only my organisation's tips"))]
TIP_ID = [path_param("tip_id")]
TEXT_BODY = {"type": "object", "properties": {"note": {"type": "string"},
                                              "reason": {"type": "string"}}}

IMPORT_RESULT = {"type": "object", "required": ["created", "errors"], "properties": {
    "created": {"type": "array", "items": {"type": "integer"},
                "description": "ids of the tips made (none in a dry run)"},
    "errors": {"type": "array", "items": {"type": "object", "required": ["row", "fields"],
                                          "properties": {
        "row": {"type": "integer", "description": "1 = the first tip (CSV: the first line "
                                                  "after the header)"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "field (CSV: column) -> message"}}}},
    "valid_rows": {"type": "array", "items": {"type": "integer"},
                   "description": "rows that passed (made, or would be made in a dry run)"},
    "dry_run": {"type": "boolean"}}}
CSV_HELP = ("CSV columns: " + ", ".join(bulk.COLUMNS) + "; keywords, exclude and regions "
            "are separated by ' | '; max_price is in minor units (fen, cent) with its "
            "currency. UTF-8, with or without a BOM.")
IMPORT_OP = op(
    "Share many tips at once (member organisations). Each row is checked as POST /tips "
    "checks one; a bad row is reported and writes nothing, the good rows are written. "
    "At most TIPS_IMPORT_MAX_ROWS rows (500) and TIPS_IMPORT_MAX_BYTES bytes (1 MB): 413 "
    "above. " + CSV_HELP, tag="tips", response={"$ref": "#/components/schemas/TipImport"},
    errors=(400, 401, 403, 413, 422),
    params=[{"name": "dry_run", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
             "description": "1: check every row and write nothing"}])
IMPORT_OP["requestBody"] = {"required": True, "content": {
    "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/NewTip"}}},
    "text/csv": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "CSV or JSON"}}}}}}
EXPORT_OP = {**op("Your organisation's tips as CSV, in the columns POST /tips/import reads "
                  "(so an export imports again). " + CSV_HELP, tag="tips", errors=(401,)),
             "responses": {"200": {"description": "CSV", "content": {
                 "text/csv": {"schema": {"type": "string"}}}},
                 "401": {"description": "No or bad token", "content": {"application/json": {
                     "schema": {"$ref": "#/components/schemas/Error"}}}}}}

register_paths({
    "/tips/import": {"post": IMPORT_OP},
    "/tips/export": {"get": EXPORT_OP},
    "/tips": {
        "post": op("Share a tip", tag="tips", body={"$ref": "#/components/schemas/NewTip"},
                   ok=201, response=DETAIL_REF, errors=(400, 401, 403, 422)),
        "get": op("Tips you may see", tag="tips", response=LIST, errors=(401, 422),
                  params=PAGING + FILTERS)},
    "/tips/queue": {"get": op("The vetting queue (staff)", tag="tips",
                              response=page_of({"$ref": "#/components/schemas/TipQueueEntry"}),
                              errors=(401, 403))},
    "/tips/{tip_id}": {
        "get": op("One tip with its history", tag="tips", response=DETAIL_REF, params=TIP_ID),
        "patch": op("Edit a waiting or returned tip", tag="tips",
                    body={"$ref": "#/components/schemas/EditTip"}, response=DETAIL_REF,
                    params=TIP_ID, errors=(400, 401, 403, 404, 409, 422))},
    "/tips/{tip_id}/review": {"post": op(
        "Vet a tip (platform staff)", tag="tips", params=TIP_ID, response=DETAIL_REF,
        body={"type": "object", "required": ["decision"], "properties": {
            "decision": {"type": "string", "enum": ["accept", "needs_info", "reject"]},
            "reason": {"type": "string", "description": "required unless accepting"}}},
        errors=(400, 401, 403, 404, 409, 422))},
    "/tips/{tip_id}/resubmit": {"post": op("Resubmit a tip sent back for information",
                                           tag="tips", params=TIP_ID, body=TEXT_BODY,
                                           response=DETAIL_REF,
                                           errors=(400, 401, 403, 404, 409, 422))},
    "/tips/{tip_id}/withdraw": {"post": op("Withdraw an undecided tip", tag="tips",
                                           params=TIP_ID, body=TEXT_BODY, response=DETAIL_REF,
                                           errors=(400, 401, 403, 404, 409, 422))},
    "/tips/{tip_id}/feedback": {"get": op(
        "What the tip achieved (author's organisation and staff)", tag="tips", params=TIP_ID,
        response={"$ref": "#/components/schemas/TipFeedback"})},
    "/tips/{tip_id}/comments": {
        "get": op("The tip's conversation, oldest first", tag="tips", params=TIP_ID,
                  response=page_of(COMMENT_REF)),
        "post": op("Comment on a tip", tag="tips", params=TIP_ID, ok=201, response=COMMENT_REF,
                   body={"type": "object", "required": ["body"],
                         "properties": {"body": {"type": "string"}}},
                   errors=(400, 401, 403, 404, 422))},
    "/tips/{tip_id}/similar": {"get": op("Tips sharing keywords, among those you may see",
                                         tag="tips", params=TIP_ID, response=page_of(
                                             {"$ref": "#/components/schemas/SimilarTip"}))},
    "/tips/{tip_id}/attachments": {"post": {
        **op("Add evidence (image or PDF)", tag="tips", params=TIP_ID, ok=201,
             response={"$ref": "#/components/schemas/TipAttachment"},
             errors=(401, 403, 404, 409, 422)),
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}}}}}}}},
    "/tips/{tip_id}/attachments/{attachment_id}": {"get": {
        **op("An evidence file", tag="tips", params=TIP_ID + [path_param("attachment_id")]),
        "responses": {"200": {"description": "The file", "content": {
            "image/*": {}, "application/pdf": {}}},
            "401": {"description": "No or bad token"},
            "404": {"description": "Absent or not visible to you"}}}},
    "/organizations/{org_id}/tip-record": {"get": op(
        "A contributor's track record (its own people and staff)", tag="tips",
        params=[path_param("org_id")], response=TRACK_RECORD)},
}, {"Tip": TIP_SCHEMA, "TipIndicators": INDICATORS, "NewTip": NEW_TIP, "EditTip": EDIT_TIP,
    "TipFeedback": FEEDBACK, "TipImport": IMPORT_RESULT, "TipDetail": TIP_DETAIL,
    "TipEvent": TIP_EVENT, "TipAttachment": ATTACHMENT, "TipComment": COMMENT,
    "TipQueueEntry": QUEUE_ENTRY, "SimilarTip": SIMILAR_TIP})
