"""Access rules for meetings: the group's private readers see them, its chairs run them."""

from typing import Any

from sqlalchemy import true

from portal.authz import can, rule, visibility

from ..access import visible_group_ids
from .models import Meeting


@rule("meeting.view")
def _view(user: Any, meeting: Any) -> bool:
    return meeting is not None and can(user, "group.view_private", meeting.group)


@rule("meeting.manage")
def _manage(user: Any, meeting: Any) -> bool:
    return meeting is not None and can(user, "group.manage", meeting.group)


@rule("meeting.rsvp")
def _rsvp(user: Any, meeting: Any) -> bool:
    """People of the group's member companies answer; staff and admins may look in."""
    return meeting is not None and meeting.group_id in user.group_ids()


@visibility(Meeting)
def _visible(user: Any):
    ids = visible_group_ids(user)
    return true() if ids is None else Meeting.group_id.in_(ids)
