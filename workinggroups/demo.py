"""Demo content for `make run`: meetings, threads, a document and room chat in a few groups."""

import io
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.accounts.groups import group_by_slug
from portal.demo import demo_step
from portal.extensions import db
from portal.models import utcnow

from .discussions import services as discussions
from .documents import services as documents
from .meetings import services as meetings
from .meetings.models import Meeting
from .preferences import group_people
from .room.models import RoomMessage

GROUPS = ("luxury-goods", "pharmaceutical", "clothing-footwear")

THREADS = (
    ("Livestream sellers moving replicas through short videos",
     "We see **super-fakes** sold in live streams that vanish after an hour.\n\n"
     "- sellers reuse the same warehouse address\n- prices about 30 % of retail\n\n"
     "Has anyone had a takedown stick?",
     "Same pattern here. The platform's analytics flagged 14 of them last week; "
     "mentioning @{group} so everyone sees it."),
    ("Criminal threshold: how are you documenting value?",
     "For referrals the value involved has to pass RMB 50,000. Which evidence did the "
     "authorities accept from you: test purchases, warehouse counts, or both?",
     "Test purchases plus the seller's own sales figures worked for us in Yiwu."),
)


def _start(chair, group, days: float, title: str, minutes: str | None = None):
    start = (utcnow() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    meeting = meetings.schedule(
        chair, group, title=title, starts_at=start, ends_at=start + timedelta(hours=2),
        timezone="Asia/Shanghai", mode="hybrid", location="Hangzhou, Alliance office",
        link="https://meet.alliance.example/" + group.slug,
        agenda=["Welcome and minutes of the last meeting", "Trends in online enforcement",
                "Offline investigations update", "Recommendations for the Advisory Board"])
    if minutes:
        db.session.refresh(meeting)
        meetings.record_minutes(chair, meeting, minutes)
    return meeting


def _seed_group(slug: str) -> list[str]:
    group = group_by_slug(slug)
    chair = group.chair if group else None
    count = db.session.scalar(select(func.count(Meeting.id)).where(Meeting.group_id == group.id))
    if chair is None or count:
        return []
    people = [p for p in group_people(group) if p.id != chair.id] or [chair]
    _start(chair, group, 9, "Quarterly working session")
    _start(chair, group, -20, "Kick-off of the year",
           "## Decisions\n\n1. Share detection tips for livestream sellers through Queqiao.\n"
           "2. Propose a joint test purchase programme for Q2.")
    _start(chair, group, -3, "Emergency call: counterfeit wave before the holidays")
    for title, body, answer in THREADS:
        thread = discussions.start_thread(people[0], group, title, body)
        discussions.reply(chair, thread, answer.format(group=slug))
    note = (f"{group.name_en}: enforcement playbook\n\n1. Document the listing.\n"
            "2. Test-purchase.\n3. Authenticate.\n4. Report.\n").encode()
    documents.upload(chair, group, "Enforcement playbook",
                     FileStorage(io.BytesIO(note), filename="playbook.txt"))
    for who, text in ((chair, "Welcome to the room — 欢迎！"),
                      (people[0], "Morning all, the holiday wave has started.")):
        db.session.add(RoomMessage(group_id=group.id, user_id=who.id, text=text))
    db.session.commit()
    return [f"  working group {slug}: 3 meetings, 2 threads, 1 document, room chat"]


@demo_step
def seed_working_groups_content() -> list[str]:
    """Meetings (one missing its minutes), threads, a document and chat in three groups."""
    lines: list[str] = []
    for slug in GROUPS:
        lines.extend(_seed_group(slug))
    return lines
