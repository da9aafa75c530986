"""Notification levels per group, the daily digest and its command, the home-page cards."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.models import utcnow
from portal.notifications.models import Notification
from workinggroups.digest import send_digests
from workinggroups.preferences import GroupSetting, save_setting

from .helpers import group, make_meeting, make_thread

SLUG = "luxury-goods"


def _sent(app):
    return app.extensions.get("sent_mail", [])


def test_level_is_saved_on_the_group_page_and_refused_when_unknown(as_user, people):
    client = as_user(people["member"])
    assert client.post(f"/groups/{SLUG}/notifications", data={"level": "mentions",
                                                               "digest": "1"}).status_code == 302
    setting = GroupSetting.query.one()
    assert (setting.level, setting.digest) == ("mentions", True)
    client.post(f"/groups/{SLUG}/notifications", data={"level": "loud"})
    assert GroupSetting.query.one().level == "mentions"
    assert as_user(people["outsider"]).post(f"/groups/{SLUG}/notifications",
                                            data={"level": "all"}).status_code == 404


def test_muted_group_tells_nothing_of_meetings(people):
    save_setting(people["member"], group(SLUG), "mute", False)
    make_meeting(people["chair"])
    assert Notification.query.filter_by(user_id=people["member"].id).count() == 0


def test_digest_sums_up_the_day_once_in_the_readers_language(app, people, make):
    reader = make.make_user("member", org=people["member"].organisation, locale="zh")
    reader.timezone = "Asia/Shanghai"
    save_setting(reader, group(SLUG), "mute", True)
    save_setting(people["outsider"], group("pharmaceutical"), "all", True)
    meeting = make_meeting(people["chair"], title="Spring session")
    make_thread(people["member"], title="Refill scams")
    assert send_digests() == 1  # nothing happened in pharmaceutical
    mail = _sent(app)[-1]
    assert mail["To"] == reader.email
    body = mail.get_content()
    assert "Spring session" in body and "Refill scams" in body
    local = meeting.starts_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{local:%Y-%m-%d %H:%M} Asia/Shanghai (UTC+08:00)" in body and " UTC)" not in body
    assert "奢侈品" in mail["Subject"]
    assert send_digests() == 0  # not twice the same day
    later = utcnow() + timedelta(days=1)
    assert send_digests(later) == 0  # nothing new since


def test_digest_is_not_sent_to_someone_who_can_no_longer_see_the_group(app, people):
    save_setting(people["member"], group(SLUG), "all", True)
    make_thread(people["chair"], title="Secret")
    from portal.accounts import services as accounts
    from portal.extensions import db

    accounts.set_groups(people["member"].organisation, [])
    db.session.commit()
    assert send_digests() == 0


def test_send_digests_command(runner, people, app):
    save_setting(people["member"], group(SLUG), "all", True)
    make_meeting(people["chair"], days=-3, hours=1)
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "sent 1 digest(s); flagged 1 meeting(s) without minutes" in result.output
    assert runner.invoke(args=["flag-overdue-minutes"]).output.strip() == (
        "flagged 0 meeting(s) without minutes")


@pytest.mark.parametrize("role", ["member", "chair"])
def test_home_shows_next_meetings_and_chairs_see_missing_minutes(as_user, people, role):
    make_meeting(people["chair"], title="Spring session")
    make_meeting(people["chair"], title="Old session", days=-3, hours=1)
    text = as_user(people[role]).get("/home").get_data(as_text=True)
    assert "Spring session" in text
    assert ("Minutes to write" in text) == (role == "chair")
    outsider = as_user(people["outsider"]).get("/home").get_data(as_text=True)
    assert "Spring session" not in outsider
