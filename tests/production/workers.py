"""Real `flask worker` processes on Redis for the job tests: an install's environment on a
SQLite file, its commands, workers that can be killed, and waiting for what they do."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")


@dataclass
class Install:
    """An install of the portal in `tmp`: its database file and environment."""

    tmp: Path
    env: dict

    @property
    def database(self) -> Path:
        return self.tmp / "portal.sqlite3"

    def flask(self, *args: str) -> str:
        """Run a `flask --app wsgi` command of the install; its output (it must succeed)."""
        done = subprocess.run([FLASK, "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def worker(self, name: str, threads: int = 1) -> subprocess.Popen:
        """A worker without the periodic jobs, in its own process group (so it can be
        killed whole), logging to `name`.log."""
        with (self.tmp / f"{name}.log").open("w") as log:  # the child keeps its own handle
            return subprocess.Popen([FLASK, "--app", "wsgi", "worker", "--threads",
                                     str(threads), "--no-periodic"], cwd=ROOT, env=self.env,
                                    stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)


def install(tmp: Path, redis_url: str, namespace: str, **settings: str) -> Install:
    """An environment for commands and workers of one install on Redis."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TEST_"))},
           "DATABASE_URL": f"sqlite:///{tmp / 'portal.sqlite3'}", "REDIS_URL": redis_url,
           "REDIS_NAMESPACE": namespace, "SECRET_KEY": "job-tests-secret",
           "PORTAL_INSTANCE": str(tmp / "instance"), "UPLOAD_FOLDER": str(tmp / "up"),
           "JOBS_HEARTBEAT_SECONDS": "0.5", "PYTHONWARNINGS": "ignore", **settings}
    return Install(tmp, env)


def wait_for(what: str, check, seconds: float = 30.0):
    """The first true value of `check()`, polled for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
