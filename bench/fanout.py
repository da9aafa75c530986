"""Live fan-out across web processes: one chat message to N people in a room, and one
notification to N people, with the clients spread over two web processes that share Redis.

For each real-time mode (gunicorn's gevent worker, the production command's, and its
gthread worker with Socket.IO in threading mode), the bench starts two web processes,
connects N real python-socketio clients (members of one working group, alternating between
the processes, over WebSocket), then

- chat: one member says something in the group's room (through process 0); the time until
  the LAST of the N clients has it is one sample;
- notification: the portal's notification service notifies all N people from outside the
  web processes (as a job worker would), through Redis; again the time to the last delivery.

Prints, per mode and kind, the median and p95 of the last-delivery time, the median of the
first delivery, and deliveries per second. Clients receive in helper processes, so their
reading does not queue behind the sender. Not a test: a figure to watch.

    .venv/bin/python bench/fanout.py [--clients 500] [--rounds 15] [--modes threading,gevent]
"""

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SLUG = "luxury-goods"
RECEIVER_PROCESSES = 4


def prepare(database_url: str, tmp: str, n: int) -> tuple[list[str], list[int]]:
    """n members of one company in the group, each with an API token."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts import services
    from portal.accounts.tokens import issue_token
    from portal.config import TestConfig

    app = create_app(TestConfig(tmp, database_url))
    with app.app_context():
        upgrade()
        from portal.accounts.groups import seed_working_groups

        seed_working_groups()
        org = services.create_organisation(None, "Fanout Brand", "member", "France",
                                           group_slugs=[SLUG])
        tokens, ids = [], []
        for i in range(n):
            user = services.create_user(None, email=f"m{i}@fanout.example", name=f"M{i}",
                                        organisation=org, role="member")
            tokens.append(issue_token(user, "bench")[1])
            ids.append(user.id)
        return tokens, ids


def web_command(mode: str, port: int, clients_per_process: int) -> list[str]:
    """The deploy unit's gunicorn command, with the worker class of the mode."""
    from tests.production.cluster import web_command as unit_command

    words = unit_command(port)  # the unit's: gevent
    if mode == "threading":  # a WebSocket holds a thread for its life: give each one
        start = words.index("--worker-class")
        words[start + 1] = "gthread"
        connections = words.index("--worker-connections")
        words[connections:connections + 2] = ["--threads", str(max(64, clients_per_process + 32))]
    return [w for w in words if w != "--access-logfile" and w != "-"]


def start_webs(mode: str, env: dict, processes: int, clients: int, tmp: Path):
    import requests

    from tests.support.live import free_port

    webs = []
    for number in range(processes):
        port = free_port()
        log = (tmp / f"{mode}-web{number}.log").open("w")
        web = subprocess.Popen(web_command(mode, port, clients // processes + 1), cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
        webs.append((web, f"http://127.0.0.1:{port}"))
    for web, url in webs:
        deadline = time.monotonic() + 40
        while True:
            try:
                if requests.get(url + "/login", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if web.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{mode} web process did not start: see {tmp}")
            time.sleep(0.2)
    return webs


def receiver(urls: list[str], tokens: list[str], offset: int, ready, out, stop) -> None:
    """Connect clients (alternating over the web processes), join the room, report receipts.

    The clients of one helper process share one asyncio loop (python-socketio's AsyncClient):
    hundreds of idle WebSockets cost a loop, not a pair of threads each, so connecting is
    quick and no client misses its pings while the others connect."""
    import asyncio

    asyncio.run(_receive(urls, tokens, offset, ready, out, stop))


async def _receive(urls, tokens, offset, ready, out, stop) -> None:
    import asyncio

    import socketio

    gate = asyncio.Semaphore(25)  # connections opened at once by this process

    async def one(i: int, token: str):
        client = socketio.AsyncClient(reconnection=False)

        @client.on("chat.message")
        async def on_chat(msg):
            out.put(("chat", msg["text"], time.time()))

        @client.on("notification")
        async def on_note(note):
            out.put(("note", note.get("title", ""), time.time()))

        for _attempt in range(3):  # a loaded machine may time a connection out; try again
            try:
                async with gate:
                    await client.connect(urls[(offset + i) % len(urls)], auth={"token": token},
                                         transports=["websocket"], wait_timeout=30)
                    joined = await client.call("join_group", {"slug": SLUG}, timeout=60)
                if joined["ok"] is True:
                    return client
            except Exception:  # noqa: BLE001  (counted: the bench reports how many joined)
                if client.connected:
                    await client.disconnect()
                await asyncio.sleep(1)
        return None

    clients = [c for c in await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
               if c is not None]
    ready.put(len(clients))
    while not stop.is_set():
        await asyncio.sleep(0.2)
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


def collect(out, kind: str, key: str, expected: int, seconds: float = 20) -> list[float]:
    times = []
    deadline = time.monotonic() + seconds
    while len(times) < expected and time.monotonic() < deadline:
        try:
            got_kind, got_key, at = out.get(timeout=0.5)
        except Exception:  # noqa: BLE001  (queue.Empty)
            continue
        if got_kind == kind and got_key == key:
            times.append(at)
    return times


def run_mode(mode: str, args, tokens: list[str], ids: list[int], database_url: str,
             tmp: Path) -> dict:
    import socketio

    namespace = f"fanout-{mode}-{os.getpid()}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TEST_"))},
           "DATABASE_URL": database_url, "REDIS_URL": args.redis, "REDIS_NAMESPACE": namespace,
           "SECRET_KEY": "fanout-secret", "PORTAL_INSTANCE": str(tmp / "instance"),
           "UPLOAD_FOLDER": str(tmp / "uploads"), "CHAT_RATE_LIMIT": "10000 per minute",
           "PYTHONWARNINGS": "ignore"}
    webs = start_webs(mode, env, args.processes, args.clients, tmp)
    urls = [url for _web, url in webs]
    ctx = mp.get_context("spawn")
    out, ready, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    share = [tokens[i::RECEIVER_PROCESSES] for i in range(RECEIVER_PROCESSES)]
    receivers = [ctx.Process(target=receiver, args=(urls, part, i, ready, out, stop))
                 for i, part in enumerate(share)]
    results = {}
    try:
        started = time.monotonic()
        for r in receivers:
            r.start()
        connected = sum(ready.get(timeout=600) for _ in receivers)
        print(f"  {mode}: {connected} clients connected in {time.monotonic() - started:.0f} s",
              flush=True)
        sender = socketio.Client(reconnection=False)
        sender.connect(urls[0], auth={"token": tokens[0]}, transports=["websocket"])
        assert sender.call("join_group", {"slug": SLUG}, timeout=30)["ok"] is True

        chat = []
        for n in range(args.rounds):
            text = f"round {n} {mode}"
            t0 = time.time()
            sender.emit("chat", {"slug": SLUG, "text": text})
            got = collect(out, "chat", text, connected)
            chat.append((t0, got))
        sender.disconnect()

        from portal import create_app
        from portal.accounts.models import User
        from portal.config import TestConfig
        from portal.extensions import db
        from portal.notifications.services import notify

        config = TestConfig(str(tmp), database_url)
        config.REDIS_URL = args.redis
        config.SOCKETIO_MESSAGE_QUEUE = args.redis
        config.REDIS_NAMESPACE = config.SOCKETIO_CHANNEL = namespace
        app = create_app(config)
        notes = []
        with app.app_context():
            people = db.session.query(User).filter(User.id.in_(ids)).all()
            for n in range(args.rounds):
                title = f"note {n} {mode}"
                t0 = time.time()
                notify(people, "bench", title, "/home")
                db.session.commit()
                got = collect(out, "note", title, connected)
                notes.append((t0, got))
        for kind, rounds in (("chat", chat), ("notification", notes)):
            last = [(max(got) - t0) * 1000 for t0, got in rounds if got]
            first = [(min(got) - t0) * 1000 for t0, got in rounds if got]
            delivered = sum(len(got) for _t0, got in rounds)
            spans = sum(max(got) - t0 for t0, got in rounds if got)
            results[kind] = {
                "delivered": delivered, "expected": connected * len(rounds),
                "last_p50": statistics.median(last) if last else float("nan"),
                "last_p95": sorted(last)[max(0, int(len(last) * 0.95) - 1)] if last else float("nan"),
                "first_p50": statistics.median(first) if first else float("nan"),
                "per_second": delivered / spans if spans else 0.0,
            }
    finally:
        stop.set()
        for r in receivers:
            r.join(30)
            if r.is_alive():
                r.kill()
        for web, _url in webs:
            web.terminate()
        for web, _url in webs:
            try:
                web.wait(15)
            except subprocess.TimeoutExpired:
                web.kill()
        import redis

        server = redis.Redis.from_url(args.redis)
        for key in server.scan_iter(f"*{namespace}*"):
            server.delete(key)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--modes", default="threading,gevent")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--database", default="",
                        help="a PostgreSQL URL; default a fresh SQLite file")
    args = parser.parse_args()
    import redis

    try:
        redis.Redis.from_url(args.redis).ping()
    except redis.RedisError as e:
        sys.exit(f"Redis at {args.redis} does not answer ({e}); start it or pass --redis")
    tmp = Path(tempfile.mkdtemp())
    database_url = args.database or f"sqlite:///{tmp}/fanout.sqlite3"
    tokens, ids = prepare(database_url, str(tmp), args.clients)
    print(f"{args.clients} clients over {args.processes} web processes, {args.rounds} rounds each, "
          f"on {os.cpu_count()} cores")
    table = {}
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        table[mode] = run_mode(mode, args, tokens, ids, database_url, tmp)
    print()
    print(f"{'mode':<10} {'kind':<13} {'delivered':>13} {'last p50 ms':>12} {'last p95 ms':>12} "
          f"{'first p50 ms':>13} {'per s':>8}")
    for mode, kinds in table.items():
        for kind, r in kinds.items():
            print(f"{mode:<10} {kind:<13} {r['delivered']:>6}/{r['expected']:<6} "
                  f"{r['last_p50']:>12.1f} {r['last_p95']:>12.1f} {r['first_p50']:>13.1f} "
                  f"{r['per_second']:>8.0f}")


if __name__ == "__main__":
    main()
