"""A small production cluster for the tests: PostgreSQL, Redis, web processes started with
the deploy folder's gunicorn command behind nginx with the deploy folder's configuration,
and job workers (`flask --app wsgi worker`)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.live import free_port, unavailable

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def web_command(port: int) -> list[str]:
    """The web unit's ExecStart (the README's gunicorn command) for a port on this machine."""
    unit = (DEPLOY / "systemd" / "alliance-portal-web@.service").read_text()
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    words = line.removeprefix("ExecStart=").replace("%i", str(port)).split()
    words[0] = str(BIN / Path(words[0]).name)
    return words


def worker_command() -> list[str]:
    unit = (DEPLOY / "systemd" / "alliance-portal-worker@.service").read_text()
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    words = line.removeprefix("ExecStart=").split()
    words[0] = str(BIN / Path(words[0]).name)
    return words


def nginx_site(port: int, upstreams: list[int]) -> str:
    """deploy/nginx/alliance-portal.conf with the test's ports."""
    site = (DEPLOY / "nginx" / "alliance-portal.conf").read_text()
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+.*;$", site, flags=re.M)
    assert len(servers) >= 2, "the upstream block names the web processes"
    template = servers[0]
    lines = "\n".join(re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{p}", template) for p in upstreams)
    site = site.replace(servers[0], lines)
    for extra in servers[1:]:
        site = site.replace(extra + "\n", "")
    return re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", site)


def fresh_database(name: str) -> str:
    """An empty PostgreSQL database on TEST_DATABASE_URL's server, of this test process
    (parallel test processes each start their own cluster)."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server or not server.startswith("postgresql"):
        unavailable("TEST_DATABASE_URL (PostgreSQL) is not set: the cluster test needs it")
    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    db_name = f"portal_test_{os.environ.get('PORTAL_TEST_DB_TAG', '')}{name}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return url.set(database=db_name).render_as_string(hide_password=False)


@dataclass
class Cluster:
    tmp: Path
    env: dict
    url: str = ""
    processes: dict = field(default_factory=dict)
    web_ports: list = field(default_factory=list)
    proxy_log: Path | None = None

    def run(self, *args: str) -> str:
        result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT,
                                env=self.env, capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self, name: str, command: list[str], env: dict | None = None):
        with (self.tmp / f"{name}.log").open("w") as log:  # the child keeps its own handle
            process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **(env or {})},
                                       stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_for(what: str, check, seconds: float = 30, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def start_cluster(tmp: Path, redis_url: str, namespace: str, *, webs: int = 2, workers: int = 2,
                  worker_env: dict | None = None) -> Cluster:
    """Database migrated, web processes behind nginx, workers: all running."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        unavailable("nginx is not installed (apt-get install nginx-light): the cluster test needs it")
    database = fresh_database("cluster")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TEST_"))},
        "DATABASE_URL": database, "REDIS_URL": redis_url, "REDIS_NAMESPACE": namespace,
        "SECRET_KEY": "cluster-test-secret", "PORTAL_INSTANCE": str(tmp / "instance"),
        "UPLOAD_FOLDER": str(tmp / "uploads"), "PASSWORD_HASHER": "fast",
        "LOGIN_RATE_LIMIT": "1000 per minute", "PROXY_COUNT": "1", "PYTHONWARNINGS": "ignore",
    }
    cluster = Cluster(tmp, env)
    cluster.run("db", "upgrade")
    ports = [free_port() for _ in range(webs)]
    for number, port in enumerate(ports):
        cluster.start(f"web{number}", web_command(port))
    for number in range(workers):
        cluster.start(f"worker{number}", worker_command(), worker_env)
    proxy_port = free_port()
    conf = tmp / "nginx"
    (conf / "logs").mkdir(parents=True)
    (conf / "site.conf").write_text(nginx_site(proxy_port, ports))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (conf / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {conf}/nginx.pid;\n"
        f"error_log {conf}/logs/error.log warn;\nevents {{ worker_connections 4096; }}\n"
        # the test's own log line names the web process nginx chose for each request
        f"http {{\n  log_format upstream '$request_uri $upstream_addr';\n"
        f"  access_log {conf}/logs/access.log upstream;\n"
        + "".join(f"  {kind}_temp_path {conf}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {conf}/site.conf;\n}}\n")
    check = subprocess.run([nginx, "-t", "-c", str(conf / "nginx.conf"), "-p", str(conf)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    cluster.start("nginx", [nginx, "-c", str(conf / "nginx.conf"), "-p", str(conf)])
    for number, port in enumerate(ports):
        try:
            wait_for(f"web{number}", lambda p=port: answers(f"http://127.0.0.1:{p}/login"), 40)
        except AssertionError:
            cluster.stop()
            raise AssertionError(cluster.log(f"web{number}")) from None
    cluster.url = f"http://127.0.0.1:{proxy_port}"
    cluster.web_ports = ports
    cluster.proxy_log = conf / "logs" / "access.log"
    wait_for("nginx", lambda: answers(cluster.url + "/login"), 10)
    return cluster
