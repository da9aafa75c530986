"""Directory of the twelve groups and each group's home page."""

from flask import render_template
from flask_login import current_user

from portal.accounts.groups import all_groups, group_by_slug
from portal.authz import access, can
from portal.errors import NotFound

from . import bp


def group_or_404(slug: str):
    """The group of that slug; every signed-in person may see that it exists."""
    group = group_by_slug(slug)
    if group is None:
        raise NotFound()
    return group


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
    return render_template("workinggroups/home.html", group=group,
                           private=can(current_user, "group.view_private", group))


