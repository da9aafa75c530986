"""A job whose worker is killed while running it is not lost: real `flask worker` processes
on Redis, a real SMTP conversation. Worker A takes a mail job and is killed (SIGKILL) while
the mail server keeps it waiting; worker B notices A's heartbeat stopped, puts the job back
on the queue, runs it, and the message arrives once."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import redis

from tests.production.workers import ROOT, install, wait_for
from tests.support.live import redis_namespace

pytestmark = pytest.mark.live



class MailServer:
    """Just enough SMTP: the first connection is kept waiting without a greeting (a server
    that hangs); later ones are served, and each message's text is kept."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.first_connected = threading.Event()
        self.messages: list[str] = []
        self._held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            if not self.first_connected.is_set():
                self._held.append(conn)
                self.first_connected.set()
                continue
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        reader = conn.makefile("rb")
        conn.sendall(b"220 test ESMTP\r\n")
        try:
            for line in reader:
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 test\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    body = []
                    for data in reader:
                        if data == b".\r\n":
                            break
                        body.append(data.decode("utf-8", "replace"))
                    self.messages.append("".join(body))
                    conn.sendall(b"250 kept\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    break
                else:
                    conn.sendall(b"250 ok\r\n")
        finally:
            reader.close()
            conn.close()

    def close(self):
        self.listener.close()
        for conn in self._held:
            conn.close()


def test_a_job_whose_worker_is_killed_runs_on_another_worker(tmp_path, redis_url):
    mail = MailServer()
    namespace = redis_namespace()
    portal = install(tmp_path, redis_url, namespace, SMTP_HOST="127.0.0.1",
                     SMTP_PORT=str(mail.port), SMTP_TLS="0")
    env, database, worker = portal.env, portal.database, portal.worker
    portal.flask("db", "upgrade")
    first = worker("worker-a")
    second = None
    store = redis.Redis.from_url(redis_url)
    try:
        queued = subprocess.run([sys.executable, "-c", (
            "from portal import create_app\nfrom portal.mail import deliver_mail\n"
            "app = create_app()\nwith app.app_context():\n"
            "    deliver_mail('brand@example.com', 'Verdict recorded', 'Item 3: counterfeit')")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert queued.returncode == 0, queued.stderr
        assert mail.first_connected.wait(30), (tmp_path / "worker-a.log").read_text()
        # Worker A holds the job (in its in-flight list) while the server keeps it waiting.
        inflight = [k for k in store.scan_iter(f"*{namespace.replace('-', '')}*inflight*")]
        assert len(inflight) == 1 and store.llen(inflight[0]) == 1
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)

        second = worker("worker-b")
        wait_for("the message to arrive through worker B", lambda: mail.messages, 40)
        time.sleep(1.5)  # a second delivery, if there were one, would come now
        assert len(mail.messages) == 1 and "Item 3: counterfeit" in mail.messages[0]
        with sqlite3.connect(database) as conn:
            runs = conn.execute("select status, attempts, worker from job_runs "
                                "where name = 'send-mail'").fetchall()
        assert len(runs) == 1
        status, attempts, ran_on = runs[0]
        assert (status, attempts) == ("done", 2)
        assert ran_on.endswith(f":{second.pid}")
        wait_for("nothing left in flight",
              lambda: all(store.llen(k) == 0 for k in inflight), 10)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        mail.close()
        for key in store.scan_iter(f"*{namespace.replace('-', '')}*"):
            store.delete(key)
