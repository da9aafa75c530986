"""The task queue: Huey on Redis for a cluster, or inside the web process without Redis.

Every package declares its jobs here with `@job(...)` (run when enqueued) and
`@periodic(name, crontab)` (run by the queue's own scheduler). A job body always runs
in an application context of the app that configured the queue, with a session of its
own, and must be idempotent: the queue retries a failed job, and a job whose worker died
is started again.

Modes (`JOBS_MODE`, or chosen from the settings when empty):
- `redis`: jobs go to Redis; `flask --app wsgi worker` processes run them, on any machine.
- `thread`: no Redis; the web process keeps the queue in memory and runs it in threads
  (started with the first request or enqueued job), so `make run` needs one command.
- `immediate`: a job runs as soon as it is enqueued, in the caller's thread (the tests).
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, has_request_context
from huey import Huey, crontab
from huey.consumer import Scheduler, Worker
from huey.exceptions import CancelExecution
from huey.storage import MemoryStorage, RedisExpireStorage

from .reliable import AcknowledgedRedisStorage

log = logging.getLogger(__name__)

MODES = ("redis", "thread", "immediate")


class PortalQueue(Huey):
    """One Huey whose storage and mode follow the app that configured it."""

    storage_class = MemoryStorage

    def __init__(self):
        super().__init__("alliance-portal", results=False, utc=True, immediate=True)
        self.app: Flask | None = None
        self.mode = "immediate"
        self.schedules: dict[str, tuple[str, crontab]] = {}
        self.overrides: dict[str, tuple[str, crontab]] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._taken: dict[int, bytes] = {}  # id(task) -> the bytes it was taken off Redis as
        self.requeue_hooks: list[Callable[[str], None]] = []  # told the id of a requeued job

    def configure(self, app: Flask) -> None:
        """Bind the queue to `app` and its settings (the last app created wins)."""
        self.stop_threads()
        self.app = app
        mode = app.config.get("JOBS_MODE") or ""
        if not mode:
            if app.testing:
                mode = "immediate"
            elif app.config.get("REDIS_URL"):
                mode = "redis"
            else:
                mode = "thread"
        if mode not in MODES:
            raise RuntimeError(f"JOBS_MODE={mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode
        self.overrides = read_schedules(app.config.get("JOBS_SCHEDULES") or "")
        if mode == "immediate":
            self.immediate = True
            return
        self.immediate = False
        if mode == "redis":
            url = app.config.get("JOBS_REDIS_URL") or app.config.get("REDIS_URL")
            if not url:
                raise RuntimeError("JOBS_MODE=redis needs REDIS_URL")
            self.storage = AcknowledgedRedisStorage(
                f"{app.config['REDIS_NAMESPACE']}.jobs", url=url, expire_time=7 * 24 * 3600,
                heartbeat=float(app.config.get("JOBS_HEARTBEAT_SECONDS") or 10))
            self.storage.on_requeued = self._requeued
        else:
            self.storage = MemoryStorage(self.name)

    def enqueue(self, task):
        """In thread mode, a job enqueued outside a request and outside the queue's own threads
        (a `flask` command) runs at once: nobody would be left to run it when the command ends."""
        if self.mode == "thread" and not self._inside_threads():
            if has_request_context():
                self.ensure_threads()
            else:
                self._emit("enqueued", task)
                return self.execute(task)
        return super().enqueue(task)

    # --- acknowledged jobs (redis mode): see reliable.py ------------------------------------

    def dequeue(self):
        data = self.storage.dequeue()
        if data is None:
            return None
        try:
            task = self.deserialize_task(data)
        except Exception:
            self._acknowledge(data)  # unreadable: never hand it to anyone again
            raise
        if isinstance(self.storage, AcknowledgedRedisStorage):
            self._taken[id(task)] = data
        return task

    def execute(self, task, timestamp=None):
        try:
            return super().execute(task, timestamp)
        finally:
            data = self._taken.pop(id(task), None)
            if data is not None:
                self._acknowledge(data)

    def _acknowledge(self, data: bytes) -> None:
        if isinstance(self.storage, AcknowledgedRedisStorage):
            self.storage.acknowledge(data)

    def _requeued(self, moved: list[bytes]) -> None:
        for data in moved:
            try:
                task = self.deserialize_task(data)
            except Exception:
                continue
            log.warning("job %s %s: its worker died; queued again", task.name, task.id)
            for hook in self.requeue_hooks:
                hook(task.id)

    def _inside_threads(self) -> bool:
        return threading.current_thread() in self._threads

    # --- running in the web process (thread mode) ----------------------------------------

    def ensure_threads(self) -> None:
        """Start the in-process worker threads and scheduler once (thread mode only)."""
        if self.mode != "thread" or self._threads:
            return
        with self._start_lock:
            if self._threads:
                return
            self._stop = threading.Event()
            count = max(1, int(self.app.config.get("JOBS_THREADS", 2)))
            loops = [Worker(self, self._stop, 0.1, 2.0, 1.15) for _ in range(count)]
            loops.append(Scheduler(self, self._stop, 1, True))
            for number, loop in enumerate(loops):
                thread = threading.Thread(target=self._run_loop, args=(loop,), daemon=True,
                                          name=f"jobs-{number}")
                thread.start()
                self._threads.append(thread)

    def _run_loop(self, loop) -> None:
        loop.initialize()
        while not self._stop.is_set():
            try:
                loop.loop()
            except Exception:  # one bad task must not end the loop
                log.exception("job loop failed; going on")
                time.sleep(1)

    def stop_threads(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def schedule_for(self, name: str) -> tuple[str, crontab]:
        """(spec, crontab) of periodic job `name`: JOBS_SCHEDULES' if it names one, else its own."""
        return self.overrides.get(name) or self.schedules[name]

    # --- once per period across every worker ---------------------------------------------

    def claim_period(self, name: str, when: datetime) -> bool:
        """True for the first scheduler to claim this minute of periodic job `name`.

        Every worker runs a scheduler, so each would enqueue a periodic job; the first
        claim of the minute wins and the others skip it.
        """
        key = f"periodic:{name}:{when.astimezone(UTC):%Y%m%d%H%M}"
        if isinstance(self.storage, RedisExpireStorage):
            return bool(self.storage.put_if_empty(key, b"1", ttl=3 * 24 * 3600))
        return bool(self.storage.put_if_empty(key, b"1"))


queue = PortalQueue()


def in_app(func: Callable) -> Callable:
    """Run `func` inside an application context of the configured app, with a fresh session."""

    def run(*args, **kwargs):
        from portal.extensions import db

        with queue.app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    run.__name__ = func.__name__
    run.__qualname__ = func.__qualname__
    run.__doc__ = func.__doc__
    return run


def job(name: str, *, retries: int = 3, retry_delay: int = 10, timeout: int | None = None,
        context: bool = False):
    """Declare a job: calling the returned function enqueues it (`.call_local` runs it now).

    With `context=True` the job is given `task=` (the queue's task, whose `id` names this
    run); `.call_local` gives none."""

    def decorator(func: Callable):
        return queue.task(name=name, retries=retries, retry_delay=retry_delay,
                          timeout=timeout, context=context)(in_app(func))

    return decorator


def periodic(name: str, spec: str, *, retries: int = 2, retry_delay: int = 60):
    """Declare a job the queue runs on `spec` ("minute hour day month weekday", UTC), once
    per period however many workers run. `JOBS_SCHEDULES` ("name=m h dom mon dow; ...")
    may change the schedule."""

    def decorator(func: Callable):
        queue.schedules[name] = _cron(spec)

        def due(timestamp: datetime) -> bool:
            return queue.schedule_for(name)[1](timestamp)

        body = in_app(func)

        def once(*args, **kwargs):
            # Every worker's scheduler enqueues it; the first to claim the minute runs it and
            # the others cancel their copy (the jobs page does not list a cancelled copy).
            if not queue.claim_period(name, datetime.now(UTC)):
                log.info("periodic job %s already claimed for this minute", name)
                raise CancelExecution(retry=False)
            return body(*args, **kwargs)

        once.__name__ = func.__name__
        once.__doc__ = func.__doc__
        task = queue.periodic_task(due, name=name, retries=retries, retry_delay=retry_delay)(once)
        task.run_now = body
        return task

    return decorator


def _cron(spec: str) -> tuple[str, crontab]:
    fields = spec.split()
    if len(fields) != 5:
        raise RuntimeError(f"a schedule has five fields (minute hour day month weekday): {spec!r}")
    minute, hour, day, month, day_of_week = fields
    return " ".join(fields), crontab(minute=minute, hour=hour, day=day, month=month,
                                     day_of_week=day_of_week)


def read_schedules(text: str) -> dict[str, tuple[str, crontab]]:
    """Schedules from `name=m h dom mon dow; ...` (JOBS_SCHEDULES)."""
    found = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, _, spec = part.partition("=")
        if not name.strip():
            raise RuntimeError(f"JOBS_SCHEDULES: cannot read {part.strip()!r}")
        found[name.strip()] = _cron(spec)
    return found
