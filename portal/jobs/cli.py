"""flask worker: a process that runs queued and scheduled jobs (as many as you like)."""

import logging

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    """Add `flask worker` and `flask jobs` to `flask`."""

    @app.cli.command("worker")
    @click.option("--threads", type=int, default=None,
                  help="Jobs run side by side in this process (default JOBS_WORKER_THREADS).")
    @click.option("--no-periodic", is_flag=True,
                  help="Do not enqueue periodic jobs from this worker (others still do).")
    def worker(threads: int | None, no_periodic: bool) -> None:
        """Run jobs from REDIS_URL's queue until stopped (SIGINT/SIGTERM end it gracefully)."""
        from .queue import queue

        if queue.mode != "redis":
            raise click.ClickException("flask worker needs REDIS_URL (or JOBS_MODE=redis); "
                                       "without it the web process runs the jobs itself.")
        for name in queue.overrides:
            if name not in queue.schedules:
                raise click.ClickException(f"JOBS_SCHEDULES names no periodic job {name!r}")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        count = threads or current_app.config["JOBS_WORKER_THREADS"]
        click.echo(f"worker: {count} thread(s); periodic jobs: "
                   + ", ".join(f"{n} ({queue.schedule_for(n)[0]})" for n in sorted(queue.schedules)))
        consumer = queue.create_consumer(workers=count, worker_type="thread",
                                         periodic=not no_periodic, graceful_signal="TERM",
                                         shutdown_timeout=30, check_worker_health=True)
        consumer.run()

    @app.cli.command("jobs")
    def jobs() -> None:
        """List the periodic jobs and their schedules."""
        from .queue import queue

        for name in sorted(queue.schedules):
            click.echo(f"{name}: {queue.schedule_for(name)[0]}")
