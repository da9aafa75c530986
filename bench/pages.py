"""Page and API latency on the demo alliance (SQLite), measured in-process.

Prints p50 / p95 / max milliseconds and requests per second for the pages every
person opens most: home, the group directory, a group home, the notifications page,
and the API's /me and /working-groups. Not a test: a figure to watch.

    .venv/bin/python bench/pages.py [--requests 200]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts.models import user_by_email  # noqa: E402
from portal.accounts.tokens import issue_token  # noqa: E402
from portal.config import TestConfig  # noqa: E402
from portal.demo import seed  # noqa: E402

PAGES = ["/home", "/groups", "/groups/luxury-goods", "/notifications", "/profile"]
API = ["/api/v1/me", "/api/v1/working-groups"]


def measure(call, n: int) -> list[float]:
    """Milliseconds of n calls (after a warm-up)."""
    for _ in range(5):
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    config = TestConfig(tmp, f"sqlite:///{tmp}/bench.sqlite3")
    config.API_RATE_LIMIT = "1000000 per minute"
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed()
        user = user_by_email("member@maison.example")
        _token, secret = issue_token(user, "bench")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
        print(f"{'path':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>8}")
        for path in PAGES + API:
            headers = {"Authorization": f"Bearer {secret}"} if path.startswith("/api") else {}
            times = measure(lambda p=path, h=headers: client.get(p, headers=h), args.requests)
            p95 = statistics.quantiles(times, n=20)[18]
            print(f"{path:32} {statistics.median(times):8.2f} {p95:8.2f} {max(times):8.2f} "
                  f"{1000 / statistics.mean(times):8.0f}")


if __name__ == "__main__":
    main()
