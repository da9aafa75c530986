"""Keep a JobRun row per job from the queue's signals, on a connection of its own."""

import logging
import os
import socket
import traceback

from huey import signals as S
from sqlalchemy import delete, insert, update

from portal.extensions import db
from portal.models import utcnow

from .models import JobRun
from .queue import queue

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"[:120]


def _summary(task) -> str:
    parts = [str(a) for a in (task.args or ())]
    parts += [f"{k}={v}" for k, v in sorted((task.kwargs or {}).items())]
    return ", ".join(parts)[:200]


def _write(task, values: dict, *, insert_missing: bool = True, unless: tuple = ()) -> None:
    """Update the job's row (insert it when absent); never fail the job over bookkeeping."""
    if queue.app is None:
        return
    try:
        with queue.app.app_context(), db.engine.begin() as conn:
            query = update(JobRun).where(JobRun.task_id == task.id)
            if unless:
                query = query.where(JobRun.status.not_in(unless))
            changed = conn.execute(query.values(**values)).rowcount
            if not changed and insert_missing:
                exists = conn.execute(JobRun.__table__.select().where(
                    JobRun.task_id == task.id)).first()
                if exists is None:
                    # Counters given as "+ 1" start at 1 on a row seen for the first time.
                    plain = {k: (1 if k in ("attempts", "retries") else v)
                             for k, v in values.items()}
                    conn.execute(insert(JobRun).values(
                        task_id=task.id, name=task.name[:80], summary=_summary(task),
                        queued_at=utcnow(), **{"status": "queued", **plain}))
    except Exception:  # e.g. the table is not there yet during `db upgrade`
        log.warning("could not record job %s %s", task.name, task.id, exc_info=True)


@queue.signal(S.SIGNAL_ENQUEUED)
def _enqueued(signal, task, *args, **kwargs):
    # A retried job is enqueued again: it keeps its "retrying" status until it runs.
    _write(task, {"status": "queued"}, unless=("retrying", "running", "done", "failed"))


@queue.signal(S.SIGNAL_EXECUTING)
def _executing(signal, task, *args, **kwargs):
    _write(task, {"status": "running", "started_at": utcnow(), "worker": WORKER,
                  "attempts": JobRun.attempts + 1})


@queue.signal(S.SIGNAL_COMPLETE)
def _complete(signal, task, *args, **kwargs):
    _write(task, {"status": "done", "finished_at": utcnow(), "error": ""})


@queue.signal(S.SIGNAL_ERROR)
def _error(signal, task, exc=None, *args, **kwargs):
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip() if exc else ""
    values = {"error": message[:500], "finished_at": utcnow()}
    if not task.retries:
        values["status"] = "failed"
    _write(task, values)


@queue.signal(S.SIGNAL_RETRYING)
def _retrying(signal, task, *args, **kwargs):
    _write(task, {"status": "retrying", "retries": JobRun.retries + 1, "finished_at": None})


@queue.signal(S.SIGNAL_CANCELED)
def _cancelled(signal, task, *args, **kwargs):
    # A periodic job another worker already ran this minute: nothing happened, forget it.
    if queue.app is None:
        return
    try:
        with queue.app.app_context(), db.engine.begin() as conn:
            conn.execute(delete(JobRun).where(JobRun.task_id == task.id))
    except Exception:
        log.warning("could not forget job %s", task.id, exc_info=True)


@queue.signal(S.SIGNAL_INTERRUPTED, S.SIGNAL_TIMEOUT, S.SIGNAL_EXPIRED, S.SIGNAL_REVOKED)
def _stopped(signal, task, *args, **kwargs):
    _write(task, {"status": "failed", "error": signal, "finished_at": utcnow()})


def mark_lost(task_id: str | None, message: str) -> None:
    """A job whose worker died: shown as failed (a new job takes its work over)."""
    if not task_id:
        return
    db.session.execute(update(JobRun).where(JobRun.task_id == task_id,
                                            JobRun.status.in_(("queued", "running")))
                       .values(status="failed", error=message[:500], finished_at=utcnow()))


def mark_requeued(task_id: str) -> None:
    """A job whose worker died before it finished, put back on the queue to run again."""
    if queue.app is None:
        return
    try:
        with queue.app.app_context(), db.engine.begin() as conn:
            conn.execute(update(JobRun).where(JobRun.task_id == task_id,
                                              JobRun.status.in_(("queued", "running")))
                         .values(status="queued", error="worker lost; queued again"))
    except Exception:
        log.warning("could not record the requeue of job %s", task_id, exc_info=True)


queue.requeue_hooks.append(mark_requeued)
