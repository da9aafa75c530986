"""Membership pages: ask to join, leave, and the chair's roster with its decisions."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import GroupMembership
from portal.authz import access, require
from portal.errors import NotFound
from portal.extensions import db
from portal.forms import button_step

from .. import bp
from ..access import group_or_404
from . import services


@bp.post("/<slug>/join")
@access("member_side")
def join(slug: str):
    """The person's company asks to join the group."""
    group = group_or_404(slug)
    return button_step(lambda: services.request_to_join(current_user, group),
                       back=lambda: redirect(url_for("workinggroups.home", slug=slug)),
                       message=_("Your company's request is sent to the group's chair."))


@bp.post("/<slug>/leave")
@access("member_side")
def leave(slug: str):
    """The person's company leaves the group, or withdraws its request."""
    group = group_or_404(slug)
    return button_step(lambda: services.leave(current_user, group),
                       back=lambda: redirect(url_for("workinggroups.home", slug=slug)),
                       message=_("Your company is no longer in this group."))


@bp.get("/<slug>/roster")
@access("signed_in")
def roster(slug: str):
    """Requests, members and their people, and past members, for the chairs and secretariat."""
    group = group_or_404(slug)
    require("group.manage", group)
    return render_template("workinggroups/roster.html", group=group,
                           roster=services.roster(group))


@bp.post("/<slug>/roster/<int:membership_id>/<any(approve, decline, remove):action>")
@access("signed_in")
def decide(slug: str, membership_id: int, action: str):
    """Approve or decline a request, or remove a member company."""
    group = group_or_404(slug)
    require("group.manage", group)
    membership = db.session.get(GroupMembership, membership_id)
    if membership is None or membership.working_group_id != group.id:
        raise NotFound()
    return button_step(lambda: services.decide(current_user, membership, action),
                       back=lambda: redirect(url_for("workinggroups.roster", slug=slug)),
                       message=_("Done."))
