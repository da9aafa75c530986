"""The live room page."""

from flask import render_template

from portal.authz import access

from .. import bp
from ..access import private_group_or_404
from . import services


@bp.get("/<slug>/room")
@access("signed_in")
def room(slug: str):
    """The room with its recent history; the live part joins over Socket.IO."""
    group = private_group_or_404(slug)
    return render_template("workinggroups/room.html", group=group,
                           history=services.recent(group), present=services.people(group.slug))
