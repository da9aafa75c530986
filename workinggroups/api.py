"""The working groups' part of REST API v1 (under /api/v1, token auth), and each person's
notification level for a group."""

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from portal.api.helpers import api_blueprint, json_body
from portal.api.openapi import op, path_param, register_paths
from portal.authz import access
from portal.errors import InvalidInput

from .access import private_group_or_404
from .preferences import LEVELS, save_setting, setting_for

api_bp = api_blueprint("workinggroups_api", __name__)


def _setting_json(group, setting) -> dict:
    return {"working_group": group.slug, "level": setting.level or "all",
            "digest": bool(setting.digest)}


@api_bp.get("/working-groups/<slug>/notifications")
@access("signed_in")
def notification_level(slug: str):
    """How much the caller hears from this group: all, mentions or mute, and the digest."""
    group = private_group_or_404(slug)
    return jsonify(_setting_json(group, setting_for(current_user, group)))


@api_bp.put("/working-groups/<slug>/notifications")
@access("signed_in")
def set_notification_level(slug: str):
    """Set {level: all|mentions|mute, digest: bool} for this group."""
    group = private_group_or_404(slug)
    data = json_body()
    digest = data.get("digest", False)
    if not isinstance(digest, bool):
        raise InvalidInput({"digest": _("Give true or false.")})
    level = data.get("level")
    setting = save_setting(current_user, group, level if isinstance(level, str) else "", digest)
    return jsonify(_setting_json(group, setting))


# A person as posts, the live room and the tracker name them: who, and for which organisation.
PERSON = {"$ref": "#/components/schemas/Person"}
_PERSON = {"type": "object", "required": ["id", "name", "organization"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"},
    "organization": {"type": "string", "description": "the name of the person's organisation"}}}
_LEVEL = {"type": "object", "required": ["level", "digest"], "properties": {
    "working_group": {"type": "string"},
    "level": {"type": "string", "enum": list(LEVELS)},
    "digest": {"type": "boolean", "description": "a daily digest of the group's activity"}}}
register_paths({"/working-groups/{slug}/notifications": {
    "get": op("Your notification level for a group", tag="working groups",
              params=[path_param("slug", "string")],
              response={"$ref": "#/components/schemas/GroupNotifications"}),
    "put": op("Set your notification level for a group", tag="working groups",
              params=[path_param("slug", "string")],
              body={"type": "object", "required": ["level"], "properties": {
                  "level": {"type": "string", "enum": list(LEVELS)},
                  "digest": {"type": "boolean", "default": False}}},
              response={"$ref": "#/components/schemas/GroupNotifications"},
              errors=(400, 401, 404, 422))},
}, {"GroupNotifications": _LEVEL, "Person": _PERSON})
