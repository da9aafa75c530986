"""Directory of the twelve groups, each group's home page and a person's level for a group."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.groups import directory as directory_of_groups
from portal.accounts.groups import member_companies, member_company_count, people_of
from portal.authz import access, can
from portal.extensions import db
from portal.forms import button_step
from portal.paging import page_of

from . import bp
from .access import group_or_404, private_group_or_404
from .discussions.services import threads_of
from .documents.services import documents_of
from .meetings.services import meetings_of
from .membership.services import membership_of
from .preferences import LEVEL_LABELS, save_setting, setting_for
from .room.services import people as people_in_room


@bp.get("")
@access("signed_in")
def directory():
    """All twelve groups, their chairs and member organisations."""
    return render_template("workinggroups/directory.html", groups=directory_of_groups())


@bp.get("/<slug>")
@access("signed_in")
def home(slug: str):
    """A group's home: description, chairs, members; private parts for those who may see them."""
    group = group_or_404(slug)
    private = can(current_user, "group.view_private", group)
    # A page of member companies at a time (with their people's names for those who may
    # see them): a group may have hundreds.
    members = page_of(member_companies(group))
    context = {"membership": membership_of(current_user.organisation, group)
               if can(current_user, "member_side") else None,
               "members": members, "people": people_of(members.rows) if private else {},
               "member_count": member_company_count(group)}
    if private:
        context.update({
            "upcoming": db.session.scalars(meetings_of(group, upcoming=True).limit(5)).all(),
            "present": people_in_room(group.slug),
            "threads": db.session.scalars(threads_of(group).limit(5)).all(),
            "documents": db.session.scalars(documents_of(group).limit(5)).all(),
            "setting": setting_for(current_user, group), "levels": LEVEL_LABELS,
        })
    return render_template("workinggroups/home.html", group=group, private=private, **context)


@bp.post("/<slug>/notifications")
@access("signed_in")
def notifications(slug: str):
    """Everything, mentions only or mute for this group; and the daily digest."""
    group = private_group_or_404(slug)
    return button_step(lambda: save_setting(current_user, group, request.form.get("level", ""),
                                            request.form.get("digest") == "1"),
                       back=lambda: redirect(url_for("workinggroups.home", slug=slug)),
                       message=_("Your notification settings for this group are saved."))
