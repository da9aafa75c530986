"""REST API v1: token auth, /me, working groups, the OpenAPI document."""

from .helpers import api_blueprint

bp = api_blueprint("api", __name__)

from . import docs, me, tokens, working_groups  # noqa: E402,F401
