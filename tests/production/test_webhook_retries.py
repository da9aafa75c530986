"""Webhook retries as production runs them: a real `flask worker` on Redis, the delivery's
next attempts planned on Redis's schedule with exponential backoff, and the plan outliving
the worker. The receiver answers 500, then 503, then 200; the worker that saw the first
failure is killed, and a new one makes the later attempts on time. The minute sweep is off
(`--no-periodic`), so only the schedule can have sent them."""

import json
import os
import signal
import sqlite3
import time

import pytest
import redis

from tests.production.workers import install, wait_for
from tests.support.live import redis_namespace
from tests.support.receiver import start_receiver

pytestmark = pytest.mark.live

BASE = 1.5  # seconds before the second attempt; the third waits twice as long


def test_retries_follow_the_backoff_on_redis_and_survive_the_worker(tmp_path, redis_url):
    receiver = start_receiver()
    receiver.script = [500, 503, 200]
    namespace = redis_namespace()
    portal = install(tmp_path, redis_url, namespace, WEBHOOK_RETRY_BASE_SECONDS=str(BASE),
                     WEBHOOK_ATTEMPTS="4")
    flask, database = portal.flask, portal.database

    def worker(name):
        return portal.worker(name, threads=2)

    def delivery():
        with sqlite3.connect(database) as conn:
            return conn.execute("select status, attempts, response_code, next_attempt_at "
                                "from webhook_deliveries where type = 'ping'").fetchone()

    flask("db", "upgrade")
    flask("seed-demo")
    first = worker("worker-a")
    second = None
    store = redis.Redis.from_url(redis_url)
    try:
        printed = flask("webhook-create", "member@maison.example", receiver.url + "/hook",
                        "--events", "tip.accepted", "--allow-private")
        secret = printed.split("secret ", 1)[1].strip()
        wait_for("the first attempt", lambda: receiver.received,
              60)
        wait_for("the first failure to be recorded", lambda: (delivery() or ("",))[0] == "retrying")
        assert delivery()[:3] == ("retrying", 1, 500)
        # The next attempt waits on Redis's schedule, not in the worker that planned it.
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        second = worker("worker-b")

        wait_for("three attempts", lambda: len(receiver.received) >= 3, 60)
        wait_for("the delivery to be recorded", lambda: delivery()[0] == "delivered", 10)
        time.sleep(BASE)  # a fourth attempt, if one were planned, would come by now
        arrivals = [r.at for r in receiver.received]
        assert len(arrivals) == 3, (tmp_path / "worker-b.log").read_text()
        gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
        # The second attempt waits at least the base; it may come later, since the worker
        # that makes it has to start first. The third waits at least twice the base.
        assert gaps[0] >= BASE * 0.95, gaps
        assert gaps[1] >= 2 * BASE * 0.95, gaps
        assert gaps[1] < 2 * BASE + 10, gaps  # on time, not left for a sweep
        assert all(r.signed_with(secret) for r in receiver.received)
        ids = {json.loads(r.body)["id"] for r in receiver.received}
        assert len(ids) == 1  # the same event each time, so a receiver can drop repeats
        assert delivery()[:3] == ("delivered", 3, 200)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        receiver.server.shutdown()
        receiver.server.server_close()
        for key in store.scan_iter(f"*{namespace.replace('-', '')}*"):
            store.delete(key)
