"""API: a room's history."""

from flask import jsonify

from portal.api.helpers import paginated
from portal.api.openapi import PAGING, TIME, op, page_of, path_param, register_paths
from portal.authz import access

from ..access import private_group_or_404
from ..api import PERSON, api_bp
from . import services


@api_bp.get("/working-groups/<slug>/messages")
@access("signed_in")
def messages(slug: str):
    """The room's kept messages, newest first."""
    group = private_group_or_404(slug)
    return jsonify(paginated(services.history_query(group), lambda m: m.as_event()))


# What RoomMessage.as_event() gives, the same as the live `chat.message` event.
MESSAGE = {"type": "object", "required": ["id", "slug", "text", "at", "user"], "properties": {
    "id": {"type": "integer"}, "slug": {"type": "string", "description": "the group's slug"},
    "text": {"type": "string", "description": "plain text, as said"}, "at": TIME,
    "user": PERSON}}
register_paths({"/working-groups/{slug}/messages": {"get": op(
    "Messages of a group's live room, newest first", tag="live room",
    params=[path_param("slug", "string"), *PAGING],
    response=page_of({"$ref": "#/components/schemas/RoomMessage"}), errors=(401, 404, 422))}},
    {"RoomMessage": MESSAGE})
