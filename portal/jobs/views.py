"""The jobs page: what the queue is doing, for platform staff."""

from flask import render_template, request
from sqlalchemy import func, select

from portal.authz import access
from portal.extensions import db

from . import bp
from .labels import is_labelled, job_label
from .models import STATUSES, JobRun
from .queue import queue


@bp.get("/")
@access("staff")
def index():
    """Jobs by status (queued, running, retrying, done, failed), newest first, with the feeds
    in progress and the periodic schedule."""
    status = request.args.get("status")
    query = select(JobRun).order_by(JobRun.id.desc()).limit(200)
    if status in STATUSES:
        query = query.where(JobRun.status == status)
    runs = db.session.scalars(query).all()
    counts = dict(db.session.execute(select(JobRun.status, func.count()).group_by(JobRun.status)).all())
    retried = db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.retries > 0))
    schedules = [(name, queue.schedule_for(name)[0]) for name in sorted(queue.schedules)]
    return render_template("jobs/index.html", runs=runs, counts=counts, retried=retried,
                           statuses=STATUSES, status=status, schedules=schedules,
                           mode=queue.mode, panels=_panels(), job_label=job_label,
                           job_labelled=is_labelled)


def _panels() -> list:
    """Progress rows that packages add to the page (e.g. feeds being scanned)."""
    rows = []
    for source in _progress_sources:
        rows.extend(source())
    return rows


_progress_sources: list = []


def progress_source(fn):
    """Register `fn() -> [{name, url, status, done, total}]` for the jobs page."""
    _progress_sources.append(fn)
    return fn
