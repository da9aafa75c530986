"""REST API of the tracker under /api/v1/recommendations."""

from flask import jsonify, request
from flask_login import current_user

from portal.accounts.groups import TWELVE_GROUPS
from portal.api.helpers import api_blueprint, iso, json_body, paginated
from portal.api.openapi import (
    PAGING,
    TIME,
    op,
    optional_body,
    page_of,
    path_param,
    register_paths,
)
from portal.api.openapi import text as text_field
from portal.authz import access, require_visible
from portal.errors import NotFound
from portal.urls import page_url
from workinggroups.api import PERSON

from . import board, links, services
from .lifecycle import ACTION_LABELS, STATUSES
from .models import CATEGORIES, DECISIONS, RESPONSES, VOTE_POSITIONS, Recommendation
from .tracker import parse_filters, tracker_query

bp = api_blueprint("advisory_api", __name__)


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.name, "organization": user.organisation.name} \
        if user else None


def summary(rec: Recommendation) -> dict:
    """A recommendation as the list shows it."""
    return {
        "id": rec.id, "url": page_url("advisory.detail", rec_id=rec.id),
        "working_group": rec.working_group.slug, "title": rec.title, "summary": rec.summary,
        "category": rec.category, "status": rec.status, "version": rec.version,
        "created_at": iso(rec.created_at), "submitted_at": iso(rec.first_submitted_at),
        "progress": rec.progress,
    }


def detail(rec: Recommendation, user) -> dict:
    """Everything a reader may see of one recommendation."""
    return {
        **summary(rec), "body": rec.body, "hide_tally": rec.hide_tally,
        "author": _person(rec.author),
        "review_deadline": rec.review_deadline.isoformat() if rec.review_deadline else None,
        "decision_note": rec.decision_note,
        "response": {"outcome": rec.response_outcome, "rationale": rec.response_rationale}
        if rec.response_outcome else None,
        "votes": board.tally(rec, user).as_dict(),
        "history": [{"status": e.status, "action": e.action, "at": iso(e.at),
                     "by": _person(e.by), "note": e.note} for e in rec.events],
        "cosigned_by": [c.working_group.slug for c in rec.cosigns],
        "comments": [{"id": c.id, "body": c.body, "at": iso(c.at), "author": _person(c.author)}
                     for c in rec.comments],
        "milestones": [{"id": m.id, "title": m.title, "progress": m.progress,
                        "target_date": m.target_date.isoformat() if m.target_date else None}
                       for m in rec.milestones],
        "links": links.visible_links(user, rec),
        "following": services.is_following(user, rec),
    }


def _load(rec_id: int) -> Recommendation:
    rec = services.get(rec_id)
    if rec is None:
        raise NotFound()
    return require_visible("recommendation.view", rec)


def _answer(rec: Recommendation, status: int = 200):
    return jsonify(detail(rec, current_user)), status


@bp.get("/recommendations")
@access("signed_in")
def list_recommendations():
    """The tracker, filtered by ?status=&working_group=&category=&year=."""
    query = tracker_query(current_user, parse_filters(request.args))
    return jsonify(paginated(query, summary))


@bp.post("/recommendations")
@access("signed_in")
def create_recommendation():
    """A new draft (the group's chair or vice-chair)."""
    return _answer(services.create(current_user, json_body()), 201)


@bp.get("/recommendations/<int:rec_id>")
@access("signed_in")
def get_recommendation(rec_id: int):
    """One recommendation with its tally and history."""
    return _answer(_load(rec_id))


@bp.patch("/recommendations/<int:rec_id>")
@access("signed_in")
def edit_recommendation(rec_id: int):
    """Edit a draft or returned recommendation (send `version`)."""
    return _answer(services.update(current_user, _load(rec_id), json_body()))


@bp.post("/recommendations/<int:rec_id>/submit")
@access("signed_in")
def submit_recommendation(rec_id: int):
    """Put it to the board."""
    return _answer(services.submit(current_user, _load(rec_id)))


@bp.post("/recommendations/<int:rec_id>/withdraw")
@access("signed_in")
def withdraw_recommendation(rec_id: int):
    """The chair withdraws it before a decision."""
    body = json_body(optional=True)
    return _answer(services.withdraw(current_user, _load(rec_id), body.get("note")))


@bp.post("/recommendations/<int:rec_id>/votes")
@access("signed_in")
def vote_recommendation(rec_id: int):
    """A board member's vote: support, object or abstain."""
    rec = _load(rec_id)
    body = json_body()
    services.vote(current_user, rec, body.get("position"), body.get("comment"))
    return _answer(rec)


@bp.post("/recommendations/<int:rec_id>/comments")
@access("signed_in")
def comment_recommendation(rec_id: int):
    """A remark during board review."""
    rec = _load(rec_id)
    services.comment(current_user, rec, json_body().get("body"))
    return _answer(rec, 201)


@bp.post("/recommendations/<int:rec_id>/cosign")
@access("signed_in")
def cosign_recommendation(rec_id: int):
    """Another group co-signs (its chair or vice-chair)."""
    rec = _load(rec_id)
    body = json_body(optional=True)
    services.cosign(current_user, rec, body.get("working_group"))
    return _answer(rec, 201)


@bp.post("/recommendations/<int:rec_id>/decision")
@access("signed_in")
def decide_recommendation(rec_id: int):
    """The secretariat records the board's decision."""
    body = json_body()
    return _answer(services.decide(current_user, _load(rec_id), body.get("outcome"),
                                   body.get("note")))


@bp.post("/recommendations/<int:rec_id>/response")
@access("signed_in")
def respond_recommendation(rec_id: int):
    """Platform staff answer an endorsed recommendation."""
    body = json_body()
    return _answer(services.respond(current_user, _load(rec_id), body.get("outcome"),
                                    body.get("rationale")))


@bp.post("/recommendations/<int:rec_id>/milestones")
@access("signed_in")
def add_milestone(rec_id: int):
    """Platform staff add an implementation milestone."""
    rec = _load(rec_id)
    body = json_body()
    services.add_milestone(current_user, rec, body.get("title"), body.get("target_date"),
                           body.get("progress", 0))
    return _answer(rec, 201)


@bp.patch("/recommendations/<int:rec_id>/milestones/<int:milestone_id>")
@access("signed_in")
def update_milestone(rec_id: int, milestone_id: int):
    """Platform staff report a milestone's progress."""
    rec = _load(rec_id)
    services.report_progress(current_user, rec, milestone_id, json_body().get("progress"))
    return _answer(rec)


@bp.post("/recommendations/<int:rec_id>/complete")
@access("signed_in")
def complete_recommendation(rec_id: int):
    """Platform staff report it implemented."""
    body = json_body(optional=True)
    return _answer(services.complete(current_user, _load(rec_id), body.get("note")))


@bp.post("/recommendations/<int:rec_id>/close")
@access("signed_in")
def close_recommendation(rec_id: int):
    """Close it without (further) implementation."""
    body = json_body(optional=True)
    return _answer(services.close(current_user, _load(rec_id), body.get("note")))


@bp.post("/recommendations/<int:rec_id>/follow")
@access("signed_in")
def follow_recommendation(rec_id: int):
    """Hear of every step."""
    rec = _load(rec_id)
    services.follow(current_user, rec, True)
    return _answer(rec)


@bp.delete("/recommendations/<int:rec_id>/follow")
@access("signed_in")
def unfollow_recommendation(rec_id: int):
    """Stop hearing of it."""
    rec = _load(rec_id)
    services.follow(current_user, rec, False)
    return _answer(rec)


@bp.post("/recommendations/<int:rec_id>/links")
@access("signed_in")
def link_recommendation(rec_id: int):
    """Link a meeting, tip or test purchase that supports it."""
    rec = _load(rec_id)
    body = json_body()
    services.add_link(current_user, rec, body.get("kind"), body.get("ref"))
    return _answer(rec, 201)


_DATE = {"type": "string", "format": "date"}
# What summary() gives: every key, always.
_SUMMARY = {
    "id": {"type": "integer"}, "url": {"type": "string", "description": "its page"},
    "working_group": {"type": "string", "description": "the proposing group's slug"},
    "title": {"type": "string"}, "summary": {"type": "string"},
    "category": {"type": "string", "enum": list(CATEGORIES)},
    "status": {"type": "string", "enum": list(STATUSES)},
    "version": {"type": "integer", "minimum": 1, "description": "send it back when editing"},
    "created_at": TIME,
    "submitted_at": {**TIME, "nullable": True, "description": "first put to the board; null "
                                                               "while a draft"},
    "progress": {"type": "integer", "minimum": 0, "maximum": 100,
                 "description": "implementation: the mean of its milestones' progress"}}
# board.Tally: the split is null while the reader may not see it (`hidden`).
_SPLIT = {"type": "integer", "minimum": 0, "nullable": True,
          "description": "null while the tally is hidden"}
TALLY = {"type": "object", "required": ["voted", "board", "quorum", "quorum_reached", "hidden",
                                        "support", "object", "abstain", "mine"], "properties": {
    "voted": {"type": "integer", "minimum": 0}, "board": {"type": "integer", "minimum": 0,
                                                         "description": "board members today"},
    "quorum": {"type": "integer", "minimum": 0, "description": "votes the board needs to decide"},
    "quorum_reached": {"type": "boolean"},
    "hidden": {"type": "boolean", "description": "the split is kept back until the decision"},
    "support": _SPLIT, "object": _SPLIT, "abstain": _SPLIT,
    "mine": {"type": "string", "enum": [*VOTE_POSITIONS, None], "nullable": True,
             "description": "the caller's own vote; null when they have not voted"}}}
_NULLABLE_PERSON = {"allOf": [PERSON], "nullable": True}
# What detail() adds to the summary: every key, always.
_DETAIL = {
    "body": {"type": "string"}, "hide_tally": {"type": "boolean"}, "author": PERSON,
    "review_deadline": {**_DATE, "nullable": True, "description": "while under board review"},
    "decision_note": {"type": "string"},
    "response": {"type": "object", "nullable": True, "required": ["outcome", "rationale"],
                 "description": "the platform's response; null until it answers",
                 "properties": {"outcome": {"type": "string", "enum": list(RESPONSES)},
                                "rationale": {"type": "string"}}},
    "votes": {"$ref": "#/components/schemas/VoteTally"},
    "history": {"type": "array", "description": "oldest first", "items": {
        "type": "object", "required": ["status", "action", "at", "by", "note"], "properties": {
            "status": {"type": "string", "enum": list(STATUSES),
                       "description": "the state it was left in"},
            "action": {"type": "string", "enum": list(ACTION_LABELS)}, "at": TIME,
            "by": _NULLABLE_PERSON, "note": {"type": "string"}}}},
    "cosigned_by": {"type": "array", "items": {"type": "string"},
                    "description": "slugs of the groups that co-signed"},
    "comments": {"type": "array", "items": {
        "type": "object", "required": ["id", "body", "at", "author"], "properties": {
            "id": {"type": "integer"}, "body": {"type": "string"}, "at": TIME,
            "author": PERSON}}},
    "milestones": {"type": "array", "items": {
        "type": "object", "required": ["id", "title", "progress", "target_date"], "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "target_date": {**_DATE, "nullable": True}}}},
    "links": {"type": "array", "description": "those the caller may see", "items": {
        "type": "object", "required": ["id", "kind", "ref", "label", "url"], "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "description": "meeting, tip, test_purchase..."},
            "ref": {"type": "string"}, "label": {"type": "string"},
            "url": {"type": "string", "description": "the linked page"}}}},
    "following": {"type": "boolean", "description": "whether the caller follows it"}}
SUMMARY = {"type": "object", "required": list(_SUMMARY), "properties": _SUMMARY}
RECOMMENDATION = {"type": "object", "required": [*_SUMMARY, *_DETAIL],
                  "properties": {**_SUMMARY, **_DETAIL}}


def _openapi() -> None:
    tag = "recommendations"
    rid = [path_param("rec_id")]
    text = {"type": "string"}
    rec_schema = {"$ref": "#/components/schemas/Recommendation"}
    transitions = (401, 403, 404, 409, 422)
    # A step's optional note, kept in the recommendation's history.
    note_body = {"type": "object", "properties": {"note": text_field(5000, required=False)}}
    cosign_body = {"type": "object", "properties": {"working_group": {
        "type": "string", "minLength": 1, "maxLength": 80,
        "description": "the slug of the group you chair that co-signs; your first such "
                       "group when left out"}}}
    register_paths({
        "/recommendations": {
            "get": op("The tracker (filters: status, working_group, category, year)", tag=tag,
                      errors=(401, 422),
                      response=page_of({"$ref": "#/components/schemas/RecommendationSummary"}),
                      params=PAGING + [
                          {"name": n, "in": "query", "allowEmptyValue": True, "schema": schema}
                          for n, schema in (
                              ("status", {"type": "string", "enum": list(STATUSES)}),
                              ("working_group", {"type": "string",
                                                 "enum": [g[0] for g in TWELVE_GROUPS]}),
                              ("category", {"type": "string", "enum": list(CATEGORIES)}),
                              ("year", {"type": "integer", "minimum": 2000, "maximum": 2100}))]),
            "post": op("Draft a recommendation (the group's chair)", tag=tag, ok=201,
                       response=rec_schema, errors=(400, 401, 403, 422), body={
                           "type": "object",
                           "required": ["working_group", "title", "summary", "category"],
                           "properties": {"working_group": text, "title": text, "summary": text,
                                          "body": text, "category": {"enum": list(CATEGORIES)},
                                          "hide_tally": {"type": "boolean"}}}),
        },
        "/recommendations/{rec_id}": {
            "get": op("A recommendation with its votes tally and history", tag=tag,
                      response=rec_schema, params=rid),
            "patch": op("Edit a draft or returned recommendation", tag=tag, params=rid,
                        response=rec_schema, errors=(400, *transitions), body={
                            "type": "object", "properties": {
                                "title": text, "summary": text, "body": text,
                                "category": {"enum": list(CATEGORIES)},
                                "version": {"type": "integer"}}}),
        },
        "/recommendations/{rec_id}/submit": {"post": op(
            "Submit to the board", tag=tag, params=rid, response=rec_schema,
            errors=transitions)},
        "/recommendations/{rec_id}/withdraw": {"post": optional_body(op(
            "Withdraw before a decision", tag=tag, params=rid, response=rec_schema,
            errors=(400, *transitions)), note_body)},
        "/recommendations/{rec_id}/votes": {"post": op(
            "Vote (board members: the current chairs)", tag=tag, params=rid, response=rec_schema,
            errors=(400, *transitions), body={
                "type": "object", "required": ["position"],
                "properties": {"position": {"enum": list(VOTE_POSITIONS)}, "comment": text}})},
        "/recommendations/{rec_id}/comments": {"post": op(
            "Comment during board review", tag=tag, params=rid, ok=201, response=rec_schema,
            errors=(400, *transitions), body={"type": "object", "required": ["body"],
                                              "properties": {"body": text}})},
        "/recommendations/{rec_id}/cosign": {"post": optional_body(op(
            "Co-sign for another group you chair", tag=tag, params=rid, ok=201,
            response=rec_schema, errors=(400, *transitions)), cosign_body)},
        "/recommendations/{rec_id}/decision": {"post": op(
            "Record the board's decision (secretariat)", tag=tag, params=rid,
            response=rec_schema, errors=(400, *transitions), body={
                "type": "object", "required": ["outcome"],
                "properties": {"outcome": {"enum": list(DECISIONS)}, "note": text}})},
        "/recommendations/{rec_id}/response": {"post": op(
            "The platform's response (staff, after endorsement)", tag=tag, params=rid,
            response=rec_schema, errors=(400, *transitions), body={
                "type": "object", "required": ["outcome", "rationale"],
                "properties": {"outcome": {"enum": list(RESPONSES)}, "rationale": text}})},
        "/recommendations/{rec_id}/milestones": {"post": op(
            "Add an implementation milestone (staff)", tag=tag, params=rid, ok=201,
            response=rec_schema, errors=(400, *transitions), body={
                "type": "object", "required": ["title"],
                "properties": {"title": text, "target_date": {"type": "string", "format": "date"},
                               "progress": {"type": "integer", "minimum": 0, "maximum": 100}}})},
        "/recommendations/{rec_id}/milestones/{milestone_id}": {"patch": op(
            "Report a milestone's progress (staff)", tag=tag,
            params=rid + [path_param("milestone_id")], response=rec_schema,
            errors=(400, *transitions), body={
                "type": "object", "required": ["progress"],
                "properties": {"progress": {"type": "integer", "minimum": 0, "maximum": 100}}})},
        "/recommendations/{rec_id}/complete": {"post": optional_body(op(
            "Report it implemented (staff); below 100 % of the milestones a note must say why",
            tag=tag, params=rid, response=rec_schema, errors=(400, *transitions)), note_body)},
        "/recommendations/{rec_id}/close": {"post": optional_body(op(
            "Close it (staff or secretariat)", tag=tag, params=rid, response=rec_schema,
            errors=(400, *transitions)), note_body)},
        "/recommendations/{rec_id}/follow": {
            "post": op("Follow", tag=tag, params=rid, response=rec_schema),
            "delete": op("Stop following", tag=tag, params=rid, response=rec_schema)},
        "/recommendations/{rec_id}/links": {"post": op(
            "Link a meeting, tip or test purchase", tag=tag, params=rid, ok=201,
            response=rec_schema, errors=(400, 401, 403, 404, 409, 422), body={
                "type": "object", "required": ["kind", "ref"],
                "properties": {"kind": text, "ref": text}})},
    }, schemas={"Recommendation": RECOMMENDATION, "RecommendationSummary": SUMMARY,
                "VoteTally": TALLY})


_openapi()
