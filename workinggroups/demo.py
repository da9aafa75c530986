"""Demo content for `make run`: meetings, threads, a document and room chat in a few groups."""

import io
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal import uploads
from portal.accounts.groups import group_by_slug
from portal.demo import Scale, bulk_audit, bulk_insert, bulk_notify, demo_step, scale_step
from portal.extensions import db
from portal.models import utcnow
from portal.urls import page_url

from .discussions import services as discussions
from .discussions.models import Post, Thread, ThreadSubscription
from .documents import services as documents
from .documents.models import Document, DocumentVersion
from .meetings import services as meetings
from .meetings.models import Meeting, MeetingAttendance, MeetingRsvp
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


MEETINGS_PER_GROUP = 10  # a year of the real alliance: about monthly, per group
THREADS_PER_GROUP = 20
DOCUMENTS_PER_GROUP = 8
ROOM_LINES_PER_GROUP = 30
_TOPICS = ("livestream sellers", "super-fakes", "parcel forwarding", "takedown appeals",
           "customs seizures", "repeat infringers", "social-commerce shops", "refill kits")
_AGENDA = ["Welcome and minutes of the last meeting", "Trends in online enforcement",
           "Offline investigations update", "Test purchases of the quarter",
           "Recommendations for the Advisory Board"]


def _bulk_meetings(scale: Scale, group, chair: int) -> tuple[list, list]:
    rows, past = [], []
    for k in range(scale.count(MEETINGS_PER_GROUP)):
        upcoming = k % 5 == 0
        start = (scale.now + timedelta(days=scale.rng.uniform(1, 60)) if upcoming
                 else scale.ago(365)).replace(minute=0, second=0, microsecond=0)
        cancelled = not upcoming and k % 9 == 4
        minuted = not upcoming and not cancelled and k % 7 != 3
        rows.append({"group_id": group.id, "title": f"{group.name_en}: session {k + 1}",
                     "starts_at": start, "ends_at": start + timedelta(hours=2),
                     "timezone": "Asia/Shanghai", "mode": ("online", "hybrid", "in_person")[k % 3],
                     "location": "Hangzhou, Alliance office", "agenda": _AGENDA[: 3 + k % 3],
                     "link": f"https://meet.alliance.example/{group.slug}",
                     "minutes": f"## Decisions\n\n1. Share tips on {_TOPICS[k % 8]}."
                     if minuted else None,
                     "minutes_at": start + timedelta(days=1) if minuted else None,
                     "cancelled_at": start - timedelta(days=2) if cancelled else None,
                     "sequence": 1 if cancelled else 0, "created_by_id": chair,
                     "created_at": start - timedelta(days=21)})
    ids = bulk_insert(Meeting, rows)
    for meeting_id, row in zip(ids, rows, strict=True):
        if row["cancelled_at"] is None and row["ends_at"] < scale.now:
            past.append(meeting_id)
    return list(zip(ids, rows, strict=True)), past


def _bulk_attendance(scale: Scale, group, meetings: list, past: list[int]) -> None:
    people = scale.members[group.id]
    rsvps, attended = [], []
    for meeting_id, row in meetings:
        if row["cancelled_at"] is not None:
            continue
        who = scale.rng.sample(people, min(len(people), 6))
        if meeting_id in past:
            attended += [{"meeting_id": meeting_id, "user_id": u} for u in who[:4]]
        rsvps += [{"meeting_id": meeting_id, "user_id": u, "answer": ("yes", "no", "maybe")[i % 3],
                   "answered_at": row["created_at"] + timedelta(days=1)}
                  for i, u in enumerate(who)]
    bulk_insert(MeetingRsvp, rsvps)
    bulk_insert(MeetingAttendance, attended)


def _bulk_threads(scale: Scale, group) -> list[tuple]:
    threads, bodies = [], []
    for k in range(scale.count(THREADS_PER_GROUP)):
        author, at = scale.group_member(group.id), scale.ago(365)
        replies = [(scale.group_member(group.id), at + timedelta(hours=5 * (i + 1)))
                   for i in range(scale.rng.randrange(0, 7))]
        threads.append({"group_id": group.id, "author_id": author, "created_at": at,
                        "last_post_at": replies[-1][1] if replies else at,
                        "title": f"{_TOPICS[k % 8].capitalize()}: what we saw this month ({k + 1})"})
        bodies.append([(author, at, f"We see more **{_TOPICS[k % 8]}** this month.\n\n"
                        "- same warehouse address\n- prices far below retail")]
                      + [(u, when, "Same here; we will share the shop links.")
                         for u, when in replies])
    ids = bulk_insert(Thread, threads)
    bulk_insert(Post, [{"thread_id": t, "author_id": u, "body": body, "created_at": when}
                       for t, posts in zip(ids, bodies, strict=True) for u, when, body in posts])
    bulk_insert(ThreadSubscription, [
        {"thread_id": t, "user_id": user, "state": "follow"}
        for t, posts in zip(ids, bodies, strict=True) for user in {u for u, _w, _b in posts}])
    return list(zip(ids, threads, strict=True))


def _bulk_documents(scale: Scale, group, stored, chair: int) -> list[tuple]:
    documents, versions = [], []
    for k in range(scale.count(DOCUMENTS_PER_GROUP)):
        at = scale.ago(365)
        count = 1 + k % 3
        documents.append({"group_id": group.id, "title": f"{group.name_en}: playbook {k + 1}",
                          "created_by_id": chair, "created_at": at,
                          "updated_at": at + timedelta(days=count - 1)})
        versions.append([{"number": n + 1, "sha256": stored.sha256, "size": stored.size,
                          "mime": stored.mime, "filename": "playbook.txt",
                          "note": "" if n == 0 else "Updated figures",
                          "uploaded_by_id": chair, "uploaded_at": at + timedelta(days=n)}
                         for n in range(count)])
    ids = bulk_insert(Document, documents)
    bulk_insert(DocumentVersion, [{**v, "document_id": d}
                                  for d, vs in zip(ids, versions, strict=True) for v in vs])
    return list(zip(ids, documents, strict=True))


@scale_step
def scale_working_groups(scale: Scale) -> list[str]:
    """Meetings with agendas, minutes and attendance, threads, documents and chat per group."""
    note = b"Enforcement playbook\n\n1. Document the listing.\n2. Test-purchase.\n3. Report.\n"
    stored = uploads.store(FileStorage(io.BytesIO(note), filename="playbook.txt"),
                           allowed=uploads.DOCUMENTS)
    audit, notes, totals = [], [], [0, 0, 0]
    for group in scale.groups:
        chair = scale.chairs.get(group.id) or scale.admin
        meetings, past = _bulk_meetings(scale, group, chair)
        _bulk_attendance(scale, group, meetings, past)
        threads = _bulk_threads(scale, group)
        documents = _bulk_documents(scale, group, stored, chair)
        bulk_insert(RoomMessage, [{"group_id": group.id, "user_id": scale.group_member(group.id),
                                   "text": f"Update on {_TOPICS[k % 8]}", "created_at": scale.ago(90)}
                                  for k in range(scale.count(ROOM_LINES_PER_GROUP))])
        audit += [(chair, "meeting.schedule", "Meeting", m, f"Meeting {r['title']!r}",
                   r["created_at"]) for m, r in meetings]
        audit += [(r["author_id"], "thread.start", "Thread", t, f"Thread {r['title']!r}",
                   r["created_at"]) for t, r in threads]
        audit += [(chair, "document.upload", "Document", d, f"Document {r['title']!r}",
                   r["created_at"]) for d, r in documents]
        for meeting_id, row in meetings[-2:]:
            url = page_url("workinggroups.meeting", slug=group.slug, meeting_id=meeting_id)
            notes += [(u, "meeting.scheduled", f"Meeting scheduled: {row['title']}", url,
                       row["created_at"]) for u in scale.members[group.id][:40]]
        totals = [totals[0] + len(meetings), totals[1] + len(threads), totals[2] + len(documents)]
    bulk_audit(scale, audit)
    bulk_notify(scale, notes)
    return [f"  working groups: {totals[0]} meetings, {totals[1]} threads, "
            f"{totals[2]} documents"]
