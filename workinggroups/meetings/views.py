"""Meeting pages: list, schedule, detail with RSVP, attendance and minutes; the group feed."""

from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.authz import access, can, require, require_visible
from portal.backlinks import backlinks
from portal.calendar import build_calendar
from portal.errors import Conflict, InvalidInput
from portal.extensions import db
from portal.forms import button_step, show_errors

from .. import bp
from ..access import group_or_404, private_group_or_404
from ..preferences import group_people
from . import services
from .feeds import group_events
from .forms import MeetingForm, MinutesForm
from .models import RSVP_ANSWERS, Meeting


def meeting_or_404(group, meeting_id: int) -> Meeting:
    """A meeting of the group that the person may see."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.group_id != group.id:
        meeting = None
    return require_visible("meeting.view", meeting)


@bp.get("/<slug>/meetings")
@access("signed_in")
def meetings(slug: str):
    """Upcoming and past meetings of the group."""
    group = private_group_or_404(slug)
    upcoming = db.session.scalars(services.meetings_of(group, upcoming=True)).all()
    past = db.session.scalars(services.meetings_of(group, upcoming=False)).all()
    return render_template("workinggroups/meetings.html", group=group, upcoming=upcoming,
                           past=past, feed_url=group_feed_url(group))


def group_feed_url(group) -> str:
    """The group's feed under the person's own secret calendar token."""
    return url_for("workinggroups.group_calendar", slug=group.slug,
                   token=current_user.calendar_token or "-", _external=True)


def _local(form: MeetingForm, name: str):
    value = getattr(form, name).data
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(form.timezone.data))


@bp.route("/<slug>/meetings/new", methods=["GET", "POST"])
@access("signed_in")
def new_meeting(slug: str):
    """The chair schedules a meeting."""
    group = private_group_or_404(slug)
    require("group.manage", group)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.schedule(
                current_user, group, title=form.title.data, starts_at=_local(form, "starts_at"),
                ends_at=_local(form, "ends_at"), timezone=form.timezone.data,
                mode=form.mode.data, location=form.location.data, link=form.link.data,
                agenda=form.agenda.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("The meeting is scheduled and the group is told."), "success")
            return redirect(url_for(".meeting", slug=slug, meeting_id=meeting.id))
    status = 422 if form.is_submitted() else 200
    return render_template("workinggroups/meeting_form.html", group=group, form=form), status


@bp.route("/<slug>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit_meeting(slug: str, meeting_id: int):
    """The chair changes an upcoming meeting."""
    group = private_group_or_404(slug)
    item = meeting_or_404(group, meeting_id)
    require("meeting.manage", item)
    if request.method == "GET":
        zone = ZoneInfo(item.timezone)
        form = MeetingForm(obj=item, agenda="\n".join(item.agenda or []))
        form.starts_at.data = item.starts_at.astimezone(zone).replace(tzinfo=None)
        form.ends_at.data = item.ends_at.astimezone(zone).replace(tzinfo=None)
    else:
        form = MeetingForm()
    if form.validate_on_submit():
        try:
            services.reschedule(
                current_user, item, title=form.title.data, starts_at=_local(form, "starts_at"),
                ends_at=_local(form, "ends_at"), timezone=form.timezone.data,
                mode=form.mode.data, location=form.location.data, link=form.link.data,
                agenda=form.agenda.data)
        except InvalidInput as e:
            show_errors(form, e)
        except Conflict as e:
            form.form_errors = [e.message]
        else:
            flash(_("The meeting is changed."), "success")
            return redirect(url_for(".meeting", slug=slug, meeting_id=meeting_id))
    status = 422 if form.is_submitted() else 200
    return render_template("workinggroups/meeting_form.html", group=group, form=form,
                           meeting=item), status


@bp.get("/<slug>/meetings/<int:meeting_id>")
@access("signed_in")
def meeting(slug: str, meeting_id: int):
    """A meeting: when, where, agenda, who comes; minutes and attendance afterwards."""
    group = private_group_or_404(slug)
    item = meeting_or_404(group, meeting_id)
    return _detail(group, item, MinutesForm(minutes=item.minutes))


def _detail(group, item: Meeting, minutes_form: MinutesForm, status: int = 200):
    people = group_people(group) if can(current_user, "meeting.manage", item) else []
    return render_template(
        "workinggroups/meeting.html", group=group, meeting=item, minutes_form=minutes_form,
        people=sorted(people, key=lambda u: (u.organisation.name, u.name)),
        attended={a.user_id for a in item.attendees}, answers=RSVP_ANSWERS,
        my_answer=item.rsvp_of(current_user.id), local_zone=ZoneInfo(item.timezone),
        backlinks=backlinks(current_user, "meeting", item.id)), status


@bp.post("/<slug>/meetings/<int:meeting_id>/rsvp")
@access("signed_in")
def rsvp(slug: str, meeting_id: int):
    """A member answers yes, no or maybe."""
    group = private_group_or_404(slug)
    item = meeting_or_404(group, meeting_id)
    require("meeting.rsvp", item)
    return button_step(lambda: services.answer(current_user, item, request.form.get("answer", "")),
                       back=lambda: redirect(url_for(".meeting", slug=slug, meeting_id=meeting_id)),
                       message=_("Your answer is saved."))


@bp.post("/<slug>/meetings/<int:meeting_id>/attendance")
@access("signed_in")
def attendance(slug: str, meeting_id: int):
    """The chair ticks who was there."""
    group = private_group_or_404(slug)
    item = meeting_or_404(group, meeting_id)
    require("meeting.manage", item)
    try:
        ids = [int(x) for x in request.form.getlist("attendee")]
        services.record_attendance(current_user, item, ids)
    except ValueError:
        flash(_("Choose people from the list."), "danger")
    except (InvalidInput, Conflict) as e:
        flash(next(iter(e.fields.values())) if isinstance(e, InvalidInput) else e.message,
              "danger")
    else:
        flash(_("Attendance is recorded."), "success")
    return redirect(url_for(".meeting", slug=slug, meeting_id=meeting_id))


@bp.post("/<slug>/meetings/<int:meeting_id>/minutes")
@access("signed_in")
def minutes(slug: str, meeting_id: int):
    """The chair records the minutes."""
    group = private_group_or_404(slug)
    item = meeting_or_404(group, meeting_id)
    require("meeting.manage", item)
    form = MinutesForm()
    if form.validate_on_submit():
        try:
            services.record_minutes(current_user, item, form.minutes.data)
        except InvalidInput as e:
            show_errors(form, e)
        except Conflict as e:
            form.form_errors = [e.message]
        else:
            flash(_("The minutes are saved."), "success")
            return redirect(url_for(".meeting", slug=slug, meeting_id=meeting_id))
    return _detail(group, item, form, 422)


@bp.post("/<slug>/meetings/<int:meeting_id>/cancel")
@access("signed_in")
def cancel(slug: str, meeting_id: int):
    """The chair calls a meeting off."""
    group = private_group_or_404(slug)
    item = meeting_or_404(group, meeting_id)
    require("meeting.manage", item)
    return button_step(lambda: services.cancel(current_user, item),
                       back=lambda: redirect(url_for(".meeting", slug=slug, meeting_id=meeting_id)),
                       message=_("The meeting is cancelled."))


@bp.get("/<slug>/calendar/<token>.ics")
@access("public")
def group_calendar(slug: str, token: str):
    """One group's meetings, for the holder of a person's secret calendar link."""
    group = group_or_404(slug)
    user = db.session.scalar(select(User).where(User.calendar_token == token)) if token else None
    if user is None or not user.is_active or not can(user, "group.view_private", group):
        abort(404)
    body = build_calendar(f"{group.name_en} – Alliance portal", group_events(group))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f"inline; filename={group.slug}.ics"})
