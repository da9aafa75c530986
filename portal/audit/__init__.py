"""The append-only audit log: who did what to which object, when, from where."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from . import views  # noqa: E402,F401
