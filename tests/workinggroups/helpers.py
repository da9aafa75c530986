"""One-line factories for working-group objects."""

from datetime import timedelta

from portal.models import utcnow
from tests.support.factories import group
from workinggroups.meetings import services as meetings


def make_meeting(chair, slug: str = "luxury-goods", *, days: float = 7, hours: float = 2,
                 title: str = "Quarterly review", timezone: str = "Asia/Shanghai", **kw):
    """A meeting `days` from now (negative: in the past), lasting `hours`."""
    start = utcnow().replace(microsecond=0) + timedelta(days=days)
    kw.setdefault("agenda", ["Welcome", "Trends"])
    return meetings.schedule(chair, group(slug), title=title, starts_at=start,
                             ends_at=start + timedelta(hours=hours), timezone=timezone,
                             mode=kw.pop("mode", "in_person"), **kw)


def make_thread(author, slug: str = "luxury-goods", title: str = "Livestream sellers",
                body: str = "What are you seeing?"):
    """A thread with its opening post."""
    from workinggroups.discussions import services as discussions

    return discussions.start_thread(author, group(slug), title, body)
