"""API: the audit log for admins, filtered as on the page, as JSON or CSV."""

from flask import request

from ..api.helpers import api_blueprint, iso, paginated
from ..api.openapi import NAMED, PAGING, TIME, nullable, op, page_of, register_paths
from ..authz import access
from ..extensions import db
from ..urls import page_url
from .filters import CSV_COLUMNS, MAX_CSV_ROWS, search_args
from .models import AuditEvent
from .services import search
from .views import csv_download

bp = api_blueprint("audit_api", __name__)


def event_json(e: AuditEvent) -> dict:
    """One audit event."""
    return {"id": e.id, "url": page_url("audit.index", object_type=e.object_type or "",
                                        object_id=e.object_id or ""),
            "at": iso(e.at), "actor": {"id": e.actor.id, "name": e.actor.name} if e.actor else None,
            "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
            "summary": e.summary, "details": e.details, "ip": e.ip, "request_id": e.request_id}


@bp.get("/audit")
@access("admin")
def events():
    """Audit events, newest first, filtered by actor, action, object and dates."""
    return paginated(search(**search_args(request.args, strict=True)), event_json)


@bp.get("/audit/export")
@access("admin")
def export():
    """The same filters, as CSV."""
    query = search(**search_args(request.args, strict=True)).limit(MAX_CSV_ROWS)
    return csv_download(db.session.scalars(query))


FILTERS = [{"name": n, "in": "query", "schema": {"type": "string", **extra}, "description": d}
           for n, d, extra in (
               ("action", "action prefix, e.g. tip. or tip.review", {}),
               ("object_type", "e.g. Tip", {}), ("object_id", "", {}),
               ("actor", "user id of who acted", {"pattern": "^[0-9]+$"}),
               ("since", "from this day (YYYY-MM-DD)", {"format": "date"}),
               ("until", "to this day, included (YYYY-MM-DD)", {"format": "date"}))]
EVENT = {"type": "object", "required": ["id", "url", "at", "actor", "action", "object_type",
                                        "object_id", "summary", "details", "ip", "request_id"],
         "properties": {
    "id": {"type": "integer"},
    "url": {"type": "string", "description": "the log page narrowed to the event's object"},
    "at": TIME,
    "actor": {**nullable(NAMED), "description": "who acted; null for the system"},
    "action": {"type": "string", "maxLength": 80, "description": "e.g. tip.review"},
    "object_type": {"type": "string", "nullable": True, "description": "e.g. Tip"},
    "object_id": {"type": "string", "nullable": True}, "summary": {"type": "string"},
    "details": {"type": "object", "description": "what the action recorded beside the "
                                                 "summary. A free-form map: its keys depend on "
                                                 "the action, and every package records its "
                                                 "own (e.g. tip.review: decision, from_status, "
                                                 "to_status)",
                "additionalProperties": {
                    "nullable": True,
                    "description": "any JSON value: text, a number, true or false, null, or a "
                                   "list or object of these"}},
    "ip": {"type": "string", "nullable": True},
    "request_id": {"type": "string", "nullable": True}}}
_EXPORT = op(f"The audit log as CSV (admins; columns {', '.join(CSV_COLUMNS)}; at most "
             f"{MAX_CSV_ROWS} rows, newest first)", tag="audit", params=FILTERS,
             errors=(401, 403, 422))
_EXPORT["responses"]["200"] = {"description": "CSV", "content": {
    "text/csv": {"schema": {"type": "string"}}}}
register_paths({
    "/audit": {"get": op("The audit log (admins)", tag="audit", params=FILTERS + PAGING,
                         errors=(401, 403, 422),
                         response=page_of({"$ref": "#/components/schemas/AuditEvent"}))},
    "/audit/export": {"get": _EXPORT},
}, {"AuditEvent": EVENT})
