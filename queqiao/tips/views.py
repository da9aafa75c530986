"""Tip pages."""

from flask import render_template

from portal.authz import access

from .. import bp


@bp.get("/tips")
@access("signed_in")
def tips():
    """Tips the person may see."""
    return render_template("queqiao/tips.html", tips=[])


@bp.get("/tips/<int:tip_id>")
@access("signed_in")
def tip_detail(tip_id: int):
    """One tip."""
    return render_template("queqiao/tips.html", tips=[])
