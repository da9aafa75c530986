"""Jobs on the queue: feeds in chunks that survive a dead worker, the feeds API, the jobs
page, and periodic jobs scheduled by the queue (run in the test process: immediate mode)."""

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.jobs.models import JobRun
from portal.jobs.queue import queue, read_schedules
from portal.models import utcnow
from queqiao.scanning import feed as feeds
from queqiao.scanning.models import FeedChunk, FeedUpload, Hit
from tests.queqiao_rules.helpers import count, listing, make_rule
from tests.support.factories import make_user

# A restored or killed installation's database connections may be collected late.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _upload(api, user, body: bytes, name: str):
    return api(user)._call("post", "/api/v1/feeds", data={"file": (io.BytesIO(body), name)},
                           content_type="multipart/form-data")


def _jsonl(n: int, bad_at=()) -> bytes:
    rows = []
    for i in range(1, n + 1):
        rows.append("{broken" if i in bad_at else json.dumps(listing(f"J{i}")))
    return ("\n".join(rows) + "\n").encode()


def test_a_feed_is_split_into_chunks_and_every_hit_is_stored_once(app, people, api):
    app.config["QUEQIAO_FEED_CHUNK_ROWS"] = 3
    make_rule(people["staff"], "active")
    response = _upload(api, people["staff"], _jsonl(10, bad_at=(4, 9)), "big.jsonl")
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert set(body) >= {"id", "status", "url"} and body["url"].endswith(f"/feeds/{body['id']}")
    state = api(people["staff"]).get(f"/api/v1/feeds/{body['id']}").get_json()
    assert state["status"] == "done"
    assert (state["processed"], state["total"], state["hits"], state["chunks"]) == (10, 10, 8, 4)
    assert [e["line"] for e in state["errors"]] == [4, 9]
    assert all(e["message"] for e in state["errors"])
    assert count(Hit) == 8 and count(FeedChunk, status="done") == 4


def test_csv_chunks_keep_quoted_line_breaks_and_line_numbers(app, people, api):
    app.config["QUEQIAO_FEED_CHUNK_ROWS"] = 2
    make_rule(people["staff"], "active", all=["gucci"])
    data = ('id,title,price\n'
            'A,"gucci\nline two",100\n'  # one record over lines 2-3
            'B,gucci b,1\n'
            'C,gucci c,abc\n'  # bad price: line 5
            'D,"gucci ""d""",2\n'
            'E,gucci e\n')  # wrong column count: line 7
    response = _upload(api, people["staff"], data.encode(), "feed.csv")
    state = api(people["staff"]).get(f"/api/v1/feeds/{response.get_json()['id']}").get_json()
    assert (state["status"], state["total"], state["processed"], state["hits"]) == (
        "done", 5, 5, 3)
    assert [e["line"] for e in state["errors"]] == [5, 7]
    titles = set(db.session.scalars(select(Hit.title)))
    assert titles == {"gucci\nline two", "gucci b", 'gucci "d"'}


def test_a_chunk_whose_worker_died_is_taken_over_and_hits_stay_unique(app, people):
    """A worker killed mid-chunk committed nothing; its lease runs out and the watcher
    hands the chunk to a new job; a chunk run twice stores nothing twice."""
    app.config["QUEQIAO_FEED_CHUNK_ROWS"] = 4
    app.config["QUEQIAO_FEED_LEASE_SECONDS"] = 30
    make_rule(people["staff"], "active")
    path = feeds.feed_folder() / "manual.jsonl"
    path.write_bytes(_jsonl(12))
    feed = FeedUpload(filename="manual.jsonl", stored_path=str(path), size=path.stat().st_size,
                      created_by_id=people["staff"].id)
    db.session.add(feed)
    db.session.commit()
    feeds.split_feed.call_local(feed.id, enqueue=False)
    # Chunk 0 runs; chunk 1 is claimed by a worker that then dies (nothing committed).
    feeds.scan_chunk.call_local(feed.id, 0)
    db.session.execute(update(FeedChunk).where(FeedChunk.feed_id == feed.id,
                                               FeedChunk.number == 1)
                       .values(status="running", task_id="dead-worker", attempts=1,
                               claimed_at=utcnow() - timedelta(seconds=5)))
    db.session.commit()
    feeds.scan_chunk.call_local(feed.id, 1)  # a duplicate delivery while the lease holds
    assert db.session.scalar(select(FeedChunk.status).where(
        FeedChunk.feed_id == feed.id, FeedChunk.number == 1)) == "running"
    feeds.scan_chunk.call_local(feed.id, 0)  # chunk 0 again: nothing new
    assert count(Hit) == 4
    # The lease runs out: the watcher queues chunk 1 again; chunk 2 was never taken at all.
    db.session.execute(update(FeedChunk).where(FeedChunk.feed_id == feed.id)
                       .values(enqueued_at=utcnow() - timedelta(minutes=10)))
    db.session.execute(update(FeedChunk).where(FeedChunk.task_id == "dead-worker")
                       .values(claimed_at=utcnow() - timedelta(seconds=31)))
    db.session.commit()
    feeds.watch_feed.call_local(feed.id)  # immediate mode: the re-queued jobs run now
    db.session.expire_all()
    feed = db.session.get(FeedUpload, feed.id)
    assert (feed.status, feed.rows, feed.hits, feed.chunks_done) == ("done", 12, 12, 3)
    assert count(Hit) == 12 and count(Hit, feed_id=feed.id) == 12
    assert db.session.scalar(select(FeedChunk.attempts).where(
        FeedChunk.feed_id == feed.id, FeedChunk.number == 1)) == 2
    assert not path.exists()


def test_a_chunk_that_keeps_failing_fails_the_feed(app, people):
    app.config["QUEQIAO_FEED_CHUNK_ROWS"] = 2
    path = feeds.feed_folder() / "gone.jsonl"
    path.write_bytes(_jsonl(4))
    feed = FeedUpload(filename="gone.jsonl", stored_path=str(path), size=1,
                      created_by_id=people["staff"].id)
    db.session.add(feed)
    db.session.commit()
    feeds.split_feed.call_local(feed.id, enqueue=False)
    path.unlink()
    for _ in range(feeds.MAX_ATTEMPTS):
        with pytest.raises(OSError):
            feeds.scan_chunk.call_local(feed.id, 0)
    feeds.watch_feed.call_local(feed.id)
    db.session.expire_all()
    feed = db.session.get(FeedUpload, feed.id)
    assert feed.status == "failed" and "Part 1" in feed.error


@pytest.mark.parametrize("role", ["member", "outsider", "chair", "admin"])
def test_only_staff_upload_and_read_feeds(app, people, api, role):
    staff_feed = _upload(api, people["staff"], _jsonl(1), "a.jsonl").get_json()["id"]
    assert _upload(api, people[role], _jsonl(1), "b.jsonl").status_code == 403
    assert api(people[role]).get(f"/api/v1/feeds/{staff_feed}").status_code == 403
    assert api(people[role]).get("/api/v1/feeds").status_code == 403
    assert api(None).get(f"/api/v1/feeds/{staff_feed}").status_code == 401
    assert count(FeedUpload) == 1


def test_bad_feed_uploads_get_422_and_unknown_feeds_404(app, people, api):
    client = api(people["staff"])
    missing = client._call("post", "/api/v1/feeds", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.get_json()["error"]["fields"]
    wrong = _upload(api, people["staff"], b"x", "feed.exe")
    assert wrong.status_code == 422 and "file" in wrong.get_json()["error"]["fields"]
    assert client.get("/api/v1/feeds/999999").status_code == 404
    listed = client.get("/api/v1/feeds").get_json()
    assert listed["total"] == 0
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in spec["/feeds"] and "get" in spec["/feeds/{feed_id}"]


def test_jobs_page_shows_jobs_to_staff_only(app, people, api, as_user):
    app.config["QUEQIAO_FEED_CHUNK_ROWS"] = 1
    feed_id = _upload(api, people["staff"], _jsonl(2), "a.jsonl").get_json()["id"]
    # This feed's jobs only: a live server of the session shares the database, and its
    # in-process scheduler records its periodic jobs there too.
    runs = [run for run in db.session.scalars(select(JobRun)).all()
            if run.summary == str(feed_id) or run.summary.startswith(f"{feed_id}, ")]
    assert sorted(r.name for r in runs) == ["feed-chunk", "feed-chunk", "feed-split", "feed-watch"]
    assert all(r.status == "done" for r in runs if r.name != "feed-watch"), [
        (r.name, r.status, r.error) for r in runs]
    page = as_user(people["staff"]).get("/jobs/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-job="feed-chunk"' in text
    assert "send-digests" in text and "0 6 * * *" in text
    home = as_user(people["staff"]).get("/home").get_data(as_text=True)
    assert 'href="/jobs/"' in home
    for role in ("member", "chair", "admin"):
        assert as_user(people[role]).get("/jobs/").status_code == 404
        assert 'href="/jobs/"' not in as_user(people[role]).get("/home").get_data(as_text=True)
    failed = as_user(people["staff"]).get("/jobs/?status=failed").get_data(as_text=True)
    assert 'data-job="feed-chunk"' not in failed


def test_jobs_page_reads_in_chinese(app, people):
    from tests.support.fixtures import login

    staff = make_user("staff", locale="zh")
    client = app.test_client()
    login(client, staff)
    text = client.get("/jobs/").get_data(as_text=True)
    assert "后台任务" in text


def test_a_failing_job_is_retried_and_shown(app, people):
    from datetime import UTC, datetime
    calls = []

    @queue.task(name="test-flaky", retries=1, retry_delay=60)
    def flaky():
        calls.append(1)
        raise RuntimeError("boom")

    try:
        queue.execute(flaky.s())
        run = db.session.scalars(select(JobRun).where(JobRun.name == "test-flaky")).one()
        assert (run.status, run.retries, run.attempts) == ("retrying", 1, 1)
        assert "boom" in run.error
        # The retry runs (the queue had scheduled it) and fails for good.
        later = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=2)  # Huey: naive UTC
        due = [t for t in queue.read_schedule(later) if t.name == "test-flaky"]
        assert len(due) == 1
        for task in due:
            queue.execute(task, later)
        db.session.expire_all()
        run = db.session.scalars(select(JobRun).where(JobRun.name == "test-flaky")).one()
        assert (run.status, run.attempts) == ("failed", 2) and len(calls) == 2
    finally:
        flaky.unregister()


def test_the_scheduled_commands_are_periodic_jobs_of_the_queue(app):
    assert {name: queue.schedule_for(name)[0] for name in (
        "send-digests", "flag-overdue-minutes", "remind-board", "remind-test-purchases")} == {
        "send-digests": "0 6 * * *", "flag-overdue-minutes": "5 * * * *",
        "remind-board": "0 7 * * *", "remind-test-purchases": "10 * * * *"}
    from datetime import datetime

    digests = queue.schedules["send-digests"][1]
    assert digests(datetime(2026, 12, 1, 6, 0)) and not digests(datetime(2026, 12, 1, 6, 1))
    assert read_schedules("remind-board=*/2 * * * *")["remind-board"][0] == "*/2 * * * *"
    with pytest.raises(RuntimeError):
        read_schedules("remind-board=every day")


def test_a_periodic_job_runs_once_per_period_however_many_workers(app):
    from datetime import UTC, datetime

    when = datetime(2026, 12, 1, 6, 0, 30, tzinfo=UTC)
    assert queue.claim_period("send-digests", when) is True
    assert queue.claim_period("send-digests", when.replace(second=59)) is False
    assert queue.claim_period("send-digests", when + timedelta(days=1)) is True


def test_the_cli_commands_still_run_at_once(app, runner):
    result = runner.invoke(args=["remind-test-purchases"])
    assert result.exit_code == 0 and "reminder(s)" in result.output
    result = runner.invoke(args=["flag-overdue-minutes"])
    assert result.exit_code == 0 and "flagged 0" in result.output
    assert "remind-board: 0 7 * * *" in runner.invoke(args=["jobs"]).output
    assert runner.invoke(args=["worker"]).exit_code != 0  # no Redis in the tests


def test_jobs_page_shows_the_progress_of_feeds_being_scanned(app, people, as_user):
    feed = FeedUpload(filename="half.jsonl", stored_path="/nonexistent", size=10,
                      created_by_id=people["staff"].id, status="running", total=10, rows=5)
    db.session.add(feed)
    db.session.commit()
    text = as_user(people["staff"]).get("/jobs/").get_data(as_text=True)
    assert "Feed half.jsonl" in text and 'value="50"' in text and "5 of 10" in text
