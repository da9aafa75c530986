"""Steps taken at the same moment each record what they changed, and the log stays the record."""

import threading

from portal.extensions import db
from testbuys import evidence
from testbuys.models import TestPurchase
from tests.support.fixtures import api_for
from tests.testbuys.helpers import later, propose


def test_a_join_and_a_schedule_at_once_leave_a_log_that_matches(app, make, runner):
    lead = make.make_user("member", groups=("luxury-goods",))
    partners = [make.make_user("member", groups=("luxury-goods",)) for _ in range(2)]
    p = propose(lead, working_group="luxury-goods")
    def client(user):
        return api_for(app.test_client(), user)

    calls = [(client(lead), f"/api/v1/test-purchases/{p.id}/schedule",
              {"scheduled_for": later().isoformat(), "purchaser_id": lead.id})]
    calls += [(client(x), f"/api/v1/test-purchases/{p.id}/participants", {"weight": 2})
              for x in partners]
    barrier = threading.Barrier(len(calls))
    answers = []

    def call(client, path, body):
        barrier.wait()
        answers.append(client.post(path, json=body).status_code)

    threads = [threading.Thread(target=call, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # Each step is a conditional write: a step that lost the race is refused (409), never
    # half done, and whatever succeeded is exactly what the log says.
    assert set(answers) <= {200, 201, 409} and len(answers) == 3, answers
    done = [a for a in answers if a != 409]
    assert len(done) >= 1
    db.session.expire_all()
    purchase = db.session.get(TestPurchase, p.id)
    assert (purchase.status == "scheduled") == (200 in answers)
    assert len(purchase.active_participants) == 1 + answers.count(201)
    report = evidence.verify_purchase(purchase)
    assert report.ok, report.reasons
    assert [c.seq for c in purchase.custody] == list(range(1, 2 + len(done)))
    assert runner.invoke(args=["verify-custody"]).exit_code == 0
