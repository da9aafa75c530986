"""The OpenAPI document and a readable docs page."""

from flask import jsonify, render_template

from ..authz import access
from . import bp
from .openapi import document


@bp.get("/openapi.json")
@access("public")
def openapi_json():
    """The machine-readable contract."""
    return jsonify(document())


@bp.get("/docs")
@access("public")
def docs_page():
    """The contract, for people."""
    return render_template("api/docs.html", doc=document())
