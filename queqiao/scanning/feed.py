"""Feed files of any size (CSV or JSON Lines), scanned as jobs that any number of workers share.

CSV files have a header row naming the columns id, title, price (fen), seller_id, region
and url; JSON Lines files hold one listing object per line, as in the scans API. A bad
row is reported by its line number and the rest of the file is still scanned.

How a feed runs (see docs/jobs.md):
1. `feed-split` reads the stored file once, cuts it into chunks of whole records (byte
   ranges that end where a line ends outside CSV quotes), stores one FeedChunk row per
   range and enqueues one `feed-chunk` job per chunk; workers take them in parallel.
2. `feed-chunk` claims its chunk (a compare-and-set on the row, with a lease), scans the
   records and, in one transaction, stores the hits, marks the chunk done and adds its
   counts to the feed. A worker killed mid-chunk commits nothing: the chunk's lease runs
   out and `feed-watch` (scheduled on the queue) hands the chunk to another job. Hits are
   unique per (listing, rule, version), so a chunk run twice stores every hit once.
3. The job that completes the last chunk finishes the feed (once: another compare-and-set)
   and tells the uploader.
"""

import contextlib
import csv
import io
import os
import uuid
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from portal.audit.services import record
from portal.errors import InvalidInput
from portal.extensions import db, socketio
from portal.jobs import job, periodic
from portal.jobs.tracking import mark_lost
from portal.jobs.views import progress_source
from portal.models import utcnow
from portal.realtime import user_room
from queqiao.listings.readers import (
    FORMATS,
    BadListing,
    ScannedListing,
    read_listing,
    read_rows,
    row_error,
)

from .models import FeedChunk, FeedUpload, Hit
from .services import ScanResult, announce, scan

BATCH = 1_000  # listings per scan call inside a chunk
KEEP_BAD_ROWS = 500
MAX_ATTEMPTS = 5  # runs of one chunk before the feed is given up as failed
FINISHED = ("done", "failed")


def feed_folder() -> Path:
    """Where uploaded feed files wait to be scanned."""
    root = current_app.config.get("UPLOAD_FOLDER") or current_app.instance_path
    folder = Path(root) / "feeds"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def accept_upload(actor, upload: FileStorage | None) -> FeedUpload:
    """Keep an uploaded feed file and queue it for scanning."""
    name = (upload.filename or "") if upload is not None else ""
    if not name:
        raise InvalidInput({"feed": _("Choose a CSV or JSON Lines file.")})
    if not name.lower().endswith(FORMATS):
        raise InvalidInput({"feed": _("Feed files are CSV (.csv) or JSON Lines (.jsonl).")})
    path = feed_folder() / f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    upload.save(path)
    feed = FeedUpload(filename=Path(name).name[:255], stored_path=str(path),
                      size=path.stat().st_size, created_by_id=actor.id, status="queued")
    db.session.add(feed)
    db.session.flush()
    record(actor, "feed.upload", feed, f"Feed {feed.filename} queued", size=feed.size)
    db.session.commit()
    return feed


def start(feed: FeedUpload) -> None:
    """Queue the feed's scan. With QUEQIAO_FEED_INLINE (or no queue) it runs right here."""
    if current_app.config.get("QUEQIAO_FEED_INLINE"):
        run_now(feed.id)
        return
    split_feed(feed.id)


def process(app: Flask, feed_id: int) -> None:
    """Scan a whole feed in this process, chunk after chunk (benchmarks, inline runs)."""
    with app.app_context():
        run_now(feed_id)


def run_now(feed_id: int) -> None:
    """Split the feed and scan every chunk in this thread, without the queue."""
    split_feed.call_local(feed_id, enqueue=False)
    numbers = db.session.scalars(select(FeedChunk.number).where(
        FeedChunk.feed_id == feed_id, FeedChunk.status != "done")
        .order_by(FeedChunk.number)).all()
    for number in numbers:
        scan_chunk.call_local(feed_id, number)
    db.session.remove()


def lease() -> timedelta:
    """How long a chunk stays with the job that claimed it before another may take it."""
    return timedelta(seconds=current_app.config["QUEQIAO_FEED_LEASE_SECONDS"])


# --- 1. split -------------------------------------------------------------------------


@job("feed-split")
def split_feed(feed_id: int, enqueue: bool = True) -> None:
    """Cut the stored file into chunks of whole records and queue one job per chunk."""
    feed = db.session.get(FeedUpload, feed_id)
    if feed is None or feed.status in FINISHED:
        return
    if feed.chunks == 0 and not db.session.scalar(
            select(func.count()).select_from(FeedChunk).where(FeedChunk.feed_id == feed_id)):
        try:
            header, ranges = _record_ranges(feed.stored_path,
                                            current_app.config["QUEQIAO_FEED_CHUNK_ROWS"])
        except OSError as error:
            _fail(feed, str(error))
            return
        if header is not None and not _good_header(header):
            feed.rows = feed.bad_count = 1
            counts = {"bad_count": 0, "bad_rows": []}
            _bad(counts, 1, _header_error)
            feed.bad_rows = counts["bad_rows"]
            ranges = []
        feed.header = header
        feed.total = sum(rows for _start, _end, _line, rows in ranges)
        feed.chunks = len(ranges)
        for number, (start_at, end_at, first_line, rows) in enumerate(ranges):
            db.session.add(FeedChunk(feed_id=feed.id, number=number, start=start_at, end=end_at,
                                     first_line=first_line, total=rows, enqueued_at=utcnow()))
    feed.status = "running"
    feed.started_at = feed.started_at or utcnow()
    db.session.commit()
    if feed.chunks == 0:
        _finish(feed.id)
        return
    if enqueue:
        for number in range(feed.chunks):
            scan_chunk(feed.id, number)
        watch_feed.schedule((feed.id,), delay=_watch_delay())


def _watch_delay() -> int:
    return max(1, int(current_app.config["QUEQIAO_FEED_LEASE_SECONDS"]))


def _record_ranges(path: str, per_chunk: int) -> tuple[str | None, list[tuple[int, int, int, int]]]:
    """(CSV header text or None, [(start byte, end byte, first line, records)]).

    A CSV record ends at a line end outside quotes (an even number of quote characters
    so far: RFC 4180 escapes a quote by doubling it), so quoted line breaks stay inside
    their record. Blank lines are not records.
    """
    is_csv = path.endswith(".csv")
    ranges = []
    header = None
    with open(path, "rb") as stream:
        position = 0
        line = 0
        if is_csv:
            raw, lines = _csv_record(stream)
            if not raw:
                return "", []
            header = raw.decode("utf-8-sig", errors="replace")
            position, line = len(raw), lines
        start_at, first_line, rows = position, line + 1, 0
        while True:
            raw, lines = _csv_record(stream) if is_csv else _line(stream)
            if not raw:
                break
            position += len(raw)
            line += lines
            if raw.strip():
                rows += 1
            if rows >= per_chunk:
                ranges.append((start_at, position, first_line, rows))
                start_at, first_line, rows = position, line + 1, 0
        if position > start_at:
            ranges.append((start_at, position, first_line, rows))
    return header, ranges


def _line(stream) -> tuple[bytes, int]:
    raw = stream.readline()
    return raw, 1 if raw else 0


def _csv_record(stream) -> tuple[bytes, int]:
    """One CSV record's bytes (possibly several physical lines) and its line count."""
    parts, quotes = [], 0
    while True:
        raw = stream.readline()
        if not raw:
            break
        parts.append(raw)
        quotes += raw.count(b'"')
        if quotes % 2 == 0:
            break
    return b"".join(parts), len(parts)


def _good_header(header: str) -> bool:
    columns = next(csv.reader(io.StringIO(header, newline="")), [])
    names = [name.strip().lower() for name in columns]
    return "title" in names and "id" in names


def _header_error() -> str:
    return _("The header row must name at least the columns id and title.")


# --- 2. chunks ------------------------------------------------------------------------


@job("feed-chunk", retries=3, retry_delay=2, context=True)
def scan_chunk(feed_id: int, number: int, task=None) -> None:
    """Claim one chunk, scan its records and commit its hits with its counts, once."""
    chunk = db.session.scalar(select(FeedChunk).where(FeedChunk.feed_id == feed_id,
                                                      FeedChunk.number == number))
    if chunk is None:
        return
    task_id = (task.id if task is not None else uuid.uuid4().hex)[:64]
    if not _claim(chunk, task_id):
        return
    feed = db.session.get(FeedUpload, feed_id)
    actor = feed.created_by
    try:
        with force_locale(actor.locale):
            counts = _scan_records(actor, feed, chunk)
        finished = db.session.execute(
            update(FeedChunk).where(FeedChunk.id == chunk.id, FeedChunk.status == "running",
                                    FeedChunk.task_id == task_id)
            .values(status="done", finished_at=utcnow(), rows=counts["rows"],
                    scanned=counts["scanned"], hits=counts["hits"],
                    bad_count=counts["bad_count"], bad_rows=counts["bad_rows"])).rowcount
        if not finished:  # another job took the chunk over (our lease ran out): it counts
            db.session.rollback()
            return
        db.session.execute(update(FeedUpload).where(FeedUpload.id == feed_id).values(
            rows=FeedUpload.rows + counts["rows"], scanned=FeedUpload.scanned + counts["scanned"],
            hits=FeedUpload.hits + counts["hits"],
            bad_count=FeedUpload.bad_count + counts["bad_count"],
            chunks_done=FeedUpload.chunks_done + 1))
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        db.session.execute(update(FeedChunk).where(
            FeedChunk.id == chunk.id, FeedChunk.task_id == task_id, FeedChunk.status == "running")
            .values(status="queued", error=str(error)[:500]))
        db.session.commit()
        raise
    _send_progress(feed_id)
    done, chunks = db.session.execute(select(FeedUpload.chunks_done, FeedUpload.chunks)
                                      .where(FeedUpload.id == feed_id)).one()
    if done >= chunks:
        _finish(feed_id)
    else:  # a chunk whose worker died is picked up by the next chunk to finish, too
        _rescue(feed_id, waiting=False)


def _claim(chunk: FeedChunk, task_id: str) -> bool:
    """Take the chunk if nobody holds it, or its holder's lease ran out."""
    now = utcnow()
    stale = now - lease()
    claimed = db.session.execute(
        update(FeedChunk).where(
            FeedChunk.id == chunk.id,
            (FeedChunk.status == "queued")
            | ((FeedChunk.status == "running") & (FeedChunk.claimed_at < stale)))
        .values(status="running", claimed_at=now, task_id=task_id,
                attempts=FeedChunk.attempts + 1)).rowcount
    db.session.commit()
    return bool(claimed)


def _scan_records(actor, feed: FeedUpload, chunk: FeedChunk) -> dict:
    """Scan the chunk's records in batches (nothing committed); its counts and bad rows."""
    counts = {"rows": 0, "scanned": 0, "hits": 0, "bad_count": 0, "bad_rows": []}
    with open(feed.stored_path, "rb") as stream:
        stream.seek(chunk.start)
        data = stream.read(chunk.end - chunk.start)
    encoding = "utf-8-sig" if chunk.start == 0 else "utf-8"
    text = data.decode(encoding, errors="replace")
    header = feed.header or ""
    header_lines = header.count("\n") if header else 0
    offset = chunk.first_line - 1 - header_lines
    batch: list[ScannedListing] = []

    def flush():
        if batch:
            result = scan(actor, batch, feed_id=feed.id, commit=False)
            counts["scanned"] += result.scanned
            counts["hits"] += result.new_hits
            batch.clear()
            _heartbeat(chunk)

    for line, item in read_rows(io.StringIO(header + text, newline=""), feed.stored_path):
        counts["rows"] += 1
        real_line = line + offset
        if row_error(item):
            _bad(counts, real_line, lambda error=item: str(error))
            continue
        try:
            batch.append(read_listing(item))
        except BadListing:
            _bad(counts, real_line, lambda row=item: _listing_error(row))
            continue
        if len(batch) >= BATCH:
            flush()
    flush()
    return counts


def _heartbeat(chunk: FeedChunk) -> None:
    """Renew the chunk's lease while a long chunk is still being scanned (not on SQLite,
    where a second writer would wait for this transaction)."""
    if db.engine.dialect.name == "sqlite":
        return
    with db.engine.begin() as conn:
        conn.execute(update(FeedChunk).where(FeedChunk.id == chunk.id,
                                             FeedChunk.task_id == chunk.task_id)
                     .values(claimed_at=utcnow()))


def _listing_error(row: dict) -> str:
    """Why the row is not a listing, in the language in force."""
    try:
        read_listing(row)
    except BadListing as error:
        return str(error)
    return ""


def _bad(counts: dict, line: int, describe) -> None:
    """Count a bad row and keep the first ones, worded in each of the portal's languages
    (`describe()` words it in the language in force), so each reader reads it in theirs."""
    counts["bad_count"] += 1
    if len(counts["bad_rows"]) < KEEP_BAD_ROWS:
        worded = {}
        for language in current_app.config["LANGUAGES"]:
            with force_locale(language):
                worded[language] = describe()[:300]
        counts["bad_rows"].append({"line": line, "error": worded["en"], "errors": worded})


# --- 3. watching and finishing --------------------------------------------------------


@job("feed-watch", retries=5, retry_delay=5)
def watch_feed(feed_id: int) -> None:
    """Hand chunks whose job died to new jobs; look again until the feed is finished."""
    if _rescue(feed_id):
        watch_feed.schedule((feed_id,), delay=_watch_delay())


def _rescue(feed_id: int, waiting: bool = True) -> bool:
    """Re-queue the feed's abandoned chunks (lease run out; with `waiting`, also chunks
    queued long ago whose job may have been lost); False once the feed is finished."""
    feed = db.session.get(FeedUpload, feed_id)
    if feed is None or feed.status in FINISHED:
        return False
    if feed.status == "queued":  # the split job itself was lost
        if feed.created_at < utcnow() - 4 * lease():
            split_feed(feed_id)
        return True
    now = utcnow()
    chunks = db.session.scalars(select(FeedChunk).where(
        FeedChunk.feed_id == feed_id, FeedChunk.status != "done")).all()
    if not chunks and feed.chunks_done >= feed.chunks:
        _finish(feed_id)
        return False
    stale = now - lease()
    for chunk in chunks:
        lost = chunk.status == "running" and chunk.claimed_at < stale
        stuck = waiting and chunk.status == "queued" and chunk.enqueued_at < now - 4 * lease()
        if chunk.attempts >= MAX_ATTEMPTS and (lost or chunk.status == "queued"):
            _fail(feed, _("Part %(n)d of the file could not be scanned: %(error)s",
                          n=chunk.number + 1, error=chunk.error or "?"))
            return False
        if not (lost or stuck):
            continue
        # Back to the queue, once (whoever rescues it first); the dead job can no longer
        # finish it, as finishing needs the chunk still to be running under its task id.
        taken = db.session.execute(update(FeedChunk).where(
            FeedChunk.id == chunk.id, FeedChunk.status == chunk.status,
            FeedChunk.task_id.is_(None) if chunk.task_id is None
            else FeedChunk.task_id == chunk.task_id)
            .values(status="queued", enqueued_at=now)).rowcount
        if not taken:
            db.session.rollback()
            continue
        if lost:
            mark_lost(chunk.task_id, "worker lost; the chunk was queued again")
        db.session.commit()
        scan_chunk(feed_id, chunk.number)
    return True


@periodic("sweep-feeds", "* * * * *")
def sweep_feeds() -> None:
    """Every minute: rescue the chunks of every unfinished feed (should its watcher be lost)."""
    ids = db.session.scalars(select(FeedUpload.id).where(
        FeedUpload.status.in_(("queued", "running")))).all()
    for feed_id in ids:
        _rescue(feed_id)


def _finish(feed_id: int) -> None:
    """Close the feed once every chunk is done: bad rows, exact hits, audit, the uploader told."""
    won = db.session.execute(update(FeedUpload).where(
        FeedUpload.id == feed_id, FeedUpload.status.in_(("queued", "running")))
        .values(status="done", finished_at=utcnow())).rowcount
    if not won:
        db.session.rollback()
        return
    feed = db.session.get(FeedUpload, feed_id)
    db.session.refresh(feed)
    chunks = db.session.scalars(select(FeedChunk).where(FeedChunk.feed_id == feed_id)
                                .order_by(FeedChunk.number)).all()
    bad = list(feed.bad_rows or [])
    for chunk in chunks:
        bad.extend(chunk.bad_rows or [])
    feed.bad_rows = bad[:KEEP_BAD_ROWS]
    if chunks:
        feed.rows = sum(c.rows for c in chunks)
        feed.scanned = sum(c.scanned for c in chunks)
        feed.bad_count = sum(c.bad_count for c in chunks)
    hits = db.session.execute(select(Hit.mode, func.count()).where(Hit.feed_id == feed_id)
                              .group_by(Hit.mode)).all()
    feed.hits = sum(n for _mode, n in hits)
    actor = feed.created_by
    with force_locale(actor.locale):
        announce(ScanResult(new_hits=feed.hits,
                            new_active=sum(n for mode, n in hits if mode == "active")))
    record(actor, "feed.scan", feed, f"Feed {feed.filename} {feed.status}",
           rows=feed.rows, hits=feed.hits, bad_rows=feed.bad_count)
    db.session.commit()
    _send_progress(feed_id, done=True)
    with contextlib.suppress(OSError):
        os.remove(feed.stored_path)


def _fail(feed: FeedUpload, message: str) -> None:
    won = db.session.execute(update(FeedUpload).where(
        FeedUpload.id == feed.id, FeedUpload.status.in_(("queued", "running")))
        .values(status="failed", error=message[:500], finished_at=utcnow())).rowcount
    if won:
        record(feed.created_by, "feed.scan", feed, f"Feed {feed.filename} failed", error=message)
    db.session.commit()
    if won:
        _send_progress(feed.id, done=True)


def _send_progress(feed_id: int, done: bool = False) -> None:
    """The feed's counters to its uploader's room."""
    feed = db.session.get(FeedUpload, feed_id)
    db.session.refresh(feed)
    percent = 100 if done else min(99, int(100 * feed.rows / (feed.total or 1)))
    socketio.emit("feed.progress", {
        "feed_id": feed.id, "status": feed.status, "percent": percent, "rows": feed.rows,
        "total": feed.total, "scanned": feed.scanned, "hits": feed.hits,
        "bad_rows": feed.bad_count, "done": done}, to=user_room(feed.created_by_id))


@progress_source
def feeds_in_progress() -> list[dict]:
    """Feeds being scanned, for the jobs page."""
    from portal.urls import page_url

    feeds = db.session.scalars(select(FeedUpload).where(
        FeedUpload.status.in_(("queued", "running"))).order_by(FeedUpload.id)).all()
    return [{"name": _("Feed %(name)s", name=f.filename), "status": f.status,
             "url": page_url("queqiao_scanning.feed_page", feed_id=f.id), "done": f.rows,
             "total": f.total, "percent": min(100, int(100 * f.rows / (f.total or 1)))}
            for f in feeds]


def feed_json(feed: FeedUpload) -> dict:
    """A feed's state as the API gives it."""
    from portal.urls import page_url

    errors = list(feed.bad_rows or [])
    if feed.status not in FINISHED:
        errors = errors + [row for rows in db.session.scalars(
            select(FeedChunk.bad_rows).where(FeedChunk.feed_id == feed.id,
                                             FeedChunk.status == "done")) for row in (rows or [])]
    return {"id": feed.id, "url": page_url("queqiao_scanning.feed_page", feed_id=feed.id),
            "filename": feed.filename, "status": feed.status, "processed": feed.rows,
            "total": feed.total, "scanned": feed.scanned, "hits": feed.hits,
            "chunks": feed.chunks, "chunks_done": feed.chunks_done,
            "errors": [{"line": row["line"], "message": row["error"]}
                       for row in errors[:KEEP_BAD_ROWS]],
            "error_count": feed.bad_count, "error": feed.error or None,
            "created_at": feed.created_at.isoformat(),
            "finished_at": feed.finished_at.isoformat() if feed.finished_at else None}
