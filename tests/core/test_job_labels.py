"""Every job the queue knows has a label, and the jobs page shows it in the reader's
language beside the job's name (which logs, JOBS_SCHEDULES and `flask jobs` use)."""

from portal.extensions import db
from portal.jobs.labels import JOB_LABELS, job_label
from portal.jobs.models import JobRun
from portal.jobs.queue import queue
from tests.support.factories import make_user
from tests.support.fixtures import login


def _declared_jobs() -> set[str]:
    """The names of the jobs the packages declare: the queue's registry of task classes
    (whose class name is the job's name), less any a test declared for itself."""
    return {task.__name__ for task in queue._registry._registry.values()
            if not task.__module__.startswith("tests")}


def test_every_declared_job_has_a_label(app):
    names = _declared_jobs()
    assert {"send-mail", "feed-chunk", "deliver-webhook", "send-digests"} <= names
    assert set(queue.schedules) <= names
    assert sorted(names - set(JOB_LABELS)) == []


def test_an_unknown_job_reads_as_its_name(app):
    with app.test_request_context():
        assert job_label("some-new-job") == "some-new-job"
        assert str(job_label("send-mail")) == "Send an email"


def test_the_jobs_page_names_jobs_in_the_readers_language(app, people, as_user):
    db.session.add_all([JobRun(task_id="label-1", name="feed-chunk", status="done"),
                        JobRun(task_id="label-2", name="some-new-job", status="done")])
    db.session.commit()
    english = as_user(people["staff"]).get("/jobs/").get_data(as_text=True)
    assert 'Scan one chunk of a feed <code class="small">feed-chunk</code>' in english
    assert '<td><code class="small">some-new-job</code>' in english
    assert 'Send the daily digests <code class="small">send-digests</code>' in english

    staff = make_user("staff", locale="zh")
    client = app.test_client()
    login(client, staff)
    chinese = client.get("/jobs/").get_data(as_text=True)
    assert '扫描数据文件的一个分块 <code class="small">feed-chunk</code>' in chinese
    assert '发送每日摘要 <code class="small">send-digests</code>' in chinese
    assert "Scan one chunk of a feed" not in chinese
