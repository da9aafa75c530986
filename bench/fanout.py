"""Socket.IO fan-out: how long one event takes to reach N connected people.

Starts a portal process on a fresh SQLite database with Redis as the message queue,
connects N real python-socketio clients as platform staff (so they share the `staff`
room), then emits events into that room from outside the process through Redis, as
the CLI or another portal process would. Prints delivery latency (p50 / p95 / max)
and events delivered per second.

    .venv/bin/python bench/fanout.py [--clients 50] [--events 20] [--redis redis://127.0.0.1:6379/14]
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import socketio  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts import services  # noqa: E402
from portal.accounts.tokens import issue_token  # noqa: E402
from portal.config import TestConfig  # noqa: E402
from tests.support.live import start_server  # noqa: E402


def make_staff(database_url: str, tmp: str, n: int) -> list[str]:
    """n platform staff with API tokens; returns the tokens."""
    app = create_app(TestConfig(tmp, database_url))
    with app.app_context():
        upgrade()
        platform = services.create_organisation(None, "Platform", "platform", "China")
        tokens = []
        for i in range(n):
            user = services.create_user(None, email=f"staff{i}@bench.example", name=f"S{i}",
                                        organisation=platform, role="staff")
            tokens.append(issue_token(user, "bench")[1])
        return tokens


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    import redis

    try:
        redis.Redis.from_url(args.redis).ping()
    except redis.RedisError as e:
        sys.exit(f"Redis at {args.redis} does not answer ({e}); start it or pass --redis")
    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/fanout.sqlite3"
    tokens = make_staff(url, tmp, args.clients)
    server = start_server(url, Path(tmp), redis_url=args.redis, name="fanout")
    received: dict[int, list[float]] = {}
    lock = threading.Lock()
    clients = []
    try:
        for token in tokens:
            client = socketio.Client(reconnection=False)

            @client.on("bench")
            def _on(data):
                with lock:
                    received.setdefault(data["n"], []).append(time.perf_counter() - data["t"])

            client.connect(server.url, auth={"token": token}, transports=["websocket"],
                           wait_timeout=10)
            clients.append(client)
        emitter = socketio.RedisManager(args.redis, write_only=True,
                                        channel="alliance-portal")
        start = time.perf_counter()
        for n in range(args.events):
            emitter.emit("bench", {"n": n, "t": time.perf_counter()}, room="staff", namespace="/")
            time.sleep(0.05)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with lock:
                if sum(len(v) for v in received.values()) >= args.events * args.clients:
                    break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        latencies = sorted(t * 1000 for v in received.values() for t in v)
        delivered = len(latencies)
        print(f"clients {args.clients}, events {args.events}, delivered {delivered} of "
              f"{args.events * args.clients}")
        if latencies:
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            print(f"latency ms: p50 {statistics.median(latencies):.1f}  p95 {p95:.1f}  "
                  f"max {latencies[-1]:.1f}")
            print(f"deliveries per second: {delivered / elapsed:.0f}")
    finally:
        for client in clients:
            client.disconnect()
        server.stop()


if __name__ == "__main__":
    main()
