"""API: asking to join a group, and the chairs' and secretariat's roster and decisions.

The same services and the same access as the pages: asking is for member companies'
people (403 otherwise), the roster and its decisions for the group's chairs and the
secretariat (403 for others, who may see that the group exists)."""

from flask import jsonify
from flask_login import current_user

from portal.accounts.models import GroupMembership
from portal.api.helpers import iso
from portal.api.openapi import op, path_param, register_paths
from portal.authz import access, require
from portal.errors import NotFound
from portal.extensions import db
from portal.urls import page_url

from ..access import group_or_404
from ..api import api_bp
from . import services


def membership_json(m: GroupMembership) -> dict:
    """An organisation's place in a group."""
    return {"id": m.id, "url": page_url("workinggroups.roster", slug=m.working_group.slug),
            "working_group": m.working_group.slug,
            "organization": {"id": m.organisation.id, "name": m.organisation.name},
            "status": m.status, "joined_at": iso(m.joined_at), "ended_at": iso(m.ended_at)}


def _managed(slug: str):
    group = group_or_404(slug)
    require("group.manage", group)
    return group


@api_bp.post("/working-groups/<slug>/membership-requests")
@access("member_side")
def request_membership(slug: str):
    """The caller's company asks to join; the chairs and the secretariat are told."""
    membership = services.request_to_join(current_user, group_or_404(slug))
    return jsonify(membership_json(membership)), 201


@api_bp.get("/working-groups/<slug>/memberships")
@access("signed_in")
def roster(slug: str):
    """Requests, members and past members (chairs and secretariat)."""
    by_state = services.roster(_managed(slug))
    items = [membership_json(m) for state in ("pending", "active", "past") for m in by_state[state]]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


@api_bp.post("/working-groups/<slug>/memberships/<int:membership_id>/approve",
             defaults={"action": "approve"})
@api_bp.post("/working-groups/<slug>/memberships/<int:membership_id>/decline",
             defaults={"action": "decline"})
@access("signed_in")
def decide(slug: str, membership_id: int, action: str):
    """Approve or decline a pending request (409 when it is not pending)."""
    group = _managed(slug)
    membership = db.session.get(GroupMembership, membership_id)
    if membership is None or membership.working_group_id != group.id:
        raise NotFound()
    services.decide(current_user, membership, action)
    return jsonify(membership_json(membership))


MEMBERSHIP = {"type": "object", "required": ["id", "status", "organization"], "properties": {
    "id": {"type": "integer"}, "url": {"type": "string"},
    "working_group": {"type": "string"},
    "organization": {"type": "object", "properties": {"id": {"type": "integer"},
                                                      "name": {"type": "string"}}},
    "status": {"type": "string", "enum": ["pending", "active", "declined", "left", "removed"]},
    "joined_at": {"type": "string", "format": "date-time", "nullable": True},
    "ended_at": {"type": "string", "format": "date-time", "nullable": True}}}
_REF = {"$ref": "#/components/schemas/Membership"}
_SLUG = [path_param("slug", "string")]
register_paths({
    "/working-groups/{slug}/membership-requests": {"post": op(
        "Ask for your company to join the group (member companies' people)", tag="membership",
        ok=201, params=_SLUG, response=_REF, errors=(401, 403, 404, 409, 422))},
    "/working-groups/{slug}/memberships": {"get": op(
        "The roster: requests, members, past members (the group's chairs and the "
        "secretariat)", tag="membership", params=_SLUG, errors=(401, 403, 404),
        response={"type": "object", "properties": {
            "items": {"type": "array", "items": _REF}, "page": {"type": "integer"},
            "per_page": {"type": "integer"}, "total": {"type": "integer"}}})},
    **{f"/working-groups/{{slug}}/memberships/{{membership_id}}/{action}": {"post": op(
        f"{action.capitalize()} a request to join (the group's chairs and the secretariat)",
        tag="membership", params=_SLUG + [path_param("membership_id")], response=_REF,
        errors=(401, 403, 404, 409))} for action in ("approve", "decline")},
}, {"Membership": MEMBERSHIP})
