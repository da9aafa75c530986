"""Live servers (real HTTP and Socket.IO on loopback) and the browser.

A live server is `python wsgi.py` in a subprocess on the test database, so the
socket tests use a real python-socketio client over the network, and the Redis
tests can run two server processes sharing one message queue.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Resolve nothing but loopback: the browser must never reach out of this machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1",
]


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """A running portal process."""

    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# The live server's custody key: a test that writes purchases in its own process uses the
# same one, so that the chains it writes verify on the server.
LIVE_CUSTODY_KEY = "live-test-custody-key-0123456789"


def start_server(database_url: str, tmp: Path, *, redis_url: str | None = None,
                 name: str = "server") -> LiveServer:
    """Start `python wsgi.py` on a free port and wait until it answers."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-test-secret",
        "CUSTODY_KEY": LIVE_CUSTODY_KEY,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PORTAL_INSTANCE": str(tmp / f"{name}-instance"),
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "PASSWORD_HASHER": "fast",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["REDIS_NAMESPACE"] = redis_namespace()
    log = tmp / f"{name}.log"
    with log.open("w") as out:  # the child keeps its own copy of the handle
        process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"live server exited early:\n{log.read_text()}")
        try:
            if requests.get(url + "/login", timeout=1).status_code == 200:
                return LiveServer(url, process, log)
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"live server did not start:\n{log.read_text()}")


def unavailable(reason: str):
    """Skip with a clear reason (a failure under PORTAL_TEST_STRICT=1)."""
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(_schema, tmp_path_factory):
    """One live portal for the session, on the test database."""
    server = start_server(_schema, tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """TEST_REDIS_URL, with this test process's keys cleared; skips without it."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        unavailable("TEST_REDIS_URL is not set: the message-queue and presence tests need Redis")
    import redis

    try:
        server = redis.Redis.from_url(url)
        for key in server.scan_iter(f"{redis_namespace()}:*"):
            server.delete(key)
    except redis.RedisError as e:
        unavailable(f"Redis at {url} does not answer: {e}")
    return url


def redis_namespace() -> str:
    """The Redis namespace of this test process's live servers: parallel test processes
    share one Redis server, and its channels are not separated by database number."""
    return f"portal-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; skips when it is not installed."""
    executable = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        unavailable("chromium is not installed (apt-get install chromium); browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context and page; the live server's URL is page.base."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    p = context.new_page()
    p.set_default_timeout(10_000)
    yield p
    context.close()


def browser_login(page, email: str, password: str) -> None:
    """Sign in through the login form."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#login-form [type=submit]")
    page.wait_for_url("**/home")


def wait_until(page, predicate: str, seconds: float = 10) -> None:
    """Poll a page expression from Python: Playwright's wait_for_function re-evaluates it
    with eval(), which the portal's Content-Security-Policy forbids."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(predicate):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {predicate}")
