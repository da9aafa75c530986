"""Moments as people read them: relative text in their language, the exact minute in their
own zone on hover, the UTC moment for machines."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_login import login_user

from portal.extensions import db
from portal.ui import exact_time, relative_time, render_moment
from tests.support.factories import reload

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai


@pytest.fixture
def reader(app, make):
    """reader(locale, zone) -> a request context signed in as such a person."""
    def enter(locale="en", zone=None):
        user = make.make_user("member", locale=locale)
        user.timezone = zone
        db.session.commit()
        ctx = app.test_request_context("/")
        ctx.push()
        login_user(reload(user))
        return ctx
    contexts = []
    yield lambda *a, **kw: contexts.append(enter(*a, **kw))
    for ctx in reversed(contexts):
        ctx.pop()


@pytest.mark.parametrize(("locale", "delta", "text"), [
    ("en", timedelta(minutes=-3), "3 minutes ago"),
    ("zh", timedelta(minutes=-3), "3分钟前"),
    ("en", timedelta(hours=2), "in 2 hours"),
    ("zh", timedelta(hours=2), "2小时后"),
    ("en", timedelta(days=2), "in 2 days"),
    ("zh", timedelta(days=2), "2天后"),
    ("en", timedelta(days=-5), "5 days ago"),
    ("zh", timedelta(days=-5), "5天前"),
    ("en", timedelta(seconds=-20), "just now"),
    ("zh", timedelta(seconds=-20), "刚刚"),
    ("en", timedelta(hours=-20), "yesterday"),
    ("zh", timedelta(hours=-20), "昨天"),
    ("en", timedelta(hours=20), "tomorrow"),
    ("zh", timedelta(hours=20), "明天"),
])
def test_relative_text_is_in_the_reader_s_language(reader, locale, delta, text):
    reader(locale)
    assert relative_time(NOW + delta, NOW) == text


def test_beyond_a_week_the_day_itself_is_shown_in_the_reader_s_zone(reader):
    reader("en", "Asia/Shanghai")
    assert relative_time(datetime(2026, 11, 20, 17, 0, tzinfo=UTC), NOW) == "2026-11-21"
    assert relative_time(datetime(2027, 1, 5, 12, 0, tzinfo=UTC), NOW) == "2027-01-05"


def test_the_day_boundary_is_the_reader_s(reader):
    later = NOW + timedelta(hours=7)  # 17:00 UTC the same day; 01:00 the next day in Shanghai
    reader("en")
    assert relative_time(later, NOW) == "in 7 hours"
    reader("en", "Asia/Shanghai")
    assert relative_time(later, NOW) == "tomorrow"


def test_the_title_gives_the_exact_time_in_the_person_s_zone(reader):
    moment = datetime(2026, 12, 1, 9, 5, 30, tzinfo=UTC)
    reader("zh", "Asia/Shanghai")
    html = str(render_moment(moment, now=moment + timedelta(minutes=3)))
    assert html == ('<time datetime="2026-12-01T09:05:30Z" title="2026-12-01 17:05 Asia/Shanghai '
                    '(UTC+08:00)" data-relative="2026-12-01T09:05:30Z">3分钟前</time>')


def test_without_a_zone_the_title_is_utc_and_naive_moments_are_utc(reader):
    reader("en")
    assert exact_time(datetime(2026, 12, 1, 9, 5)) == "2026-12-01 09:05 UTC"
    html = str(render_moment(datetime(2026, 12, 1, 9, 5), now=datetime(2026, 12, 3, 9, 0,
                                                                         tzinfo=UTC)))
    assert 'datetime="2026-12-01T09:05:00Z" title="2026-12-01 09:05 UTC"' in html
    assert html.endswith(">2 days ago</time>")
    assert str(render_moment(None)) == "—"


def test_exact_shows_the_local_date_time_first_then_the_relative_text(reader):
    reader("en", "America/New_York")
    starts = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    html = str(render_moment(starts, exact=True, now=NOW))
    assert re.fullmatch(
        r'<time datetime="2026-12-03T15:00:00Z" title="(2026-12-03 10:00 America/New_York '
        r'\(UTC-05:00\))" class="moment-exact">\1</time> <span class="text-muted small '
        r'moment-relative" data-relative="2026-12-03T15:00:00Z">in 2 days</span>', html)


def test_the_when_macro_renders_the_same_moment(reader, app):
    reader("en")
    template = app.jinja_env.from_string(
        '{% from "macros.html" import when %}{{ when(dt) }}|{{ when(None) }}')
    moment = datetime.now(UTC) - timedelta(minutes=10)
    html = template.render(dt=moment)
    assert ">10 minutes ago</time>|—" in html and "UTC" in html


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_dates_and_times_are_written_as_babel_writes_them_in_each_language(reader, locale):
    # The portal writes yyyy-MM-dd and HH:mm itself (a list shows dozens of moments);
    # Babel's formatting of the same patterns is the yardstick, years before 1000 included.
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_datetime

    reader(locale, "Asia/Kolkata")
    zone = ZoneInfo("Asia/Kolkata")
    for moment in (datetime(2026, 1, 2, 3, 4, tzinfo=UTC), datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
                   datetime(999, 7, 8, 9, 10, tzinfo=UTC), datetime(2027, 6, 30, 18, 30, tzinfo=UTC)):
        local = moment.astimezone(zone)
        babel_time = format_datetime(local, "yyyy-MM-dd HH:mm", tzinfo=zone, locale=locale)
        assert exact_time(moment).split(" Asia/Kolkata ")[0] == babel_time
        far = moment + timedelta(days=30)
        assert relative_time(moment, far) == format_date(local, "yyyy-MM-dd", locale=locale)


def test_a_moment_s_texts_are_escaped(reader, monkeypatch):
    reader("en")
    monkeypatch.setattr("portal.ui.relative_time", lambda *a, **k: "<b>&</b>")
    html = str(render_moment(NOW))
    assert "&lt;b&gt;&amp;&lt;/b&gt;</time>" in html and "<b>" not in html
