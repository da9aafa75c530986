"""The portal as it runs in production: two gunicorn web processes (the deploy folder's
command) behind nginx (the deploy folder's configuration), PostgreSQL, Redis and two job
workers. A worker is killed in the middle of a feed: the feed completes and every hit is
stored once; a periodic job runs with no cron; a browser signs in through the proxy."""

import json
import os
import socket
import time

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.production.cluster import start_cluster, wait_for

pytestmark = [pytest.mark.cluster, pytest.mark.live]

ROWS = 24_000
BAD_LINES = (7, 12_345, ROWS + 2)


def _feed() -> bytes:
    lines = []
    for n in range(1, ROWS + 3):
        if n in BAD_LINES:
            lines.append("{not json")
            continue
        brand = "GUCCI 高仿" if n % 2 else "plain"
        lines.append(json.dumps({"id": f"L{n}", "title": f"{brand} bag {n}", "price": 1000 + n,
                                 "seller_id": f"s{n % 97}", "region": "广东"}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def _expected_hits() -> int:
    return sum(1 for n in range(1, ROWS + 3) if n % 2 and n not in BAD_LINES)


@pytest.fixture
def cluster(tmp_path, redis_url):
    namespace = f"portal-cluster-{os.getpid()}"
    settings = {"QUEQIAO_FEED_CHUNK_ROWS": "1500", "QUEQIAO_FEED_LEASE_SECONDS": "3",
                "JOBS_SCHEDULES": "remind-test-purchases=* * * * *", "JOBS_WORKER_THREADS": "2"}
    running = start_cluster(tmp_path, redis_url, namespace, worker_env=settings)
    running.env.update(settings)
    try:
        yield running
    finally:
        running.stop()
        import redis

        server = redis.Redis.from_url(redis_url)
        for pattern in (namespace, namespace.replace("-", "")):  # the queue's keys drop dashes
            for key in server.scan_iter(f"*{pattern}*"):
                server.delete(key)


def test_the_readme_gives_the_web_units_command():
    from tests.production.cluster import ROOT, web_command

    command = " ".join(web_command(8001)[1:])
    readme = (ROOT / "README.md").read_text()
    assert ("gunicorn --worker-class gevent --workers 1 --worker-connections 2000 "
            "--bind 127.0.0.1:8001 wsgi:app") in readme
    assert command.startswith("--worker-class gevent --workers 1 --worker-connections 2000 "
                              "--bind 127.0.0.1:8001")


def test_the_cluster_survives_a_dead_worker_and_runs_its_schedule(cluster, browser):
    started = time.monotonic()
    cluster.run("create-org", "Platform Ops", "--kind", "platform")
    cluster.run("create-user", "ops@platform.example", "--org", "Platform Ops", "--role", "staff",
                "--password", "cluster-pass-1")
    api = requests.Session()
    token = api.post(cluster.url + "/api/v1/auth/tokens", json={
        "email": "ops@platform.example", "password": "cluster-pass-1"}).json()["token"]
    api.headers["Authorization"] = f"Bearer {token}"
    rule = api.post(cluster.url + "/api/v1/rules", json={
        "name": "Gucci copies", "conditions": {"all": ["gucci"], "any": ["高仿"]}}).json()
    activated = api.post(cluster.url + f"/api/v1/rules/{rule['id']}/status", json={
        "status": "active", "override": True, "reason": "cluster test"})
    assert activated.status_code == 200, activated.text

    upload = api.post(cluster.url + "/api/v1/feeds",
                      files={"file": ("big.jsonl", _feed(), "application/x-ndjson")})
    assert upload.status_code == 202, upload.text
    feed_id = upload.json()["id"]

    # Kill worker 0 (SIGKILL) while it holds a chunk of the feed.
    engine = create_engine(cluster.env["DATABASE_URL"])
    victim = cluster.processes["worker0"].pid
    held = f"{socket.gethostname()}:{victim}"

    def chunk_of_victim():
        with engine.connect() as conn:
            return conn.execute(text(
                "select c.number from feed_chunks c join job_runs j on j.task_id = c.task_id "
                "where c.feed_id = :f and c.status = 'running' and j.worker = :w"),
                {"f": feed_id, "w": held}).scalar()

    number = wait_for("worker 0 to take a chunk", lambda: chunk_of_victim() is not None
                      and chunk_of_victim(), 40, every=0.02)
    cluster.kill("worker0")

    def state():
        return api.get(cluster.url + f"/api/v1/feeds/{feed_id}").json()

    try:
        final = wait_for("the feed to finish",
                         lambda: (s := state())["status"] in ("done", "failed") and s, 90, every=0.5)
    except AssertionError:
        with engine.connect() as conn:
            chunks = conn.execute(text("select number, status, attempts, task_id, claimed_at, "
                                       "error from feed_chunks where feed_id = :f order by number"),
                                  {"f": feed_id}).all()
        raise AssertionError(f"{state()}\n{chunks}\n{cluster.log('worker1')[-3000:]}") from None
    assert final["status"] == "done", final
    assert final["processed"] == final["total"] == ROWS + 2
    assert final["hits"] == _expected_hits()
    assert sorted(e["line"] for e in final["errors"]) == sorted(BAD_LINES)
    with engine.connect() as conn:
        stored = conn.execute(text("select count(*), count(distinct listing_id) from hits "
                                   "where rule_id = :r"), {"r": rule["id"]}).one()
        attempts = conn.execute(text("select attempts from feed_chunks where feed_id = :f "
                                     "and number = :n"), {"f": feed_id, "n": number}).scalar()
        lost = conn.execute(text("select status, error from job_runs where worker = :w and "
                                 "name = 'feed-chunk' and status <> 'done'"), {"w": held}).all()
    assert stored == (_expected_hits(), _expected_hits())  # every hit, each once
    # The dead worker's chunk was run again by the other worker, unless the worker had
    # committed it in the instant before the kill (then nothing was lost to rerun).
    if lost:
        assert attempts >= 2
        assert ("failed", "worker lost; the chunk was queued again") in lost  # shown on /jobs

    # A periodic job ran on the queue's schedule, with no cron anywhere.
    with engine.connect() as conn:
        runs = wait_for("the periodic job", lambda: conn.execute(text(
            "select status, queued_at from job_runs where name = 'remind-test-purchases' "
            "and status = 'done'")).all(), 30, every=0.5)
    minutes = [at.replace(second=0, microsecond=0) for _status, at in runs]
    assert len(minutes) == len(set(minutes))  # once a minute however many workers

    # Socket.IO through the proxy upgrades to a WebSocket.
    import socketio

    client = socketio.Client(reconnection=False)
    client.connect(cluster.url, transports=["websocket"], auth={"token": token}, wait_timeout=10)
    assert client.transport() == "websocket"
    client.disconnect()

    # A person signs in through the proxy and sees the jobs page.
    context = browser.new_context(base_url=cluster.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/login")
        page.fill("input[name=email]", "ops@platform.example")
        page.fill("input[name=password]", "cluster-pass-1")
        page.click("#login-form [type=submit]")
        page.wait_for_url("**/home")
        page.click("a[href='/jobs/']")
        page.wait_for_url("**/jobs/")
        assert page.locator("tr[data-job='feed-chunk']").count() >= 1
        assert page.locator("tr[data-job='remind-test-purchases'][data-status='done']").count() >= 1
    finally:
        context.close()
    engine.dispose()
    print(f"cluster test body: {time.monotonic() - started:.0f} s")


def test_clients_of_a_dead_web_process_reconnect_to_the_other_and_miss_no_message(cluster, browser):
    """The web process holding a browser's live room is killed: the browser reconnects through
    the proxy to the other process and, fetching what it missed as it joins again, shows
    every message said while it was away, in order."""
    slug = "luxury-goods"
    cluster.run("create-org", "Maison Test", "--kind", "member", "--groups", slug)
    for email, name in (("anna@maison.example", "Anna"), ("bo@maison.example", "Bo")):
        cluster.run("create-user", email, "--org", "Maison Test", "--role", "member",
                    "--password", "cluster-pass-1", "--name", name)

    context = browser.new_context(base_url=cluster.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    import socketio

    bo = socketio.Client(reconnection=False)
    heard = []
    bo.on("chat.message", lambda msg: heard.append(msg["text"]))
    try:
        page.goto("/login")
        page.fill("input[name=email]", "anna@maison.example")
        page.fill("input[name=password]", "cluster-pass-1")
        page.click("#login-form [type=submit]")
        page.wait_for_url("**/home")
        page.goto(f"/groups/{slug}/room")
        page.wait_for_selector("#room[data-joined=yes]")

        # nginx chose one web process for this browser (sticky by address); Bo talks straight
        # to the other one, so his connection survives the kill.
        chosen = [line.split()[-1] for line in cluster.proxy_log.read_text().splitlines()
                  if line.startswith("/socket.io")][-1]
        victim_port = int(chosen.rsplit(":", 1)[1])
        victim = f"web{cluster.web_ports.index(victim_port)}"
        survivor = next(p for p in cluster.web_ports if p != victim_port)
        direct = f"http://127.0.0.1:{survivor}"
        token = requests.post(direct + "/api/v1/auth/tokens", json={
            "email": "bo@maison.example", "password": "cluster-pass-1"}).json()["token"]
        bo.connect(direct, transports=["websocket"], auth={"token": token}, wait_timeout=10)
        assert bo.call("join_group", {"slug": slug}, timeout=10)["ok"] is True

        def say(text):
            ack = bo.call("chat", {"slug": slug, "text": text}, timeout=10)
            assert ack["ok"] is True, ack
            time.sleep(0.25)  # below the room's rate limit

        say("before the crash")  # crosses processes through Redis
        page.wait_for_selector(".chat-line:has-text('before the crash')")

        cluster.kill(victim)
        wait_for("the browser to lose its connection",
                 lambda: page.evaluate("() => window.portalSocket.connected") is False, 15)
        away = [f"while you were away {n}" for n in range(4)]
        for text in away:
            say(text)

        # Reconnected through the proxy to the survivor, and the room shows what it missed.
        page.wait_for_selector(f".chat-line:has-text('{away[-1]}')", timeout=40_000)
        shown = page.locator("#room-log .chat-text").all_text_contents()
        assert shown[-5:] == ["before the crash", *away]
        assert len(shown) == len(set(page.locator("#room-log .chat-line").evaluate_all(
            "lines => lines.map(l => l.dataset.id)")))  # each message once

        # And the reconnected browser talks to the survivor's room again.
        page.fill("#chat-text", "back again")
        page.click("#chat-send")
        wait_for("Bo to hear Anna after her reconnect", lambda: "back again" in heard, 15)
        assert cluster.processes[victim].poll() is not None
    finally:
        if bo.connected:
            bo.disconnect()
        context.close()
