"""Scanning through the portal on SQLite: the scans API and a feed file, hits stored.

Uses the synthetic workload of bench/rules.py (titles mixed Chinese and English, about
2 % of listings hitting some rule):

* POST /api/v1/scans with 10,000 listings against 1,000 active rules, in-process
  (JSON parsing, validation, matching, storing hits with their snapshots, commit);
  the first call also compiles the engine, later calls reuse it;
* a feed file of 1,000,000 listings (CSV) scanned the way the upload page does it
  (the background job run in this thread), hits stored.

Not a test: figures to quote and to watch.

    .venv/bin/python bench/scan_api.py [--feed-listings 1000000]
"""

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import rules as workload  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts.tokens import issue_token  # noqa: E402
from portal.config import TestConfig  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import utcnow  # noqa: E402
from queqiao.rules.models import Rule, RuleVersion  # noqa: E402
from queqiao.scanning import feed as feeds  # noqa: E402
from queqiao.scanning.models import FeedUpload, Hit  # noqa: E402
from tests.support.factories import make_user  # noqa: E402

SEED = 20250301


def add_active_rules(staff, count: int) -> None:
    """Insert `count` active rules of the synthetic mix in one go."""
    codes = workload.brand_codes(SEED)
    specs = workload.make_rules(SEED + count, count, codes)
    now = utcnow()
    rows = [{"id": spec.id, "name": f"bench rule {spec.id}", "status": "active", "version": 1,
             "conditions": spec.to_conditions(), "level": "medium", "known_false_positives": "",
             "notes": "", "created_by_id": staff.id, "created_at": now, "updated_at": now,
             "status_changed_at": now} for spec in specs]
    db.session.execute(insert(Rule), rows)
    db.session.execute(insert(RuleVersion), [
        {"rule_id": r["id"], "version": 1, "name": r["name"], "conditions": r["conditions"],
         "created_by_id": staff.id, "created_at": now} for r in rows])
    db.session.commit()


def api_listings(listings, start: int) -> list[dict]:
    """Engine listings in the API's shape, with distinct ids from `start`."""
    return [{"id": f"A{start + n}", "title": x.title,
             "price": None if x.price is None else {"amount": x.price, "currency": "CNY"},
             "seller_id": f"seller-{n % 5000}", "region": x.region,
             "url": f"https://market.example/item/{start + n}"} for n, x in enumerate(listings)]


def time_scan(client, headers, batch) -> tuple[float, dict]:
    """Seconds for one POST /api/v1/scans, and its answer."""
    start = time.perf_counter()
    response = client.post("/api/v1/scans", json={"listings": batch}, headers=headers)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return elapsed, response.get_json()


def write_feed(path: Path, listings) -> None:
    """A CSV feed file of the listings."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "title", "price", "seller_id", "region", "url"])
        for n, x in enumerate(listings):
            writer.writerow([f"F{n}", x.title, "" if x.price is None else x.price,
                             f"seller-{n % 5000}", x.region or "",
                             f"https://market.example/item/F{n}"])


def main() -> None:
    """Measure the API scan and the feed scan on a fresh SQLite database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed-listings", type=int, default=1_000_000)
    parser.add_argument("--rules", type=int, default=1_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    config = TestConfig(str(tmp), f"sqlite:///{tmp}/bench.sqlite3")
    config.API_RATE_LIMIT = "1000000 per minute"
    config.UPLOAD_FOLDER = str(tmp / "uploads")
    app = create_app(config)
    codes = workload.brand_codes(SEED)
    listings = workload.make_listings(SEED + 1, 30_000 + args.feed_listings, codes)
    with app.app_context():
        upgrade()
        staff = make_user("staff")
        add_active_rules(staff, args.rules)
        _token, secret = issue_token(staff, "bench")
        headers = {"Authorization": f"Bearer {secret}"}
        client = app.test_client()

        print(f"POST /api/v1/scans, 10,000 listings, {args.rules:,} active rules, SQLite")
        for label, start in (("first call (compiles the engine)", 0),
                             ("second call (new listings)", 10_000),
                             ("third call (new listings)", 20_000)):
            batch = api_listings(listings[start:start + 10_000], start)
            seconds, body = time_scan(client, headers, batch)
            print(f"  {label:36} {seconds:6.2f} s  hits {len(body['hits']):,} "
                  f"(new {body['new_hits']:,})")
        seconds, body = time_scan(client, headers, api_listings(listings[:10_000], 0))
        print(f"  {'re-sending the first batch':36} {seconds:6.2f} s  hits {len(body['hits']):,} "
              f"(new {body['new_hits']:,})")

        feed_listings = listings[30_000:]
        path = Path(config.UPLOAD_FOLDER) / "feeds" / "bench.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_feed(path, feed_listings)
        feed = FeedUpload(filename="bench.csv", stored_path=str(path), size=path.stat().st_size,
                          created_by_id=staff.id)
        db.session.add(feed)
        db.session.commit()
        feed_id = feed.id
        size_mb = feed.size / 1e6
        start = time.perf_counter()
        feeds.process(app, feed_id)
        seconds = time.perf_counter() - start
        db.session.expire_all()  # the job ran in its own session
        feed = db.session.get(FeedUpload, feed_id)
        stored = db.session.scalar(select(func.count()).select_from(Hit)
                                   .where(Hit.feed_id == feed_id))
        print(f"\nfeed file of {len(feed_listings):,} listings ({size_mb:,.0f} MB CSV), "
              f"{args.rules:,} active rules, SQLite")
        print(f"  scanned {feed.scanned:,} rows in {seconds:.1f} s "
              f"({feed.scanned / seconds:,.0f} listings/s); hits stored {stored:,}; "
              f"status {feed.status}")


if __name__ == "__main__":
    main()
