"""The queue's own upkeep: forget old finished jobs, and show jobs whose worker died."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, update

from portal.extensions import db
from portal.models import utcnow

from .models import JobRun
from .queue import periodic

LOST_AFTER = timedelta(hours=6)


@periodic("prune-jobs", "17 3 * * *")
def prune_jobs() -> int:
    """Delete finished jobs older than JOBS_KEEP_DAYS; mark jobs running for hours as lost."""
    now = utcnow()
    keep = now - timedelta(days=current_app.config["JOBS_KEEP_DAYS"])
    removed = db.session.execute(delete(JobRun).where(
        JobRun.status.in_(("done", "failed")), JobRun.queued_at < keep)).rowcount
    db.session.execute(update(JobRun).where(
        JobRun.status == "running", JobRun.started_at < now - LOST_AFTER)
        .values(status="failed", error="worker lost", finished_at=now))
    db.session.commit()
    return removed
