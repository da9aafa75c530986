"""Acknowledged jobs on Redis: a worker that dies mid-job loses no job.

Huey's Redis storage pops a job off the queue; if the worker is killed while running it,
the job is gone. Here, taking a job moves it, in one Redis step (BLMOVE), from the queue to
the taking process's in-flight list, and it leaves that list only when the job has run:
done, failed for good, or put back by the queue for a retry. Each worker process keeps a
heartbeat key alive while it runs; every heartbeat also looks for in-flight lists whose
owner's heartbeat has expired and moves their jobs back to the head of the queue. So a
killed worker's job runs again on another worker within about three heartbeats.

That makes delivery at-least-once: a job killed after its effect but before it finished
runs again. Every job is idempotent for that reason (see queue.py); mail may, rarely, be
sent twice, which beats never.
"""

import logging
import os
import socket
import threading

from huey.storage import RedisExpireStorage

log = logging.getLogger(__name__)


class AcknowledgedRedisStorage(RedisExpireStorage):
    """Huey's Redis storage with an in-flight list per process and requeueing of the dead's."""

    on_requeued = None  # set by the queue: marks the jobs' rows "worker lost; queued again"

    def __init__(self, name: str, *, heartbeat: float = 10.0, **kwargs):
        super().__init__(name, **kwargs)
        self.heartbeat = heartbeat
        self.owners_key = f"{self.queue_key}.owners"
        self._owner: str | None = None
        self._beating = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- who holds what --------------------------------------------------------------------

    @property
    def owner(self) -> str:
        """This process (a forked child is another owner)."""
        me = f"{socket.gethostname()}:{os.getpid()}"
        if self._owner != me:
            self._owner = me
            self._thread = None
        return me

    def inflight_key(self, owner: str) -> str:
        return f"{self.queue_key}.inflight.{owner}"

    def alive_key(self, owner: str) -> str:
        return f"{self.queue_key}.alive.{owner}"

    # --- taking and acknowledging ----------------------------------------------------------

    def dequeue(self):
        owner = self.owner
        self._ensure_heartbeat()
        try:
            return self.conn.blmove(self.queue_key, self.inflight_key(owner),
                                    self.read_timeout, "RIGHT", "LEFT")
        except TimeoutError:
            return None

    def acknowledge(self, data: bytes) -> None:
        """The job taken as `data` has run (or was handed back for a retry): forget it."""
        self.conn.lrem(self.inflight_key(self.owner), 1, data)

    def inflight(self, owner: str | None = None) -> list[bytes]:
        return self.conn.lrange(self.inflight_key(owner or self.owner), 0, -1)

    def flush_queue(self):
        super().flush_queue()
        for owner in self.conn.smembers(self.owners_key):
            self.conn.delete(self.inflight_key(owner.decode()))
        self.conn.delete(self.owners_key)

    # --- heartbeat and requeueing the dead's jobs -------------------------------------------

    def beat(self) -> None:
        owner = self.owner
        pipe = self.conn.pipeline()
        pipe.set(self.alive_key(owner), b"1", px=int(self.heartbeat * 3000))
        pipe.sadd(self.owners_key, owner)
        pipe.execute()

    def requeue_lost(self) -> list[bytes]:
        """Move the jobs of every process whose heartbeat stopped back to the queue's head;
        return them. Safe to run anywhere, any number of times at once: each job moves once."""
        moved: list[bytes] = []
        for raw in self.conn.smembers(self.owners_key):
            owner = raw.decode()
            if self.conn.exists(self.alive_key(owner)):
                continue
            while (data := self.conn.lmove(self.inflight_key(owner), self.queue_key,
                                           "RIGHT", "RIGHT")) is not None:
                moved.append(data)
            if not self.conn.exists(self.alive_key(owner)):
                self.conn.srem(self.owners_key, owner)
        return moved

    def _ensure_heartbeat(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._beating:
            if self._thread is not None and self._thread.is_alive():
                return
            self.beat()
            self._thread = threading.Thread(target=self._run_heartbeat, daemon=True,
                                            name="jobs-heartbeat")
            self._thread.start()

    def _run_heartbeat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                self.beat()
                moved = self.requeue_lost()
                if moved and self.on_requeued is not None:
                    self.on_requeued(moved)
            except Exception:  # Redis away for a moment: the next beat tries again
                log.warning("job heartbeat failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
