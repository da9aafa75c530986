"""Directory of the twelve groups and each group's home page."""

from flask import render_template
from flask_login import current_user

from portal.accounts.groups import all_groups
from portal.authz import access, can
from portal.extensions import db

from . import bp
from .access import group_or_404
from .discussions.services import threads_of
from .meetings.services import meetings_of
from .room.services import presence


@bp.get("")
@access("signed_in")
def directory():
    """All twelve groups, their chairs and member organisations."""
    return render_template("workinggroups/directory.html", groups=all_groups())


@bp.get("/<slug>")
@access("signed_in")
def home(slug: str):
    """A group's home: description, chairs, members; private parts for those who may see them."""
    group = group_or_404(slug)
    private = can(current_user, "group.view_private", group)
    context = {}
    if private:
        context = {
            "upcoming": db.session.scalars(meetings_of(group, upcoming=True).limit(5)).all(),
            "present": presence.people(group.slug),
            "threads": db.session.scalars(threads_of(group).limit(5)).all(),
        }
    return render_template("workinggroups/home.html", group=group, private=private, **context)
