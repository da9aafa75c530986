"""A meeting's start is shown as the exact date and time in the reader's own zone first,
the relative text second; the meeting's own zone stays on its page."""

import re
from zoneinfo import ZoneInfo

from portal.extensions import db

from .helpers import make_meeting

SLUG = "luxury-goods"


def _reader_in(user, zone):
    user.timezone = zone
    db.session.commit()
    return user


def test_meeting_lists_and_page_show_the_exact_start_in_the_reader_s_zone(people, as_user):
    meeting = make_meeting(people["chair"], days=3, timezone="Europe/Paris")
    reader = _reader_in(people["member"], "Asia/Shanghai")
    client = as_user(reader)
    local = meeting.starts_at.astimezone(ZoneInfo("Asia/Shanghai"))
    exact = f"{local:%Y-%m-%d %H:%M} Asia/Shanghai (UTC+08:00)"
    for path in (f"/groups/{SLUG}/meetings", f"/groups/{SLUG}",
                 f"/groups/{SLUG}/meetings/{meeting.id}"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(rf'class="moment-exact">{re.escape(exact)}</time> <span class="text-muted'
                         r' small moment-relative" data-relative="[^"]+">in 3 days</span>', html), path
        assert f"{meeting.starts_at:%Y-%m-%d %H:%M} UTC<" not in html
    page = client.get(f"/groups/{SLUG}/meetings/{meeting.id}").get_data(as_text=True)
    paris = meeting.starts_at.astimezone(ZoneInfo("Europe/Paris"))
    assert f"{paris:%Y-%m-%d %H:%M}" in page and "(Europe/Paris)" in page
    ends = meeting.ends_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"until {ends:%H:%M}" in page


def test_in_chinese_the_relative_text_and_own_zone_label_are_chinese(people, as_user):
    meeting = make_meeting(people["chair"], days=3)
    reader = people["member"]
    reader.locale = "zh"
    db.session.commit()
    page = as_user(reader).get(f"/groups/{SLUG}/meetings/{meeting.id}").get_data(as_text=True)
    assert ">3天后</span>" in page and "会议所在时区：" in page and " UTC</time>" in page
