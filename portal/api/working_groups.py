"""GET /working-groups: the directory of the twelve groups."""

from flask import jsonify, url_for

from ..accounts.groups import all_groups
from ..authz import access
from ..i18n import current_locale
from . import bp
from .openapi import op, page_of, register_paths


def group_summary(group) -> dict:
    """A group as the directory shows it."""
    chair = group.chair
    return {
        "id": group.id,
        "slug": group.slug,
        "name": group.name_en,
        "name_zh": group.name_zh,
        "url": url_for("workinggroups.home", slug=group.slug),
        "chair": {"id": chair.id, "name": chair.name,
                  "organization": chair.organisation.name} if chair else None,
        "member_organizations": [{"id": o.id, "name": o.name, "country": o.country}
                                 for o in group.member_organisations],
    }


@bp.get("/working-groups")
@access("signed_in")
def working_groups():
    """Every signed-in person sees the directory."""
    current_locale()
    items = [group_summary(g) for g in all_groups()]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


_NAMED = {"type": "object", "required": ["id", "name"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}}}
GROUP = {"type": "object", "required": ["id", "slug", "name", "name_zh", "url", "chair",
                                        "member_organizations"], "properties": {
    "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
    "name_zh": {"type": "string"}, "url": {"type": "string"},
    "chair": {**_NAMED, "nullable": True, "properties": {
        **_NAMED["properties"], "organization": {"type": "string"}}},
    "member_organizations": {"type": "array", "items": {**_NAMED, "properties": {
        **_NAMED["properties"], "country": {"type": "string", "nullable": True}}}}}}

register_paths({"/working-groups": {"get": op("The twelve working groups", tag="working groups",
                                              response=page_of(GROUP), errors=(401,))}})
