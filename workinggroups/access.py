"""Who may see a group's private parts, and the lookups pages and the API share."""

from typing import Any

from flask_login import current_user

from portal.accounts.groups import group_by_slug
from portal.accounts.models import WorkingGroup
from portal.authz import can, require_visible
from portal.errors import NotFound


def group_or_404(slug: str) -> WorkingGroup:
    """The group of that slug; every signed-in person may see that it exists."""
    group = group_by_slug(slug)
    if group is None:
        raise NotFound()
    return group


def private_group_or_404(slug: str, user: Any = None) -> WorkingGroup:
    """The group, if the person may see its meetings, threads, documents and room."""
    return require_visible("group.view_private", group_by_slug(slug),
                           user=current_user if user is None else user)


def visible_group_ids(user: Any) -> set[int] | None:
    """Groups whose private parts the person sees; None means every group (staff, admins)."""
    if user.is_staff or user.is_admin:
        return None
    return user.group_ids()


def sees_some_group(user: Any) -> bool:
    """Whether the person sees any group's private parts (a member of one, staff, admins)."""
    return visible_group_ids(user) is None or bool(user.group_ids())


def may_see_group(user: Any, group: WorkingGroup) -> bool:
    """Shorthand for the core rule."""
    return can(user, "group.view_private", group)


class GroupName:
    """A group's name that reads in the language in force when it is turned into text.

    Notification titles are lazy strings rendered once per recipient in their own
    language; passing this instead of a fixed name lets the group's name follow.
    """

    def __init__(self, group: WorkingGroup):
        self.en, self.zh = group.name_en, group.name_zh

    def __str__(self) -> str:
        from portal.i18n import current_locale

        return self.zh if current_locale() == "zh" else self.en
