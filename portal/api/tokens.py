"""POST /auth/tokens: trade e-mail and password for a bearer token."""

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts import twofactor
from ..accounts.models import ApiToken
from ..accounts.tokens import issue_token, revoke_token
from ..authz import access
from ..errors import InvalidInput
from ..extensions import limiter
from ..models import utcnow
from . import bp
from .errors import error_response
from .helpers import iso, json_body, paginated
from .openapi import PAGING, error_responses, op, path_param, register_paths


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
    if twofactor.is_enabled(user):
        otp = data.get("otp")
        if not isinstance(otp, str) or not otp.strip() or not twofactor.verify(user, otp, "api"):
            return error_response(401, "otp_required",
                                  _("Send otp: a current code from your authenticator app or "
                                    "an unused recovery code."))
    name = data.get("name", "")
    if not isinstance(name, str):
        raise InvalidInput({"name": _("This field must be text.")})
    name = name.strip() or "API"
    token, secret = issue_token(user, name, days=data.get("days"), alert=True)
    return jsonify(token=secret, expires_at=iso(token.expires_at), name=token.name), 201


register_paths({"/auth/tokens": {"post": {
    **op("Trade e-mail and password for a bearer token", tag="auth", ok=201,
         body={"type": "object", "required": ["email", "password"], "properties": {
             "email": {"type": "string", "minLength": 1},
             "password": {"type": "string", "minLength": 1},
             "otp": {"type": "string", "maxLength": 40,
                     "description": "a current TOTP code or an unused recovery code; "
                                    "required once two-factor sign-in is on"},
             "name": {"type": "string", "maxLength": 80,
                      "description": "blank or absent: API"},
             "days": {"type": "integer", "minimum": 1, "maximum": 366}}},
         response={"type": "object", "required": ["token", "expires_at", "name"],
                   "properties": {"token": {"type": "string"},
                                  "expires_at": {"type": "string", "format": "date-time"},
                                  "name": {"type": "string"}}},
         errors=(400, 401, 422, 429)),
    "description": "401 with code `otp_required` when two-factor sign-in is on and `otp` is "
                   "missing or wrong; 429 after too many wrong codes or passwords.",
    "security": []}}})


def _token_item(token) -> dict:
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": iso(token.created_at), "expires_at": iso(token.expires_at),
            "last_used_at": iso(token.last_used_at)}


@bp.get("/me/tokens")
@access("signed_in")
def my_tokens():
    """The caller's own API tokens that still work, newest first (no secrets)."""
    now = utcnow()
    query = (select(ApiToken).where(ApiToken.user_id == current_user.id,
                                    ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return jsonify(paginated(query, _token_item))


@bp.delete("/me/tokens/<int:token_id>")
@access("signed_in")
def revoke_my_token(token_id: int):
    """Revoke one of the caller's own tokens (404 for anyone else's); its sockets close."""
    revoke_token(current_user, token_id)
    return "", 204


@bp.post("/me/two-factor")
@access("signed_in")
def two_factor_begin():
    """Start two-factor enrolment: the secret, its otpauth URL and recovery codes, once."""
    secret, url, codes = twofactor.begin(current_user)
    return jsonify(secret=secret, otpauth_url=url, recovery_codes=codes), 201


@bp.post("/me/two-factor/confirm")
@access("signed_in")
def two_factor_confirm():
    """Turn two-factor sign-in on with a first code."""
    data = json_body()
    code = data.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        raise InvalidInput({"code": _("Enter the six-digit code from your authenticator app.")})
    twofactor.confirm(current_user, code)
    return jsonify(enabled=True)


_TOKEN = {"type": "object", "required": ["id", "name", "prefix", "created_at", "expires_at",
                                          "last_used_at"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "prefix": {"type": "string"},
    "created_at": {"type": "string", "format": "date-time"},
    "expires_at": {"type": "string", "format": "date-time"},
    "last_used_at": {"type": "string", "format": "date-time", "nullable": True}}}

register_paths({
    "/me/tokens": {"get": op("The caller's API tokens that still work", tag="me",
                             errors=(401, 403, 422), params=PAGING, response={
                                 "type": "object", "properties": {
                                     "items": {"type": "array", "items": _TOKEN},
                                     "page": {"type": "integer"}, "per_page": {"type": "integer"},
                                     "total": {"type": "integer"}}})},
    "/me/tokens/{token_id}": {"delete": {
        "summary": "Revoke one of the caller's own tokens; sockets opened with it close",
        "tags": ["me"], "parameters": [path_param("token_id")],
        "responses": {"204": {"description": "Revoked"},
                      **error_responses(401, 403, 404)}}},
    "/me/two-factor": {"post": op(
        "Start two-factor enrolment (TOTP, RFC 6238, 30 s, 6 digits)", tag="me", ok=201,
        errors=(401, 409), response={"type": "object", "properties": {
            "secret": {"type": "string"}, "otpauth_url": {"type": "string"},
            "recovery_codes": {"type": "array", "items": {"type": "string"}}}})},
    "/me/two-factor/confirm": {"post": op(
        "Turn two-factor sign-in on with a first code", tag="me",
        body={"type": "object", "required": ["code"], "properties": {
            "code": {"type": "string", "maxLength": 40}}},
        errors=(400, 401, 409, 422, 429),
        response={"type": "object", "properties": {"enabled": {"type": "boolean"}}})},
})
