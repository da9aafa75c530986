"""Meetings: who schedules, who sees, RSVP, attendance, minutes and the overdue flag."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import refresh

from portal.errors import Conflict, InvalidInput
from portal.models import utcnow
from portal.notifications.models import Notification
from tests.support.factories import group, reload
from workinggroups.meetings import services
from workinggroups.meetings.models import Meeting

from .helpers import make_meeting

SLUG = "luxury-goods"
NEW = {"title": "Spring session", "starts_at": "2030-03-02T09:30:00+08:00",
       "ends_at": "2030-03-02T11:00:00+08:00", "location": "Shanghai office",
       "agenda": ["Welcome", "Livestream sellers"], "timezone": "Asia/Shanghai"}


@pytest.mark.parametrize("role,status", [("chair", 201), ("admin", 201), ("member", 403),
                                         ("staff", 403), ("outsider", 404)])
def test_who_may_schedule_a_meeting_through_the_api(api, people, role, status):
    r = api(people[role]).post(f"/api/v1/working-groups/{SLUG}/meetings", json=NEW)
    assert r.status_code == status, r.get_json()
    if status == 201:
        body = r.get_json()
        assert body["title"] == "Spring session" and body["working_group"] == SLUG
        assert body["starts_at"] == "2030-03-02T01:30:00+00:00"
        assert body["agenda"] == ["Welcome", "Livestream sellers"]
        assert body["url"] == f"/groups/{SLUG}/meetings/{body['id']}"


def test_listing_meetings_is_for_the_groups_readers(api, people):
    make_meeting(people["chair"])
    for role, status in (("member", 200), ("staff", 200), ("admin", 200), ("outsider", 404)):
        r = api(people[role]).get(f"/api/v1/working-groups/{SLUG}/meetings")
        assert r.status_code == status
        if status == 200:
            assert r.get_json()["total"] == 1
    assert api(None).get(f"/api/v1/working-groups/{SLUG}/meetings").status_code == 401
    assert api(people["member"]).get("/api/v1/working-groups/nope/meetings").status_code == 404


@pytest.mark.parametrize("change,field", [
    ({"title": ""}, "title"), ({"starts_at": "tomorrow"}, "starts_at"),
    ({"starts_at": "2030-03-02T09:30:00"}, "starts_at"),
    ({"ends_at": "2030-03-02T08:00:00+08:00"}, "ends_at"), ({"timezone": "Mars/Base"}, "timezone"),
    ({"agenda": "not a list", "agenda_ok": False}, "agenda"), ({"agenda": [1, 2]}, "agenda"),
    ({"mode": "online", "link": ""}, "link"), ({"mode": "teleport"}, "mode"),
    ({"mode": "in_person", "link": "javascript:alert(document.cookie)"}, "link"),
    ({"mode": "online", "link": "JavaScript:alert(1)"}, "link"),
    ({"mode": "online", "link": "data:text/html,<script>alert(1)</script>"}, "link"),
    ({"starts_at": "9999-12-31T09:30:00+08:00"}, "starts_at"),
])
def test_bad_meeting_input_is_refused_field_by_field(api, people, change, field):
    change = {k: v for k, v in change.items() if k != "agenda_ok"}
    r = api(people["chair"]).post(f"/api/v1/working-groups/{SLUG}/meetings",
                                  json={**NEW, **change})
    if field == "agenda" and change.get("agenda") == "not a list":
        # a plain string is read as one item per line, which is allowed
        assert r.status_code == 201
        return
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["fields"]
    assert Meeting.query.count() == 0


def test_malformed_json_is_400(api, people):
    c = api(people["chair"])
    r = c.client.post(f"/api/v1/working-groups/{SLUG}/meetings", data="{",
                      headers={"Content-Type": "application/json",
                               "Authorization": f"Bearer {c.token}"})
    assert r.status_code == 400


def test_scheduling_tells_the_group_but_not_outsiders(people):
    make_meeting(people["chair"])
    told = {n.user_id for n in Notification.query.filter_by(type="meeting.scheduled")}
    assert people["member"].id in told
    assert people["outsider"].id not in told and people["chair"].id not in told


def test_member_rsvps_and_can_change_the_answer(api, people):
    meeting = make_meeting(people["chair"])
    client = api(people["member"])
    assert client.post(f"/api/v1/meetings/{meeting.id}/rsvp", json={"answer": "maybe"}
                       ).status_code == 200
    r = client.post(f"/api/v1/meetings/{meeting.id}/rsvp", json={"answer": "yes"})
    assert r.get_json()["rsvp"] == {"yes": 1, "no": 0, "maybe": 0}
    assert r.get_json()["my_rsvp"] == "yes"
    assert client.post(f"/api/v1/meetings/{meeting.id}/rsvp", json={"answer": "perhaps"}
                       ).status_code == 422
    assert api(people["outsider"]).post(f"/api/v1/meetings/{meeting.id}/rsvp",
                                        json={"answer": "yes"}).status_code == 404
    assert api(people["staff"]).post(f"/api/v1/meetings/{meeting.id}/rsvp",
                                     json={"answer": "yes"}).status_code == 403


def test_rsvp_after_the_meeting_is_a_conflict(api, people):
    meeting = make_meeting(people["chair"], days=-2)
    r = api(people["member"]).post(f"/api/v1/meetings/{meeting.id}/rsvp", json={"answer": "yes"})
    assert r.status_code == 409


def test_minutes_only_after_the_meeting_and_only_by_the_chair(api, people):
    upcoming = make_meeting(people["chair"])
    past = make_meeting(people["chair"], days=-2)
    chair = api(people["chair"])
    assert chair.post(f"/api/v1/meetings/{upcoming.id}/minutes",
                      json={"minutes": "Too early"}).status_code == 409
    assert api(people["member"]).post(f"/api/v1/meetings/{past.id}/minutes",
                                      json={"minutes": "x"}).status_code == 403
    assert chair.post(f"/api/v1/meetings/{past.id}/minutes", json={"minutes": ""}
                      ).status_code == 422
    r = chair.post(f"/api/v1/meetings/{past.id}/minutes", json={"minutes": "**Agreed** things"})
    assert r.status_code == 200 and "<strong>Agreed</strong>" in r.get_json()["minutes_html"]
    assert reload(past).minutes_at is not None


def test_attendance_is_people_of_the_group_only(api, people):
    past = make_meeting(people["chair"], days=-1)
    chair = api(people["chair"])
    r = chair.post(f"/api/v1/meetings/{past.id}/attendance",
                   json={"user_ids": [people["member"].id, people["chair"].id]})
    assert r.status_code == 200
    assert {a["id"] for a in r.get_json()["attendees"]} == {people["member"].id,
                                                             people["chair"].id}
    r = chair.post(f"/api/v1/meetings/{past.id}/attendance",
                   json={"user_ids": [people["outsider"].id]})
    assert r.status_code == 422
    assert len(reload(past).attendees) == 2


def test_meeting_without_minutes_a_day_after_is_flagged_to_the_chair_once(people):
    recent = make_meeting(people["chair"], days=-0.5, hours=1)
    overdue = make_meeting(people["chair"], days=-3, hours=1)
    assert not recent.minutes_overdue() and overdue.minutes_overdue()
    assert services.overdue_for_chair(people["chair"]) == [overdue]
    assert services.overdue_for_chair(people["member"]) == []
    assert services.flag_overdue_minutes() == 1
    assert services.flag_overdue_minutes() == 0
    flagged = Notification.query.filter_by(type="meeting.minutes_overdue").all()
    assert [n.user_id for n in flagged] == [people["chair"].id]
    services.record_minutes(people["chair"], overdue, "Done")
    assert not reload(overdue).minutes_overdue()


def test_cancelling_twice_is_refused(api, people):
    meeting = make_meeting(people["chair"])
    services.cancel(people["chair"], meeting)
    with pytest.raises(Conflict):
        services.cancel(people["chair"], meeting)


# --- pages --------------------------------------------------------------------

PAGE_ROLES = [("member", 200), ("chair", 200), ("staff", 200), ("admin", 200),
              ("outsider", 404)]


@pytest.mark.parametrize("role,status", PAGE_ROLES)
def test_meeting_pages_by_role(as_user, people, role, status):
    meeting = make_meeting(people["chair"])
    client = as_user(people[role])
    assert client.get(f"/groups/{SLUG}/meetings").status_code == status
    assert client.get(f"/groups/{SLUG}/meetings/{meeting.id}").status_code == status
    new = client.get(f"/groups/{SLUG}/meetings/new").status_code
    assert new == {"chair": 200, "admin": 200, "outsider": 404}.get(role, 403)


def test_meeting_of_another_group_under_this_slug_is_404(as_user, people, make):
    pharma_chair = make.make_user("chair", chair_of="pharmaceutical")
    other = make_meeting(pharma_chair, "pharmaceutical")
    assert as_user(people["admin"]).get(f"/groups/{SLUG}/meetings/{other.id}").status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client):
    assert client.get(f"/groups/{SLUG}/meetings").status_code == 302


def test_chair_schedules_through_the_form_in_local_time(as_user, people):
    client = as_user(people["chair"])
    r = client.post(f"/groups/{SLUG}/meetings/new", data={
        "title": "Paris workshop", "starts_at": "2031-06-01T14:00", "ends_at": "2031-06-01T16:00",
        "timezone": "Europe/Paris", "mode": "hybrid", "location": "Paris",
        "link": "https://meet.example/abc", "agenda": "Welcome\n\nCase studies\n"})
    assert r.status_code == 302
    meeting = Meeting.query.one()
    assert meeting.starts_at.isoformat() == "2031-06-01T12:00:00+00:00"
    assert meeting.agenda == ["Welcome", "Case studies"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Paris workshop" in page and "Case studies" in page and "Europe/Paris" in page


def test_form_with_errors_is_shown_again_with_422(as_user, people):
    r = as_user(people["chair"]).post(f"/groups/{SLUG}/meetings/new", data={
        "title": "Oops", "starts_at": "2031-06-01T14:00", "ends_at": "2031-06-01T13:00",
        "timezone": "Europe/Paris", "mode": "online", "link": ""})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "The meeting must end after it starts." in text
    assert Meeting.query.count() == 0


def test_member_rsvps_on_the_page(as_user, people):
    meeting = make_meeting(people["chair"])
    client = as_user(people["member"])
    r = client.post(f"/groups/{SLUG}/meetings/{meeting.id}/rsvp", data={"answer": "no"})
    assert r.status_code == 302
    assert reload(meeting).rsvp_of(people["member"].id) == "no"
    assert as_user(people["outsider"]).post(f"/groups/{SLUG}/meetings/{meeting.id}/rsvp",
                                            data={"answer": "no"}).status_code == 404


@pytest.mark.parametrize("action,data", [("minutes", {"minutes": "Notes"}),
                                         ("attendance", {"attendee": []}), ("cancel", {})])
@pytest.mark.parametrize("role,status", [("member", 403), ("staff", 403), ("outsider", 404)])
def test_chair_actions_on_pages_are_refused_to_others(as_user, people, action, data, role, status):
    meeting = make_meeting(people["chair"], days=-1 if action != "cancel" else 3)
    r = as_user(people[role]).post(f"/groups/{SLUG}/meetings/{meeting.id}/{action}", data=data)
    assert r.status_code == status


def test_chair_records_minutes_and_attendance_on_the_page(as_user, people):
    meeting = make_meeting(people["chair"], days=-1)
    client = as_user(people["chair"])
    assert client.post(f"/groups/{SLUG}/meetings/{meeting.id}/minutes",
                       data={"minutes": "We agreed."}).status_code == 302
    assert client.post(f"/groups/{SLUG}/meetings/{meeting.id}/attendance",
                       data={"attendee": [str(people["member"].id)]}).status_code == 302
    meeting = reload(meeting)
    assert meeting.minutes == "We agreed." and [a.user_id for a in meeting.attendees] == [
        people["member"].id]
    assert client.post(f"/groups/{SLUG}/meetings/{meeting.id}/minutes",
                       data={"minutes": ""}).status_code == 422


def test_meetings_page_has_an_empty_state_in_both_languages(as_user, people):
    client = as_user(people["member"])
    assert "No meetings are planned." in client.get(f"/groups/{SLUG}/meetings").get_data(
        as_text=True)
    client.post("/profile/locale", data={"locale": "zh"})
    refresh()  # the test shares one app context, where the locale of the first page is kept
    text = client.get(f"/groups/{SLUG}/meetings").get_data(as_text=True)
    assert "No meetings are planned." not in text and "目前没有安排会议。" in text


def test_api_meeting_detail_is_hidden_from_outsiders(api, people):
    meeting = make_meeting(people["chair"])
    assert api(people["member"]).get(f"/api/v1/meetings/{meeting.id}").status_code == 200
    assert api(people["outsider"]).get(f"/api/v1/meetings/{meeting.id}").status_code == 404
    assert api(people["member"]).get("/api/v1/meetings/999999").status_code == 404


def test_group_is_told_nothing_on_rollback(people):
    before = Notification.query.count()
    with pytest.raises(InvalidInput):
        services.schedule(people["chair"], group(SLUG), title="", starts_at=utcnow(),
                          ends_at=utcnow() + timedelta(hours=1))
    assert Notification.query.count() == before


def test_chair_cancels_on_the_page_and_a_second_cancel_is_refused(as_user, people):
    meeting = make_meeting(people["chair"])
    client = as_user(people["chair"])
    assert client.post(f"/groups/{SLUG}/meetings/{meeting.id}/cancel").status_code == 302
    assert reload(meeting).cancelled_at is not None
    client.post(f"/groups/{SLUG}/meetings/{meeting.id}/cancel")
    page = client.get(f"/groups/{SLUG}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Only an upcoming meeting can be cancelled." in page


def test_each_reader_gets_the_title_and_group_name_in_their_language(people, make):
    reader = make.make_user("member", org=people["member"].organisation, locale="zh")
    make_meeting(people["chair"], title="Spring session")
    titles = {n.user_id: n.title for n in Notification.query.filter_by(type="meeting.scheduled")}
    assert titles[reader.id] == "奢侈品 新会议：Spring session"
    assert titles[people["member"].id] == "New meeting in Luxury Goods: Spring session"


@pytest.mark.parametrize("role,status", [("chair", 200), ("admin", 200), ("member", 403),
                                         ("staff", 403), ("outsider", 404)])
def test_edit_meeting_page_by_role(as_user, people, role, status):
    meeting = make_meeting(people["chair"])
    assert as_user(people[role]).get(f"/groups/{SLUG}/meetings/{meeting.id}/edit"
                                     ).status_code == status


def test_chair_reschedules_and_those_who_answered_are_told(as_user, people):
    meeting = make_meeting(people["chair"], timezone="Europe/Paris")
    services.answer(people["member"], meeting, "yes")
    client = as_user(people["chair"])
    form = client.get(f"/groups/{SLUG}/meetings/{meeting.id}/edit").get_data(as_text=True)
    local = meeting.starts_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")
    assert local in form
    r = client.post(f"/groups/{SLUG}/meetings/{meeting.id}/edit", data={
        "title": "Moved session", "starts_at": "2031-09-01T10:00", "ends_at": "2031-09-01T12:00",
        "timezone": "Asia/Tokyo", "mode": "in_person", "location": "Tokyo", "agenda": "Only item"})
    assert r.status_code == 302
    meeting = reload(meeting)
    assert meeting.title == "Moved session" and meeting.sequence == 1
    assert meeting.starts_at.isoformat() == "2031-09-01T01:00:00+00:00"
    assert meeting.agenda == ["Only item"]
    told = Notification.query.filter_by(type="meeting.changed").all()
    assert [n.user_id for n in told] == [people["member"].id]
    r = client.post(f"/groups/{SLUG}/meetings/{meeting.id}/edit", data={
        "title": "", "starts_at": "2031-09-01T10:00", "ends_at": "2031-09-01T09:00",
        "timezone": "Asia/Tokyo", "mode": "in_person"})
    assert r.status_code == 422 and reload(meeting).title == "Moved session"


def test_a_past_meeting_cannot_be_rescheduled(people):
    meeting = make_meeting(people["chair"], days=-2)
    with pytest.raises(Conflict):
        services.reschedule(people["chair"], meeting, title="x", starts_at=meeting.starts_at,
                            ends_at=meeting.ends_at, timezone="UTC", mode="in_person")
