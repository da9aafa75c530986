"""POST /auth/tokens: trade e-mail and password for a bearer token."""

from flask import current_app, jsonify
from flask_babel import gettext as _

from ..accounts.tokens import issue_token
from ..authz import access
from ..errors import InvalidInput
from ..extensions import limiter
from . import bp
from .errors import error_response
from .helpers import iso, json_body
from .openapi import op, register_paths


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.post("/auth/tokens")
@limiter.limit(_login_limit)
@access("public")
def create_token():
    """Issue a token for valid credentials; 401 otherwise."""
    from ..accounts.services import authenticate

    data = json_body()
    email, password = data.get("email"), data.get("password")
    fields = {f: _("This field is required.") for f, v in (("email", email), ("password", password))
              if not isinstance(v, str) or not v}
    if fields:
        raise InvalidInput(fields)
    user = authenticate(email, password)
    if user is None:
        return error_response(401, "bad_credentials", _("Wrong e-mail or password."))
    name = data.get("name") if isinstance(data.get("name"), str) and data.get("name") else "API"
    token, secret = issue_token(user, name, days=data.get("days"), alert=True)
    return jsonify(token=secret, expires_at=iso(token.expires_at), name=token.name), 201


register_paths({"/auth/tokens": {"post": {
    **op("Trade e-mail and password for a bearer token", tag="auth", ok=201,
         body={"type": "object", "required": ["email", "password"], "properties": {
             "email": {"type": "string"}, "password": {"type": "string"},
             "name": {"type": "string"}, "days": {"type": "integer", "minimum": 1,
                                                  "maximum": 366}}},
         response={"type": "object", "properties": {"token": {"type": "string"},
                                                    "expires_at": {"type": "string",
                                                                   "format": "date-time"}}},
         errors=(400, 401, 422, 429)),
    "security": []}}})
