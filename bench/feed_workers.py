"""Does adding workers make a big feed faster? Scan one feed with 1, then 2 workers.

    TEST_DATABASE_URL=postgresql://…/test TEST_REDIS_URL=redis://127.0.0.1:6379/15 \\
        python bench/feed_workers.py [ROWS] [THREADS_PER_WORKER]

Makes a fresh PostgreSQL database beside TEST_DATABASE_URL's, an active rule and a JSON
Lines feed of ROWS listings (half of them hits), then for 1 and 2 `flask --app wsgi worker`
processes: uploads the feed through the service, waits until it is done, and prints the
seconds and records per second. Each run's hits are checked: every one stored once.
"""

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
THREADS = sys.argv[2] if len(sys.argv) > 2 else "1"


def fresh_database() -> str:
    url = make_url(os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "portal_bench_feeds" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "portal_bench_feeds"'))
    admin.dispose()
    return url.set(database="portal_bench_feeds").render_as_string(hide_password=False)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    env = {**os.environ, "DATABASE_URL": fresh_database(), "REDIS_URL": os.environ["TEST_REDIS_URL"],
           "REDIS_NAMESPACE": f"bench-feeds-{os.getpid()}", "SECRET_KEY": "bench",
           "PORTAL_INSTANCE": str(tmp / "instance"), "UPLOAD_FOLDER": str(tmp / "uploads"),
           "QUEQIAO_FEED_CHUNK_ROWS": "2000", "PYTHONWARNINGS": "ignore"}
    os.environ.update(env)
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    from werkzeug.datastructures import FileStorage

    from portal import create_app
    from portal.accounts.models import User
    from portal.extensions import db
    from queqiao.rules import services as rules
    from queqiao.scanning import feed as feeds
    from queqiao.scanning.models import FeedUpload, Hit

    subprocess.run([*flask, "create-org", "Ops", "--kind", "platform"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    subprocess.run([*flask, "create-user", "ops@bench.example", "--org", "Ops", "--role", "staff",
                    "--password", "bench-pass-1"], cwd=ROOT, env=env, check=True, capture_output=True)
    app = create_app()
    lines = "\n".join(json.dumps({"id": f"B{n}", "title": f"{'GUCCI 高仿' if n % 2 else 'plain'} {n}",
                                  "price": n}, ensure_ascii=False) for n in range(ROWS)) + "\n"
    with app.app_context():
        staff = db.session.query(User).filter_by(email="ops@bench.example").one()
        rule = rules.create_rule(staff, {"name": "bench", "conditions": {"all": ["gucci"]}})
        # The bench's rule has no brand corpus to be proved on: it goes live by override.
        rules.change_status(staff, rule, "active", override=True,
                            reason="Benchmark rule: no corpus of counterfeits to prove it on")
    for count in (1, 2):
        workers = [subprocess.Popen([*flask, "worker", "--threads", THREADS, "--no-periodic"],
                                    cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True) for _ in range(count)]
        time.sleep(6)  # let them start
        body = lines.replace('"id": "B', f'"id": "R{count}-B')
        with app.app_context():
            staff = db.session.query(User).filter_by(email="ops@bench.example").one()
            upload = FileStorage(stream=io.BytesIO(body.encode()), filename="bench.jsonl")
            feed = feeds.accept_upload(staff, upload)
            start = time.perf_counter()
            feeds.start(feed)
            while True:
                db.session.expire_all()
                item = db.session.get(FeedUpload, feed.id)
                if item.status in ("done", "failed"):
                    break
                time.sleep(0.1)
            seconds = time.perf_counter() - start
            stored = db.session.query(Hit.listing_id).filter_by(feed_id=feed.id).all()
            expected = ROWS // 2  # the odd rows name GUCCI
            if item.status != "done" or len(stored) != expected or len({x for x, in stored}) != expected:
                raise SystemExit(f"{count} worker(s): feed {item.status}, {len(stored):,} hits stored"
                                 f" for {expected:,} listings that hit")
            print(f"{count} worker(s) × {THREADS} thread(s): {ROWS:,} records, {item.chunks} chunks, "
                  f"{item.hits:,} hits, {item.status} in {seconds:.1f} s ({ROWS / seconds:,.0f}/s)")
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(40)


if __name__ == "__main__":
    main()
