"""API: a group's meetings (list, schedule), one meeting, RSVP, attendance, minutes."""

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from portal.api.helpers import iso, json_body, paginated, parse_datetime, text_field
from portal.api.openapi import NAMED, PAGING, TIME, op, page_of, path_param, register_paths
from portal.authz import access, require, require_visible
from portal.errors import InvalidInput
from portal.extensions import db
from portal.richtext import render_markdown
from portal.urls import page_url

from ..access import private_group_or_404
from ..api import api_bp
from . import services
from .models import MODES, RSVP_ANSWERS, Meeting


def meeting_json(m: Meeting) -> dict:
    """A meeting as the API shows it."""
    counts = {a: 0 for a in ("yes", "no", "maybe")}
    for r in m.rsvps:
        counts[r.answer] = counts.get(r.answer, 0) + 1
    return {
        "id": m.id, "url": page_url("workinggroups.meeting", slug=m.group.slug, meeting_id=m.id),
        "working_group": m.group.slug, "title": m.title, "starts_at": iso(m.starts_at),
        "ends_at": iso(m.ends_at), "timezone": m.timezone, "mode": m.mode,
        "location": m.location, "link": m.link, "agenda": list(m.agenda or []),
        "status": "cancelled" if m.cancelled_at else ("held" if m.is_past() else "scheduled"),
        "rsvp": counts, "my_rsvp": m.rsvp_of(current_user.id),
        "attendees": [{"id": a.user.id, "name": a.user.name} for a in m.attendees],
        "minutes": m.minutes, "minutes_html": str(render_markdown(m.minutes)) if m.minutes else None,
        "minutes_overdue": m.minutes_overdue(),
    }


def _meeting(meeting_id: int) -> Meeting:
    return require_visible("meeting.view", db.session.get(Meeting, meeting_id))


def _mode(data: dict) -> str:
    mode = data.get("mode")
    if mode is not None:
        return mode if isinstance(mode, str) else ""
    if data.get("link"):
        return "hybrid" if data.get("location") else "online"
    return "in_person"


@api_bp.get("/working-groups/<slug>/meetings")
@access("signed_in")
def list_meetings(slug: str):
    """The group's meetings, soonest first."""
    group = private_group_or_404(slug)
    return jsonify(paginated(services.meetings_of(group), meeting_json))


@api_bp.post("/working-groups/<slug>/meetings")
@access("signed_in")
def create_meeting(slug: str):
    """The group's chair schedules a meeting."""
    group = private_group_or_404(slug)
    require("group.manage", group)
    data = json_body()
    errors: dict[str, str] = {}
    values = {}
    for name, parse in (("title", lambda: text_field(data, "title")),
                        ("starts_at", lambda: parse_datetime(data.get("starts_at"), "starts_at")),
                        ("ends_at", lambda: parse_datetime(data.get("ends_at"), "ends_at")),
                        ("location", lambda: text_field(data, "location", required=False,
                                                        max_length=300)),
                        ("link", lambda: text_field(data, "link", required=False,
                                                    max_length=500))):
        try:
            values[name] = parse()
        except InvalidInput as e:
            errors.update(e.fields)
    timezone = data.get("timezone")
    if timezone is not None and not isinstance(timezone, str):
        errors["timezone"] = _("Give an IANA time zone name, e.g. Asia/Shanghai.")
    if errors:
        raise InvalidInput(errors)
    meeting = services.schedule(current_user, group, timezone=timezone, mode=_mode(data),
                                agenda=data.get("agenda"), **values)
    return jsonify(meeting_json(meeting)), 201


@api_bp.get("/meetings/<int:meeting_id>")
@access("signed_in")
def get_meeting(meeting_id: int):
    """One meeting."""
    return jsonify(meeting_json(_meeting(meeting_id)))


@api_bp.post("/meetings/<int:meeting_id>/rsvp")
@access("signed_in")
def rsvp(meeting_id: int):
    """Answer yes, no or maybe."""
    meeting = _meeting(meeting_id)
    require("meeting.rsvp", meeting)
    answer = json_body().get("answer")
    services.answer(current_user, meeting, answer if isinstance(answer, str) else "")
    return jsonify(meeting_json(meeting))


@api_bp.post("/meetings/<int:meeting_id>/attendance")
@access("signed_in")
def attendance(meeting_id: int):
    """The chair records who was there."""
    meeting = _meeting(meeting_id)
    require("meeting.manage", meeting)
    ids = json_body().get("user_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool)
                                            for i in ids):
        raise InvalidInput({"user_ids": _("Give a list of user ids.")})
    services.record_attendance(current_user, meeting, ids)
    return jsonify(meeting_json(meeting))


@api_bp.post("/meetings/<int:meeting_id>/minutes")
@access("signed_in")
def minutes(meeting_id: int):
    """The chair records the minutes (Markdown)."""
    meeting = _meeting(meeting_id)
    require("meeting.manage", meeting)
    body = json_body().get("minutes")
    if body is not None and not isinstance(body, str):
        raise InvalidInput({"minutes": _("This field must be text.")})
    services.record_minutes(current_user, meeting, body or "")
    return jsonify(meeting_json(meeting))


_MEETING_BODY = {"type": "object", "required": ["title", "starts_at", "ends_at"], "properties": {
    "title": {"type": "string", "maxLength": 200},
    "starts_at": TIME, "ends_at": TIME,
    "timezone": {"type": "string", "description": "IANA zone where it is held; default UTC"},
    "mode": {"type": "string", "enum": list(MODES)},
    "location": {"type": "string"}, "link": {"type": "string"},
    "agenda": {"type": "array", "items": {"type": "string"}}}}
# What meeting_json() gives: every key, always.
MEETING = {"type": "object", "required": [
    "id", "url", "working_group", "title", "starts_at", "ends_at", "timezone", "mode",
    "location", "link", "agenda", "status", "rsvp", "my_rsvp", "attendees", "minutes",
    "minutes_html", "minutes_overdue"], "properties": {
    "id": {"type": "integer"}, "url": {"type": "string", "description": "the meeting's page"},
    "working_group": {"type": "string", "description": "the group's slug"},
    "title": {"type": "string"}, "starts_at": TIME, "ends_at": TIME,
    "timezone": {"type": "string", "description": "IANA zone where it is held"},
    "mode": {"type": "string", "enum": list(MODES)},
    "location": {"type": "string", "description": "empty when none was given"},
    "link": {"type": "string", "description": "empty when none was given"},
    "agenda": {"type": "array", "items": {"type": "string"}},
    "status": {"type": "string", "enum": ["scheduled", "held", "cancelled"],
               "description": "held once it has ended"},
    "rsvp": {"type": "object", "description": "how many answered each way",
             "required": list(RSVP_ANSWERS),
             "properties": {a: {"type": "integer", "minimum": 0} for a in RSVP_ANSWERS}},
    "my_rsvp": {"type": "string", "enum": [*RSVP_ANSWERS, None], "nullable": True,
                "description": "the caller's answer; null before they answer"},
    "attendees": {"type": "array", "items": NAMED,
                  "description": "who the chair recorded as present"},
    "minutes": {"type": "string", "nullable": True, "description": "Markdown"},
    "minutes_html": {"type": "string", "nullable": True,
                     "description": "the minutes rendered to safe HTML"},
    "minutes_overdue": {"type": "boolean",
                        "description": "still without minutes a day after it ended"}}}
_MEETING = {"$ref": "#/components/schemas/Meeting"}
_SLUG = [path_param("slug", "string")]
_ID = [path_param("meeting_id")]
register_paths({
    "/working-groups/{slug}/meetings": {
        "get": op("Meetings of a group", tag="meetings", params=_SLUG + PAGING,
                  response=page_of(_MEETING), errors=(401, 404, 422)),
        "post": op("Schedule a meeting (the group's chair)", tag="meetings", body=_MEETING_BODY,
                   ok=201, response=_MEETING, params=_SLUG,
                   errors=(400, 401, 403, 404, 422))},
    "/meetings/{meeting_id}": {"get": op("One meeting", tag="meetings", params=_ID,
                                         response=_MEETING)},
    "/meetings/{meeting_id}/rsvp": {"post": op(
        "Answer a meeting", tag="meetings", params=_ID, response=_MEETING,
        errors=(400, 401, 403, 404, 409, 422),
        body={"type": "object", "required": ["answer"], "properties": {
            "answer": {"type": "string", "enum": list(RSVP_ANSWERS)}}})},
    "/meetings/{meeting_id}/attendance": {"post": op(
        "Record attendance (chair)", tag="meetings", params=_ID, response=_MEETING,
        errors=(400, 401, 403, 404, 409, 422),
        body={"type": "object", "required": ["user_ids"], "properties": {
            "user_ids": {"type": "array", "items": {"type": "integer"}}}})},
    "/meetings/{meeting_id}/minutes": {"post": op(
        "Record minutes (chair)", tag="meetings", params=_ID, response=_MEETING,
        errors=(400, 401, 403, 404, 409, 422),
        body={"type": "object", "properties": {
            "minutes": {"type": "string", "nullable": True,
                        "description": "Markdown, up to 50,000 characters; absent, null or blank "
                                       "is refused with 422"}}})},
}, {"Meeting": MEETING})
