"""The board's figures (with a chart) and the CSV export, both honouring the filters."""

import json

from flask import Response, render_template, request
from flask_login import current_user

from portal.authz import access
from portal.errors import InvalidInput
from portal.extensions import db
from portal.forms import show_errors
from portal.models import utcnow

from . import bp
from .export import to_csv
from .figures import board_figures
from .tracker import figure_records, parse_filters, tracker_query, with_history


@bp.get("/figures")
@access("signed_in")
def figures():
    """Median days to decision and to response, answers within 30 days, implementation."""
    from .views import LABELS, filter_form

    form = filter_form(request.args)
    try:
        filters = parse_filters(request.args)
    except InvalidInput as e:
        show_errors(form, e)
        filters = {}
    result = board_figures(figure_records(current_user, filters), utcnow())
    chart = {"years": [str(y) for y in result.by_year],
             "decision": [v["median_days_to_decision"] for v in result.by_year.values()],
             "response": [v["median_days_to_response"] for v in result.by_year.values()]}
    return render_template("advisory/figures.html", figures=result, form=form, labels=LABELS,
                           chart=json.dumps(chart), query=request.query_string.decode())


@bp.get("/export.csv")
@access("signed_in")
def export():
    """The filtered tracker as a CSV file."""
    filters = parse_filters(request.args)
    recs = db.session.scalars(with_history(tracker_query(current_user, filters))).all()
    body = to_csv(recs, request.host_url.rstrip("/"))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=recommendations.csv"})
