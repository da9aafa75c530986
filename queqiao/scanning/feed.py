"""Feed files of any size (CSV or JSON Lines), scanned in the background with live progress.

CSV files have a header row naming the columns id, title, price (fen), seller_id, region
and url; JSON Lines files hold one listing object per line, as in the scans API. A bad
row is reported by its line number and the rest of the file is still scanned.
"""

import contextlib
import os
import threading
import uuid
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal.audit.services import record
from portal.errors import InvalidInput
from portal.extensions import db, socketio
from portal.models import utcnow
from portal.realtime import user_room
from queqiao.listings.readers import FORMATS, BadListing, ScannedListing, read_listing, read_rows

from .models import FeedUpload
from .services import ScanResult, announce, scan

BATCH = 10_000
KEEP_BAD_ROWS = 500
PROGRESS_EVERY = 0.5  # seconds between progress events


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
    """Scan the feed in a background thread (inline when the app says so, as tests do)."""
    app = current_app._get_current_object()
    if app.config.get("QUEQIAO_FEED_INLINE"):
        process(app, feed.id)
        return
    threading.Thread(target=process, args=(app, feed.id), daemon=True,
                     name=f"feed-{feed.id}").start()


def process(app: Flask, feed_id: int) -> None:
    """Scan every row of a feed file, in batches, reporting progress to its uploader."""
    with app.app_context():
        feed = db.session.get(FeedUpload, feed_id)
        actor = feed.created_by
        feed.status = "running"
        db.session.commit()
        room = user_room(feed.created_by_id)
        bad: list[dict] = []
        progress = _Progress(feed, room)
        total = ScanResult()
        try:
            with open(feed.stored_path, encoding="utf-8-sig", errors="replace",
                      newline="") as text, force_locale(actor.locale):
                batch: list[ScannedListing] = []
                for line, item in read_rows(text, feed.stored_path):
                    feed.rows += 1
                    if isinstance(item, str):
                        _bad(feed, bad, line, item)
                        continue
                    try:
                        batch.append(read_listing(item))
                    except BadListing as error:
                        _bad(feed, bad, line, str(error))
                        continue
                    if len(batch) >= BATCH:
                        _scan_batch(actor, feed, batch, bad, total)
                        batch = []
                        progress.maybe_send(text.buffer.tell())
                _scan_batch(actor, feed, batch, bad, total)
            feed.status = "done"
        except Exception as error:  # a broken file must end as a visible failure, not hang
            db.session.rollback()
            feed = db.session.get(FeedUpload, feed_id)
            feed.status = "failed"
            feed.error = str(error)[:500]
        feed.bad_rows = bad
        feed.finished_at = utcnow()
        announce(total)  # once per feed, not per batch
        record(actor, "feed.scan", feed, f"Feed {feed.filename} {feed.status}",
               rows=feed.rows, hits=feed.hits, bad_rows=feed.bad_count)
        db.session.commit()
        progress.send(done=True)
        with contextlib.suppress(OSError):
            os.remove(feed.stored_path)
        db.session.remove()


def _scan_batch(actor, feed: FeedUpload, batch: list[ScannedListing], bad: list[dict],
                feed_total: ScanResult) -> None:
    """Scan one batch and commit it with the feed's counters."""
    if batch:
        result = scan(actor, batch, feed_id=feed.id, commit=False)
        feed.scanned += result.scanned
        feed.hits += result.new_hits
        feed_total.new_hits += result.new_hits
        feed_total.new_active += result.new_active
    feed.bad_rows = list(bad)
    db.session.commit()


def _bad(feed: FeedUpload, bad: list[dict], line: int, message: str) -> None:
    feed.bad_count += 1
    if len(bad) < KEEP_BAD_ROWS:
        bad.append({"line": line, "error": message[:300]})








class _Progress:
    """Progress events to the uploader's room, at most every PROGRESS_EVERY seconds."""

    def __init__(self, feed: FeedUpload, room: str):
        self.feed = feed
        self.room = room
        self.last = 0.0

    def maybe_send(self, position: int) -> None:
        import time

        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY:
            self.last = now
            self.send(position=position)

    def send(self, position: int | None = None, done: bool = False) -> None:
        feed = self.feed
        size = feed.size or 1
        percent = 100 if done else min(99, int(100 * (position or 0) / size))
        socketio.emit("feed.progress", {
            "feed_id": feed.id, "status": feed.status, "percent": percent, "rows": feed.rows,
            "scanned": feed.scanned, "hits": feed.hits, "bad_rows": feed.bad_count,
            "done": done}, to=self.room)
