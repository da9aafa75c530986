"""A real HTTP receiver for webhook tests: an http.server in a thread on a free port."""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One POST as it arrived."""

    path: str
    headers: dict
    body: bytes
    at: float  # seconds since the epoch, when it arrived

    @property
    def event(self) -> dict:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        """Whether X-Portal-Signature is the HMAC-SHA256 of the raw body with `secret`."""
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("X-Portal-Signature", ""))


@dataclass
class Receiver:
    """Records every POST; answers `status` (or the next of `script`)."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    status: int = 200
    script: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def of_type(self, type_: str) -> list[Received]:
        return [r for r in self.received if r.headers.get("X-Portal-Event") == type_]


def start_receiver() -> Receiver:
    """A receiver listening on 127.0.0.1 and a free port."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.received.append(Received(self.path, dict(self.headers), body,
                                              time.time()))
            code = receiver.script.pop(0) if receiver.script else receiver.status
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
