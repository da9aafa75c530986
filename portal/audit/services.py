"""Writing and reading the audit log. Services record; views never do."""

import uuid
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import select

from ..extensions import db
from .models import AuditEvent


def _request_facts() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    if "request_id" not in g:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    return request.remote_addr, g.request_id


def record(actor: Any, action: str, obj: Any = None, summary: str = "", **details: Any) -> AuditEvent:
    """Add an audit event to the current transaction (it commits with the change)."""
    ip, request_id = _request_facts()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None and getattr(obj, "id", None) is not None else None,
        summary=summary[:500],
        details=details,
        ip=ip,
        request_id=request_id,
    )
    db.session.add(event)
    return event


def search(*, action: str = "", object_type: str = "", actor_id: int | None = None,
           object_id: str = "", since=None, until=None):
    """A query of audit events, newest first, narrowed by the given filters."""
    q = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        q = q.where(AuditEvent.action.like(f"{action}%"))
    if object_type:
        q = q.where(AuditEvent.object_type == object_type)
    if object_id:
        q = q.where(AuditEvent.object_id == object_id)
    if actor_id:
        q = q.where(AuditEvent.actor_id == actor_id)
    if since:
        q = q.where(AuditEvent.at >= since)
    if until:
        q = q.where(AuditEvent.at < until)
    return q
