"""The home page: the alliance at a glance, and what needs the person's attention."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import views  # noqa: E402,F401
