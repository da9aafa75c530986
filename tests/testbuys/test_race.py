"""One open purchase per platform and seller, enforced by the database even under races."""

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import utcnow
from testbuys.models import TestPurchase
from tests.support.fixtures import api_for

BODY = {"platform": "jd", "seller_id": "race-seller", "reason": "same target"}


def test_three_concurrent_proposals_yield_one_purchase_and_two_conflicts(app, make):
    people = [make.make_user("member") for _ in range(3)]
    clients = [api_for(app.test_client(), p) for p in people]
    barrier = threading.Barrier(3)
    answers = []

    def propose(client):
        barrier.wait()
        r = client.post("/api/v1/test-purchases", json=BODY)
        answers.append((r.status_code, r.get_json()))

    threads = [threading.Thread(target=propose, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(code for code, _body in answers)
    assert codes == [201, 409, 409], answers
    winner = next(body["id"] for code, body in answers if code == 201)
    for code, body in answers:
        if code == 409:
            assert body["error"]["code"] == "duplicate_target"
            assert body["error"]["existing_id"] == winner
    db.session.expire_all()
    assert db.session.query(TestPurchase).filter_by(seller_id="race-seller").count() == 1


def _row(user, status="proposed"):
    now = utcnow()
    return TestPurchase(platform="jd", seller_id="dup", status=status, proposed_by_id=user.id,
                        proposer_org_id=user.organisation_id, created_at=now, updated_at=now)


def test_the_database_refuses_a_second_open_purchase_for_a_seller(app, make):
    user = make.make_user("member")
    db.session.add(_row(user))
    db.session.commit()
    db.session.add(_row(user))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # closed and cancelled purchases do not count
    db.session.add_all([_row(user, "closed"), _row(user, "cancelled"), _row(user, "closed")])
    db.session.commit()


def _at_once(calls):
    """Run each (client, method, path, body) at the same moment; their status codes."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, client, method, path, body):
        barrier.wait()
        r = getattr(client, method)(path, json=body)
        answers[i] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def _clients(app, *users):
    return [api_for(app.test_client(), u) for u in users]


def test_two_simultaneous_transitions_of_a_purchase_do_not_both_succeed(app, people, make,
                                                                        monkeypatch):
    """Both requests have loaded the purchase and found their step legal before either
    writes (held at a barrier), so only the conditional write can refuse the second."""
    from testbuys import services
    from tests.testbuys.helpers import scheduled

    lead, staff = people["member"], people["staff"]
    original = services._acting
    for round_ in range(3):
        both_read = threading.Barrier(2)

        def acting(*args, _barrier=both_read, **kwargs):
            found = original(*args, **kwargs)
            _barrier.wait(10)
            return found

        p = scheduled(lead, seller=f"race-{round_}")
        monkeypatch.setattr(services, "_acting", acting)
        before = p.version
        a, b = _clients(app, lead, staff)
        base = f"/api/v1/test-purchases/{p.id}"
        answers = _at_once([
            (a, "post", f"{base}/order", {"order_number": "R-1", "cost": 500}),
            (b, "post", f"{base}/cancel", {"reason": "seller gone"}),
        ])
        monkeypatch.setattr(services, "_acting", original)
        codes = sorted(code for code, _body in answers)
        assert codes == [200, 409], answers
        db.session.expire_all()
        purchase = db.session.get(TestPurchase, p.id)
        won = next(body for code, body in answers if code == 200)
        assert purchase.status == won["status"] and purchase.version == before + 1
        # the custody log holds the winner's step only
        assert [c.action for c in purchase.custody][-1] in ("order", "cancel")
        assert len([c for c in purchase.custody if c.action in ("order", "cancel")]) == 1


def test_two_reschedulings_read_at_the_same_version_do_not_both_succeed(app, people,
                                                                        monkeypatch):
    """Both requests have read the purchase and passed every check before either writes
    (held at a barrier): only the conditional write can refuse the second."""
    from testbuys import services
    from tests.testbuys.helpers import later, scheduled

    lead, staff = people["member"], people["staff"]
    p = scheduled(lead, seller="race-x")
    before = p.version
    both_checked = threading.Barrier(2)
    original = services.clash_for

    def clash_for(purchase, when):
        found = original(purchase, when)
        both_checked.wait(10)
        return found

    monkeypatch.setattr(services, "clash_for", clash_for)
    a, b = _clients(app, lead, staff)
    answers = _at_once([(c, "post", f"/api/v1/test-purchases/{p.id}/schedule",
                         {"scheduled_for": later(d).isoformat(), "purchaser_id": lead.id})
                        for c, d in ((a, 4), (b, 5))])
    assert sorted(code for code, _ in answers) == [200, 409], answers
    loser = next(body for code, body in answers if code == 409)
    assert loser["error"]["code"] == "stale_version"
    db.session.expire_all()
    purchase = db.session.get(TestPurchase, p.id)
    assert purchase.version == before + 1
    assert [c.action for c in purchase.custody].count("reschedule") == 1


def test_a_request_is_decided_once_when_approve_and_decline_race(app, people):
    from tests.testbuys.helpers import propose

    lead, staff, rival = people["member"], people["staff"], people["outsider"]
    p = propose(lead, "race-req")
    assert api_for(app.test_client(), rival).post(
        f"/api/v1/test-purchases/{p.id}/participants", json={}).status_code == 202
    a, b = _clients(app, lead, staff)
    base = f"/api/v1/test-purchases/{p.id}/participants/{rival.organisation_id}"
    answers = _at_once([(a, "post", f"{base}/approve", {}), (b, "post", f"{base}/decline", {})])
    codes = sorted(code for code, _ in answers)
    assert codes[0] == 200 and codes[1] in (404, 409), answers
    db.session.expire_all()
    from testbuys.models import Participant

    row = db.session.query(Participant).filter_by(organisation_id=rival.organisation_id).one()
    approved = any(code == 200 and "participants" in body
                   and any(x["organization"]["id"] == rival.organisation_id
                           for x in body["participants"]) for code, body in answers)
    assert row.status == ("active" if approved else "declined")


def test_two_brands_giving_the_last_verdicts_at_once_still_end_authenticated(app, people, make):
    from tests.testbuys.helpers import received

    lead = people["member"]
    partner = make.make_user("member", groups=("luxury-goods",))
    p = received(lead, partner)
    a, b = _clients(app, lead, partner)
    path = f"/api/v1/test-purchases/{p.id}/authentication"
    answers = _at_once([(a, "post", path, {"verdict": "genuine", "method": "x"}),
                        (b, "post", path, {"verdict": "counterfeit", "method": "y"})])
    codes = [code for code, _ in answers]
    assert 200 in codes and set(codes) <= {200, 409}, answers
    # the one that lost the race gives its verdict again; nothing of it was kept
    db.session.expire_all()  # (these requests share the test's session; a real one starts fresh)
    for (code, _), client, verdict in zip(answers, (a, b), ("genuine", "counterfeit"), strict=True):
        if code == 409:
            assert client.post(path, json={"verdict": verdict, "method": "again"}).status_code == 200
    db.session.expire_all()
    purchase = db.session.get(TestPurchase, p.id)
    assert purchase.status == "authenticated" and purchase.verdict == "counterfeit"
    assert len(purchase.authentications) == 2
