"""What the job queue has done: one row per job, for the staff's jobs page."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models import UTCDateTime, utcnow

STATUSES = ("queued", "running", "retrying", "done", "failed")


class JobRun(db.Model):
    """One job: queued, running, retrying (after a failure), done or failed."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_status", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    summary: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    retries: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    worker: Mapped[str] = mapped_column(String(120), default="")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
