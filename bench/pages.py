"""The main pages under load, against the real server, beside a bare Flask page.

Seeds a database with `flask seed-demo --scale N` (kept in instance/bench/ so a rerun starts
at once), starts the web unit's gunicorn command (the README's "Web processes") on a free
port for the portal and, with the same command, for bench/bare.py on the same database,
signs in as a member, a chair, platform staff and an admin, and has C clients request
each main page as fast as they can for a few seconds. Prints requests per second and
p50 / p95 / p99 milliseconds per page and role, and each page's throughput as a share of
the bare page's in the same run. Not a test: figures to watch.

    .venv/bin/python bench/pages.py [--scale 10] [--clients 16] [--seconds 5]
                                    [--roles member,chair,staff,admin] [--pages /home,/groups]

Targets: every main page at least half the bare page's throughput and p95 <= 100 ms at
16 clients; the alliance dashboard (/reports) p95 <= 200 ms at scale 10.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
UNIT = ROOT / "deploy" / "systemd" / "alliance-portal-web@.service"
PASSWORD = "alliance-demo-2026"
ROLES = {"member": "member@maison.example",
         "chair": "chair.luxury-goods@maison.example",
         "staff": "staff@platform.example",
         "admin": "admin@alliance.example"}
# The navigation's pages, and the pages every person opens from it most.
PAGES = ["/home", "/groups", "/groups/luxury-goods", "/notifications", "/profile",
         "/queqiao/tips", "/queqiao/vetting", "/queqiao/rules", "/queqiao/hits",
         "/test-purchases", "/test-purchases/ledger", "/test-purchases/calendar",
         "/test-purchases/reports", "/recommendations", "/reports"]
BARE = "/bare"


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_command(port: int, app: str) -> list[str]:
    """The web unit's ExecStart for this machine, serving `app` on `port`."""
    line = next(x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart="))
    words = line.removeprefix("ExecStart=").replace("%i", str(port)).split()
    words[0] = str(BIN / Path(words[0]).name)
    words = [w for w in words if w not in ("--access-logfile", "-")]  # no log lines per request
    return [*words[:-1], app]


def environment(database_url: str, uploads: Path) -> dict[str, str]:
    """What the portal reads, for a bench that signs in four times and is not throttled."""
    return {**os.environ, "DATABASE_URL": database_url, "UPLOAD_FOLDER": str(uploads),
            "SECRET_KEY": "bench-secret-key", "LOGIN_RATE_LIMIT": "1000 per minute",
            "PORTAL_ENV": "development", "REQUIRE_TWO_FACTOR": ""}


def flask(args: list[str], env: dict[str, str]) -> str:
    """Run a `flask --app wsgi` command; its output."""
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def seeded(scale: float, database_url: str | None) -> tuple[str, Path]:
    """The database seeded at `scale`; a SQLite file under instance/bench/ is kept for reruns."""
    folder = ROOT / "instance" / "bench" / f"scale-{scale:g}"
    uploads = folder / "uploads"
    marker = folder / "seeded"
    url = database_url or f"sqlite:///{folder / 'portal.sqlite3'}"
    if database_url is None and marker.exists():
        flask(["db", "upgrade"], environment(url, uploads))  # newer migrations, if any
        return url, uploads
    if database_url is None:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(url, uploads)
    began = time.perf_counter()
    flask(["db", "upgrade"], env)
    flask(["seed-demo", "--scale", f"{scale:g}"], env)
    print(f"seeded scale {scale:g} in {time.perf_counter() - began:.0f} s", flush=True)
    marker.touch()
    return url, uploads


class Server:
    """One gunicorn web process, as the web unit starts it."""

    def __init__(self, app: str, env: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(web_command(self.port, app), cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(self.base + "/login", timeout=30)
                return
            except requests.RequestException:
                if self.process.poll() is not None:
                    raise SystemExit(self.process.stderr.read().decode()) from None
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{app} did not start on {self.base}")

    def stop(self) -> None:
        """End the process (only the one this bench started)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def signed_in(base: str, email: str) -> dict[str, str]:
    """The cookies of a session signed in as `email`."""
    session = requests.Session()
    page = session.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = session.post(base + "/login", timeout=60, allow_redirects=False, data={
        "csrf_token": token.group(1) if token else "", "email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email}: {response.status_code}")
    return session.cookies.get_dict()


def load(url: str, cookies: dict[str, str], clients: int, seconds: float) -> dict | None:
    """`clients` sessions requesting `url` for `seconds`; None if the page is not theirs."""
    probe = requests.get(url, cookies=cookies, timeout=30, allow_redirects=False)
    if probe.status_code != 200:
        return None
    times: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client() -> None:
        session = requests.Session()
        session.cookies.update(cookies)
        mine, bad = [], []
        for _ in range(3):  # warm the connection and the caches
            session.get(url, timeout=60)
        start.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                status = session.get(url, timeout=60, allow_redirects=False).status_code
            except requests.RequestException:
                status = 0  # a dropped connection counts as a failure, timed like the rest
            mine.append((time.perf_counter() - began) * 1000)
            if status != 200:
                bad.append(status)
        with lock:
            times.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + 3600
    start.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return {"rps": len(times) / wall, "p50": statistics.median(times), "p95": cuts[94],
            "p99": cuts[98], "n": len(times), "failures": len(failures)}


def row(label: str, figures: dict, bare_rps: float, targets: tuple[float, float]) -> str:
    """One line of the table, with a mark where a target is missed."""
    share = figures["rps"] / bare_rps if bare_rps else 0
    share_target, p95_target = targets
    miss = ("" if share >= share_target else " <rps") + (
        "" if figures["p95"] <= p95_target else " >p95")
    failed = f" {figures['failures']} failed" if figures["failures"] else ""
    return (f"{label:34} {figures['rps']:7.1f} {share:6.0%} {figures['p50']:7.1f} "
            f"{figures['p95']:7.1f} {figures['p99']:7.1f}{miss}{failed}")


def run(scale: float, args: argparse.Namespace) -> None:
    """One table: every role's pages at one scale."""
    url, uploads = seeded(scale, args.database_url)
    env = environment(url, uploads)
    portal = Server("wsgi:app", env)
    try:
        bare = Server("bench.bare:app", env)
    except BaseException:
        portal.stop()
        raise
    try:
        cookies = {role: signed_in(portal.base, ROLES[role]) for role in args.roles}
        print(f"\nscale {scale:g}, {args.clients} clients, {args.seconds:g} s per page "
              f"({url.split(':', 1)[0]})")
        print(f"{'page (role)':34} {'req/s':>7} {'/bare':>6} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7}")
        bares = [load(bare.base + BARE, {}, args.clients, args.seconds)]
        print(row("bare Flask page", bares[0], bares[0]["rps"], (0, 1e9)), flush=True)
        for role in args.roles:
            for page in args.pages:
                figures = load(portal.base + page, cookies[role], args.clients, args.seconds)
                if figures is None:
                    continue
                p95 = 200 if page == "/reports" else 100
                print(row(f"{page} ({role})", figures, bares[0]["rps"], (0.5, p95)), flush=True)
        bares.append(load(bare.base + BARE, {}, args.clients, args.seconds))
        print(row("bare Flask page, again", bares[1], bares[0]["rps"], (0, 1e9)))
    finally:
        portal.stop()
        bare.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="10",
                        help="seed-demo --scale; several as 1,10 for one table each")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--database-url", default=None,
                        help="an empty PostgreSQL database to seed instead of a SQLite file")
    args = parser.parse_args()
    args.roles = [r for r in args.roles.split(",") if r]
    args.pages = [p for p in args.pages.split(",") if p]
    for scale in (float(s) for s in args.scale.split(",")):
        run(scale, args)


if __name__ == "__main__":
    main()
