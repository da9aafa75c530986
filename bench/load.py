"""The portal under a crowd: Locust (headless) plays 200 people against the production
cluster (two web processes behind nginx from the deploy folder, two job workers,
PostgreSQL and Redis), then checks that nothing was lost.

Who the people are (by weight):
- members read their home page, group pages, threads and notifications, reply in threads
  (API) and chat in their group's live room;
- chairs read the board's recommendations and vote on each open one, once;
- staff read the rules and tips, scan batches of listings (API), and two of them upload
  a feed of 6,000 lines each for the workers.
Everyone keeps a Socket.IO connection open in a live room for the whole run, and waits
5-15 s between two actions (`--think`), the time it takes to read a page or write a line:
200 people then make some 20 requests a second.

At the end: every reply answered 201 is stored, every chat message acknowledged is stored,
every feed is done with each of its hits stored exactly once. Prints requests, failures,
p50/p95/p99 and requests per second per kind of request.

Needs PostgreSQL (TEST_DATABASE_URL, or --database) and Redis (--redis):

    .venv/bin/python bench/load.py [--users 200] [--minutes 10] [--think 5,15]
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import socketio  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FEED_ROWS = 6_000
SETUP: dict = {}
# What the portal acknowledged: markers of posts and chat messages, (chair, recommendation)
# votes, and the feeds with the hits each should give.
RUN = f"lr{os.getpid()}"
MARKS = itertools.count()
COUNTS: dict = {"posts": [], "messages": [], "votes": set(), "feeds": []}
POOLS: dict = {}


def feed_file(tag: str) -> tuple[bytes, int]:
    lines, expected = [], 0
    for n in range(FEED_ROWS):
        hit = n % 3 == 0
        expected += hit
        title = f"LOADBRAND 高仿 bag {n}" if hit else f"plain bag {n}"
        lines.append(json.dumps({"id": f"{tag}-{n}", "title": title, "price": 500 + n,
                                 "seller_id": f"s{n % 101}", "region": "广东"},
                                ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode(), expected


ADDRESSES = itertools.cycle(range(1, 251))


class FromAddress(HTTPAdapter):
    """Requests from one local address (loopback answers on all of 127.0.0.0/8)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def fire(user, kind: str, name: str, started: float, error: Exception | None = None) -> None:
    user.environment.events.request.fire(
        request_type=kind, name=name, response_time=(time.time() - started) * 1000,
        response_length=0, exception=error, context={})


class Person(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(5, 15)  # --think

    def on_start(self):
        # Each person comes from an address of their own, as people do: the proxy's sticky
        # ip_hash (by the first three octets) then spreads them over the web processes,
        # and the portal's per-address rate limits count each person on their own.
        self.address = f"127.0.{next(ADDRESSES)}.1"
        self.client.mount("http://", FromAddress(self.address))
        account = next(POOLS[self.kind])
        self.email, self.groups = account["email"], account["groups"]
        password = account.get("password", SETUP["password"])
        page = self.client.get("/login", name="/login")
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.client.post("/login", name="/login", allow_redirects=False, data={
            "email": self.email, "password": password,
            "csrf_token": csrf.group(1) if csrf else ""})
        answer = self.client.post("/api/v1/auth/tokens", name="/api/v1/auth/tokens", json={
            "email": self.email, "password": password})
        if answer.status_code != 201:
            raise RuntimeError(f"token: {answer.status_code} {answer.text[:300]}")
        token = answer.json()["token"]
        self.api = {"Authorization": f"Bearer {token}"}
        self.slug = self.groups[0] if self.groups else "luxury-goods"
        host, port = self.host.rsplit("//", 1)[1].split(":")
        started = time.time()
        try:
            line = socket.create_connection((host, int(port)), timeout=30,
                                            source_address=(self.address, 0))
            self.sock = socketio.Client(reconnection=False,
                                        websocket_extra_options={"socket": line})
            self.sock.connect(self.host, transports=["websocket"], auth={"token": token},
                              wait_timeout=30)
            ack = self.sock.call("join_group", {"slug": self.slug}, timeout=30)
            fire(self, "WS", "join_group", started, None if ack.get("ok") else RuntimeError(ack))
        except Exception as e:  # noqa: BLE001  (reported as a failed request)
            fire(self, "WS", "join_group", started, e)

    def on_stop(self):
        if getattr(self, "sock", None) is not None and self.sock.connected:
            self.sock.disconnect()

    def page(self, path: str, name: str | None = None):
        self.client.get(path, name=name or path)


class Member(Person):
    kind = "member"
    weight = 14

    @task(4)
    def home(self):
        self.page("/home")

    @task(3)
    def group(self):
        self.page(f"/groups/{self.slug}", "/groups/[slug]")

    @task(2)
    def thread(self):
        thread = SETUP["threads"].get(self.slug)
        if thread:
            self.page(f"/groups/{self.slug}/threads/{thread}", "/groups/[slug]/threads/[id]")

    @task(1)
    def notifications(self):
        self.page("/notifications")

    @task(1)
    def tips(self):
        self.client.get("/api/v1/tips", headers=self.api, name="/api/v1/tips")

    @task(1)
    def reply(self):
        thread = SETUP["threads"].get(self.slug)
        if not thread:
            return
        marker = f"{RUN}-p{next(MARKS)}"
        with self.client.post(f"/api/v1/threads/{thread}/posts", headers=self.api,
                              json={"body": f"Seen this seller again [{marker}]."},
                              name="/api/v1/threads/[id]/posts",
                              catch_response=True) as r:
            if r.status_code == 201:
                COUNTS["posts"].append(marker)
            else:
                r.failure(f"{r.status_code} {r.text[:200]}")

    @task(1)
    def chat(self):
        started = time.time()
        marker = f"{RUN}-m{next(MARKS)}"
        try:
            ack = self.sock.call("chat", {"slug": self.slug, "text": f"hello [{marker}]"},
                                 timeout=15)
            if ack.get("ok"):
                COUNTS["messages"].append(marker)
                fire(self, "WS", "chat", started)
            elif ack.get("error") == "rate_limited":
                fire(self, "WS", "chat (rate limited)", started)
            else:
                fire(self, "WS", "chat", started, RuntimeError(ack))
        except Exception as e:  # noqa: BLE001
            fire(self, "WS", "chat", started, e)


class Chair(Person):
    kind = "chair"
    weight = 2

    def on_start(self):
        super().on_start()
        self.voted: set[int] = set()

    @task(3)
    def board(self):
        self.page("/recommendations")

    @task(2)
    def recommendation(self):
        rec = random.choice(SETUP["recommendations"])
        self.client.get(f"/api/v1/recommendations/{rec}", headers=self.api,
                        name="/api/v1/recommendations/[id]")

    @task(1)
    def vote(self):
        open_ = [r for r in SETUP["recommendations"] if r not in self.voted]
        if not open_:
            return
        rec = random.choice(open_)
        with self.client.post(f"/api/v1/recommendations/{rec}/votes", headers=self.api,
                              json={"position": random.choice(["support", "object", "abstain"]),
                                    "comment": "Under load."},
                              name="/api/v1/recommendations/[id]/votes",
                              catch_response=True) as r:
            if r.status_code in (200, 201):
                self.voted.add(rec)
                COUNTS["votes"].add((self.email, rec))
            else:
                r.failure(f"{r.status_code} {r.text[:200]}")


class Staff(Person):
    kind = "staff"
    weight = 2
    uploads = itertools.count()

    def on_start(self):
        super().on_start()
        number = next(Staff.uploads)
        if number < 2:  # two feeds for the workers, one from each of the first two analysts
            body, expected = feed_file(f"feed{number}")
            r = self.client.post("/api/v1/feeds", headers=self.api, name="/api/v1/feeds",
                                 files={"file": (f"load{number}.jsonl", body,
                                                 "application/x-ndjson")})
            if r.status_code == 202:
                COUNTS["feeds"].append((r.json()["id"], expected, self.api))

    @task(2)
    def rules(self):
        self.page("/queqiao/rules")

    @task(1)
    def vetting(self):
        self.page("/queqiao/vetting")

    @task(2)
    def scan(self):
        batch = [{"id": f"scan-{random.getrandbits(48)}", "title": f"plain listing {n}",
                  "price": 1000 + n, "seller_id": f"sc{n}", "region": "浙江"} for n in range(50)]
        self.client.post("/api/v1/scans", headers=self.api, json={"listings": batch},
                         name="/api/v1/scans (50 listings)")

    @task(1)
    def feeds(self):
        for feed_id, _expected, api in COUNTS["feeds"]:
            self.client.get(f"/api/v1/feeds/{feed_id}", headers=api, name="/api/v1/feeds/[id]")


def counts(env: dict) -> dict:
    script = ("import json,sys; sys.path.insert(0, '.');"
              "from bench.load_setup import stored;"
              "print(json.dumps(stored(int(sys.argv[1]), sys.argv[2])))")
    out = subprocess.run([sys.executable, "-c", script, str(SETUP["rule"]), RUN], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--think", default="5,15",
                        help="seconds a person waits between two actions, as MIN,MAX")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--database", default=os.environ.get("TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        sys.exit("bench/load.py runs on PostgreSQL: set TEST_DATABASE_URL or pass --database")
    os.environ["TEST_DATABASE_URL"] = args.database
    import requests

    from tests.production.cluster import start_cluster

    tmp = Path(tempfile.mkdtemp())
    namespace = f"portal-load-{os.getpid()}"
    cluster = start_cluster(tmp, args.redis, namespace,
                            worker_env={"QUEQIAO_FEED_CHUNK_ROWS": "1000"})
    try:
        cluster.env["CHAT_RATE_LIMIT"] = "20 per 10 seconds"
        cluster.run("seed-demo")
        members = max(1, args.users * 14 // 18)
        out = subprocess.run([sys.executable, "bench/load_setup.py", str(members), "6"], cwd=ROOT,
                             env=cluster.env, capture_output=True, text=True)
        if out.returncode:
            sys.exit(out.stderr)
        SETUP.update(json.loads(out.stdout.strip().splitlines()[-1]))
        for kind, people in SETUP["people"].items():
            POOLS[kind] = itertools.cycle(people)
        staff = SETUP["people"]["staff"][0]["email"]
        token = requests.post(cluster.url + "/api/v1/auth/tokens", json={
            "email": staff, "password": SETUP["password"]}).json()["token"]
        api = {"Authorization": f"Bearer {token}"}
        rule = requests.post(cluster.url + "/api/v1/rules", headers=api, json={
            "name": "Load brand copies", "conditions": {"all": ["loadbrand"], "any": ["高仿"]}})
        SETUP["rule"] = rule.json()["id"]
        requests.post(cluster.url + f"/api/v1/rules/{SETUP['rule']}/status", headers=api, json={
            "status": "active", "override": True, "reason": "load bench"}).raise_for_status()

        low, high = (float(x) for x in args.think.split(","))
        Person.wait_time = between(low, high)
        env = Environment(user_classes=[Member, Chair, Staff], host=cluster.url)
        runner = env.create_local_runner()
        print(f"{args.users} people, each acting every {low:g}-{high:g} s, for {args.minutes:g} min "
              f"against {cluster.url} (2 web processes, 2 workers, PostgreSQL, Redis) "
              f"on {os.cpu_count()} cores", flush=True)
        runner.start(args.users, spawn_rate=args.spawn_rate)
        gevent.spawn_later(args.minutes * 60, runner.quit)
        runner.greenlet.join()

        # Let the workers finish the feeds, then count what is stored.
        deadline = time.monotonic() + 300
        states = []
        while time.monotonic() < deadline:
            states = [requests.get(cluster.url + f"/api/v1/feeds/{f}", headers=a).json()
                      for f, _e, a in COUNTS["feeds"]]
            if all(s["status"] in ("done", "failed") for s in states):
                break
            time.sleep(2)
        stored = counts(cluster.env)
    finally:
        cluster.stop()

    print(f"\n{'request':<46} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")
    for entry in sorted(env.stats.entries.values(), key=lambda e: (e.method or "", e.name)):
        print(f"{(entry.method or '') + ' ' + entry.name:<46.46} {entry.num_requests:>7} "
              f"{entry.num_failures:>5} {entry.get_response_time_percentile(0.5):>6.0f} "
              f"{entry.get_response_time_percentile(0.95):>6.0f} "
              f"{entry.get_response_time_percentile(0.99):>6.0f} {entry.total_rps:>7.1f}")
    total = env.stats.total
    print(f"{'all':<46} {total.num_requests:>7} {total.num_failures:>5} "
          f"{total.get_response_time_percentile(0.5):>6.0f} "
          f"{total.get_response_time_percentile(0.95):>6.0f} "
          f"{total.get_response_time_percentile(0.99):>6.0f} {total.total_rps:>7.1f}")
    for error in env.stats.errors.values():
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {error.error}"[:300])

    expected_hits = sum(e for _f, e, _a in COUNTS["feeds"])
    print()
    lost = False
    for what, sent, kept in (("replies answered 201", COUNTS["posts"], stored["posts"]),
                             ("chat messages acknowledged", COUNTS["messages"],
                              stored["messages"])):
        missing = len(set(sent) - set(kept))
        twice = len(kept) - len(set(kept))
        ok = not missing and not twice
        lost |= not ok
        print(f"{'ok ' if ok else 'LOST'} {what}: {len(sent)} sent, {len(kept)} stored, "
              f"{missing} missing, {twice} stored twice")
    # A chair voting again replaces their vote: one stored vote per (chair, recommendation).
    checks = [
        ("votes (one per chair and recommendation)", len(COUNTS["votes"]), stored["votes"]),
        ("feeds done", len(COUNTS["feeds"]), sum(s["status"] == "done" for s in states)),
        ("feed hits stored", expected_hits, stored["hits"]),
        ("feed hits stored once", expected_hits, stored["distinct_hits"]),
    ]
    for what, sent, kept in checks:
        ok = sent == kept
        lost |= not ok
        print(f"{'ok ' if ok else 'LOST'} {what}: {sent} sent, {kept} stored")
    sys.exit(1 if lost or total.num_failures else 0)


if __name__ == "__main__":
    main()
