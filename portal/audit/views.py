"""The secretariat's audit log page, with filters and a CSV download."""

from flask import Response, render_template, request
from sqlalchemy import select

from .. import parsing
from ..accounts.models import User
from ..authz import access
from ..extensions import db
from . import bp
from .actions import ACTION_LABELS, action_label, is_labelled
from .filters import MAX_CSV_ROWS, events_csv, search_args
from .services import search


@bp.get("")
@access("admin")
def index():
    """Audit events, newest first, filtered by action, object, actor and dates."""
    q = search(**search_args(request.args))
    page = parsing.page(request.args.get("page"))
    events = db.session.scalars(q.limit(101).offset((page - 1) * 100)).all()
    # Thousands of people at full scale: the filter needs their ids and names, not accounts.
    actors = db.session.execute(select(User.id, User.name).order_by(User.name, User.id)).all()
    return render_template("audit/index.html", events=events[:100], has_more=len(events) > 100,
                           page=page, actors=actors, args=request.args,
                           max_csv_rows=MAX_CSV_ROWS, action_label=action_label,
                           labelled=is_labelled, action_choices=sorted(ACTION_LABELS.items()))


@bp.get("/export.csv")
@access("admin")
def export_csv():
    """The filtered events as CSV (at most MAX_CSV_ROWS, newest first)."""
    events = db.session.scalars(search(**search_args(request.args)).limit(MAX_CSV_ROWS))
    return csv_download(events)


def csv_download(events) -> Response:
    """The CSV as a download (page and API)."""
    return Response(events_csv(events), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})
