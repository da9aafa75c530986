"""Test purchase pages."""

from flask import render_template

from ..authz import access
from . import bp


@bp.get("")
@access("signed_in")
def index():
    """Purchases the person may see."""
    return render_template("testbuys/index.html", purchases=[])
