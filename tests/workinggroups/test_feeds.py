"""Calendar feeds parse with icalendar, keep time zones, and hold exactly what the owner sees."""

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from portal.accounts import services as accounts
from tests.support.factories import group, reload
from workinggroups.meetings import services

SLUG = "luxury-goods"


def _schedule(chair, slug, title, start: str, end: str, tz: str):
    zone = ZoneInfo(tz)
    return services.schedule(chair, group(slug), title=title,
                             starts_at=datetime.fromisoformat(start).replace(tzinfo=zone),
                             ends_at=datetime.fromisoformat(end).replace(tzinfo=zone),
                             timezone=tz, mode="in_person")


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}, cal


def test_personal_feed_lists_the_meetings_of_my_groups_only(client, people, make):
    pharma_chair = make.make_user("chair", chair_of="pharmaceutical")
    _schedule(people["chair"], SLUG, "Luxury session", "2030-05-04T10:00", "2030-05-04T12:00",
              "Europe/Paris")
    _schedule(pharma_chair, "pharmaceutical", "Pharma session", "2030-05-05T09:00",
              "2030-05-05T10:00", "America/New_York")
    member = reload(people["member"])
    events, _cal = _events(client.get(f"/profile/calendar/{member.calendar_token}.ics"))
    assert list(events) == ["[Luxury Goods] Luxury session"]
    outsider = reload(people["outsider"])
    events, _cal = _events(client.get(f"/profile/calendar/{outsider.calendar_token}.ics"))
    assert list(events) == ["[Pharmaceutical] Pharma session"]
    staff = reload(people["staff"])
    events, _cal = _events(client.get(f"/profile/calendar/{staff.calendar_token}.ics"))
    assert set(events) == {"[Luxury Goods] Luxury session", "[Pharmaceutical] Pharma session"}


def test_feed_carries_the_meetings_time_zone(client, people):
    meeting = _schedule(people["chair"], SLUG, "Paris", "2030-07-01T14:00", "2030-07-01T15:30",
                        "Europe/Paris")
    winter = _schedule(people["chair"], SLUG, "Shanghai", "2030-12-01T09:30",
                       "2030-12-01T11:00", "Asia/Shanghai")
    events, cal = _events(client.get(
        f"/profile/calendar/{reload(people['member']).calendar_token}.ics"))
    paris = events["[Luxury Goods] Paris"]
    start = paris.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Paris"
    assert paris["dtstart"].params["TZID"] == "Europe/Paris"
    assert start == meeting.starts_at and start.utcoffset().total_seconds() == 2 * 3600
    assert paris.decoded("dtend") - start == meeting.ends_at - meeting.starts_at
    shanghai = events["[Luxury Goods] Shanghai"].decoded("dtstart")
    assert shanghai == winter.starts_at and shanghai.hour == 9
    assert shanghai.utcoffset().total_seconds() == 8 * 3600
    zones = {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
    assert zones == {"Europe/Paris", "Asia/Shanghai"}
    assert paris["uid"] == f"meeting-{meeting.id}@alliance-portal"


def test_group_feed_is_that_groups_meetings_for_those_who_may_see_it(client, people, make):
    pharma_chair = make.make_user("chair", chair_of="pharmaceutical")
    _schedule(people["chair"], SLUG, "Luxury session", "2030-05-04T10:00", "2030-05-04T12:00",
              "Europe/Paris")
    _schedule(pharma_chair, "pharmaceutical", "Pharma session", "2030-05-05T09:00",
              "2030-05-05T10:00", "America/New_York")
    member = reload(people["member"])
    events, _ = _events(client.get(f"/groups/{SLUG}/calendar/{member.calendar_token}.ics"))
    assert list(events) == ["[Luxury Goods] Luxury session"]
    assert client.get(f"/groups/pharmaceutical/calendar/{member.calendar_token}.ics"
                      ).status_code == 404
    assert client.get(f"/groups/{SLUG}/calendar/forged.ics").status_code == 404
    assert client.get(f"/groups/nope/calendar/{member.calendar_token}.ics").status_code == 404


def test_regenerated_link_retires_the_old_feed(client, people):
    member = reload(people["member"])
    old = member.calendar_token
    accounts.regenerate_calendar_token(member)
    assert client.get(f"/profile/calendar/{old}.ics").status_code == 404
    assert client.get(f"/groups/{SLUG}/calendar/{old}.ics").status_code == 404
    assert client.get(f"/groups/{SLUG}/calendar/{reload(member).calendar_token}.ics"
                      ).status_code == 200


def test_cancelled_meeting_stays_in_the_feed_as_cancelled(client, people):
    meeting = _schedule(people["chair"], SLUG, "Off", "2030-05-04T10:00", "2030-05-04T12:00",
                        "UTC")
    services.cancel(people["chair"], meeting)
    events, _ = _events(client.get(
        f"/profile/calendar/{reload(people['member']).calendar_token}.ics"))
    assert str(events["[Luxury Goods] Off"]["status"]) == "CANCELLED"
    assert int(events["[Luxury Goods] Off"]["sequence"]) == 1


def test_a_member_whose_company_left_no_longer_sees_the_meetings(client, people):
    _schedule(people["chair"], SLUG, "Luxury session", "2030-05-04T10:00", "2030-05-04T12:00",
              "UTC")
    member = reload(people["member"])
    accounts.set_groups(member.organisation, [])
    from portal.extensions import db

    db.session.commit()
    events, _ = _events(client.get(f"/profile/calendar/{member.calendar_token}.ics"))
    assert events == {}
