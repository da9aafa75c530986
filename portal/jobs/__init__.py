"""Background jobs on a task queue (Huey on Redis; in the web process without Redis).

`portal.jobs.job` and `portal.jobs.periodic` declare jobs; `flask --app wsgi worker` runs
them; staff watch them on /jobs. See docs/jobs.md.
"""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from .queue import job, periodic, queue

__all__ = ["bp", "job", "periodic", "queue", "register", "SETTINGS"]

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

SETTINGS = {
    # redis | thread | immediate; empty: immediate when testing, redis with REDIS_URL,
    # otherwise threads in the web process.
    "JOBS_MODE": "",
    "JOBS_THREADS": 2,  # worker threads in the web process (thread mode)
    "JOBS_WORKER_THREADS": 4,  # threads of one `flask worker` process
    # Changed schedules: "send-digests=0 6 * * *; remind-test-purchases=*/10 * * * *".
    "JOBS_SCHEDULES": "",
    "JOBS_KEEP_DAYS": 14,  # finished jobs shown on the jobs page for this long
    # A worker proves it is alive this often; a job of one silent for three beats runs again.
    "JOBS_HEARTBEAT_SECONDS": 10.0,
}


def register(app: Flask) -> None:
    """Bind the queue to the app, add the jobs page, the worker command and the nav item."""
    from portal.config import load_settings
    from portal.ui import nav_item

    from . import cli, housekeeping, tracking, views  # noqa: F401  (signals, jobs, routes)

    load_settings(app.config, SETTINGS)
    queue.configure(app)
    app.register_blueprint(bp)
    cli.register(app)
    nav_item("jobs.index", _l("Jobs"), "staff", "gear", "/jobs")

    @app.before_request
    def _start_job_threads():
        queue.ensure_threads()
