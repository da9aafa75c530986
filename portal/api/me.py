"""GET /me: who the token belongs to."""

from flask import jsonify, url_for
from flask_login import current_user

from ..accounts.models import LOCALES, ORG_KINDS, ROLES
from ..authz import access
from . import bp
from .openapi import op, register_paths


def calendar_url(user) -> str:
    """The person's secret calendar feed."""
    return url_for("profile.calendar_feed", token=user.calendar_token or "-", _external=True)


@bp.get("/me")
@access("signed_in")
def me():
    """The caller's identity, organisation, groups and calendar link."""
    user = current_user
    org = user.organisation
    return jsonify(
        id=user.id, email=user.email, name=user.name, role=user.role, locale=user.locale,
        url=url_for("profile.show"),
        organization={"id": org.id, "name": org.name, "kind": org.kind, "country": org.country},
        working_groups=[g.slug for g in org.active_groups],
        chair_of=[g.slug for g in user.chaired_groups()],
        calendar_url=calendar_url(user),
    )


ORGANIZATION = {"type": "object", "required": ["id", "name", "kind", "country"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"},
    "kind": {"type": "string", "enum": list(ORG_KINDS),
             "description": "member: a brand; platform: the platform operator; "
                            "secretariat: the alliance secretariat"},
    "country": {"type": "string", "nullable": True}}}
_SLUGS = {"type": "array", "items": {"type": "string"}, "description": "working group slugs"}
ME = {"type": "object", "required": ["id", "email", "name", "role", "locale", "url",
                                     "organization", "working_groups", "chair_of",
                                     "calendar_url"], "properties": {
    "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
    "role": {"type": "string", "enum": list(ROLES)},
    "locale": {"type": "string", "enum": list(LOCALES)},
    "url": {"type": "string", "description": "the caller's profile page"},
    "organization": ORGANIZATION,
    "working_groups": {**_SLUGS, "description": "the groups the organisation belongs to"},
    "chair_of": {**_SLUGS, "description": "the groups the caller chairs"},
    "calendar_url": {"type": "string", "description": "the caller's secret calendar feed"}}}

register_paths({"/me": {"get": op("The signed-in caller", tag="me", errors=(401,),
                                  response=ME)}})
