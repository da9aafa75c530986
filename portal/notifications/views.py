"""The notifications page and the bell's count."""

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..authz import access, require_visible
from ..extensions import db
from . import bp
from .models import Notification
from .services import load_subjects, mark_read, shown_title, still_visible, unread_count


@bp.get("")
@access("signed_in")
def index():
    """The person's notifications, newest first; ?show=unread narrows."""
    show = request.args.get("show", "all")
    q = select(Notification).where(Notification.user_id == current_user.id)
    if show == "unread":
        q = q.where(Notification.read_at.is_(None))
    items = db.session.scalars(q.order_by(Notification.created_at.desc()).limit(200)).all()
    subjects = load_subjects(items)
    titles = {n.id: shown_title(current_user, n, subjects) for n in items}
    return render_template("notifications/index.html", items=items, show=show, titles=titles)


@bp.get("/count")
@access("signed_in")
def count():
    """Unread count for the bell."""
    return jsonify(unread=unread_count(current_user.id))


@bp.post("/<int:notification_id>/read")
@access("signed_in")
def read(notification_id: int):
    """Mark one read and go to what it is about."""
    n = require_visible("notification.view", db.session.get(Notification, notification_id))
    mark_read(current_user.id, n.id)
    target = n.url if n.url.startswith("/") and not n.url.startswith("//") else url_for(".index")
    if not still_visible(current_user, n):
        target = url_for(".index")
    return redirect(target)


@bp.post("/read-all")
@access("signed_in")
def read_all():
    """Mark everything read."""
    mark_read(current_user.id)
    return redirect(url_for(".index"))
