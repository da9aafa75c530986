"""The working groups' part of REST API v1 (under /api/v1, token auth)."""

from portal.api.helpers import api_blueprint

api_bp = api_blueprint("workinggroups_api", __name__)
