"""The secretariat's audit log page, with filters."""

from datetime import datetime, timedelta

from flask import render_template, request
from sqlalchemy import select

from .. import parsing
from ..accounts.models import User
from ..authz import access
from ..extensions import db
from . import bp
from .services import search


def _text(name: str) -> str:
    """A filter as comparable text (no control characters or lone surrogates)."""
    value = request.args.get(name, "")
    return "".join(c for c in value if c >= " " and not "\ud800" <= c <= "\udfff").strip()[:200]


def _date(name: str):
    try:
        moment = datetime.fromisoformat(request.args[name]) if request.args.get(name) else None
        if moment is not None and not parsing.plausible_year(moment.year):
            return None  # outside the portal's years: no filter (and no overflow)
        return moment.astimezone() if moment else None
    except ValueError:
        return None


@bp.get("")
@access("admin")
def index():
    """Audit events, newest first, filtered by action, object, actor and dates."""
    actor_id = parsing.identifier(request.args.get("actor"))
    until = _date("until")
    q = search(action=_text("action"), object_type=_text("object_type"),
               object_id=_text("object_id"),
               actor_id=actor_id, since=_date("since"),
               until=until + timedelta(days=1) if until else None)
    page = parsing.page(request.args.get("page"))
    events = db.session.scalars(q.limit(101).offset((page - 1) * 100)).all()
    actors = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("audit/index.html", events=events[:100], has_more=len(events) > 100,
                           page=page, actors=actors, args=request.args)
