"""The secretariat's audit log page, with filters."""

from datetime import datetime, timedelta

from flask import render_template, request
from sqlalchemy import select

from ..accounts.models import User
from ..authz import access
from ..extensions import db
from . import bp
from .services import search


def _date(name: str):
    try:
        return datetime.fromisoformat(request.args[name]).astimezone() if request.args.get(name) else None
    except ValueError:
        return None


@bp.get("")
@access("admin")
def index():
    """Audit events, newest first, filtered by action, object, actor and dates."""
    actor_id = request.args.get("actor", type=int)
    until = _date("until")
    q = search(action=request.args.get("action", "").strip(),
               object_type=request.args.get("object_type", "").strip(),
               object_id=request.args.get("object_id", "").strip(),
               actor_id=actor_id, since=_date("since"),
               until=until + timedelta(days=1) if until else None)
    page = max(request.args.get("page", 1, type=int), 1)
    events = db.session.scalars(q.limit(101).offset((page - 1) * 100)).all()
    actors = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("audit/index.html", events=events[:100], has_more=len(events) > 100,
                           page=page, actors=actors, args=request.args)
