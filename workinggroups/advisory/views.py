"""Tracker pages."""

from flask import render_template

from portal.authz import access

from . import bp


@bp.get("")
@access("signed_in")
def index():
    """The tracker list."""
    return render_template("advisory/index.html", recommendations=[])


@bp.get("/<int:rec_id>")
@access("signed_in")
def detail(rec_id: int):
    """One recommendation."""
    return render_template("advisory/index.html", recommendations=[])
