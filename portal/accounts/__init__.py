"""Organisations, people, roles, invitations, API tokens; the profile and admin pages."""

from flask import Blueprint

profile_bp = Blueprint("profile", __name__, url_prefix="/profile")
admin_bp = Blueprint("accounts_admin", __name__, url_prefix="/admin")

from . import admin_views, profile_views  # noqa: E402,F401
